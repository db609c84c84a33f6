// Replacement and update (edXML business types 3 and 2): the form line "Thay thế văn bản: <số ký hiệu>"
// or "Cập nhật văn bản: …" links the new document to the agency's earlier one in the register (events
// replaces/replaced, updates/updated) and flags the earlier copy $ThayThe / $CapNhat at every recipient
// (seen over IMAP); a number the agency never sent is refused [reference-unknown].

import { expect } from 'chai';
import { FOLDERS } from '../../storage/mailbox/folders.js';
import { AGENCIES } from '../helpers/env.js';
import { transport, type TestGateway } from '../helpers/gateway.js';
import { CLERKS, composeDocument, deliver, imapflowClient, startImapGateway } from '../helpers/imap.js';

async function flagsOf(tg: TestGateway, user: string, folder: string, trackingId: string): Promise<string[]> {
  const c = imapflowClient(tg, user);
  await c.connect();
  try {
    const lock = await c.getMailboxLock(folder);
    try {
      for await (const m of c.fetch('1:*', { flags: true, headers: ['x-docgate-tracking-id', 'x-docgate-so-den'] })) {
        const h = m.headers!.toString('latin1');
        if (h.includes(trackingId) && /X-Docgate-So-Den/i.test(h)) return [...(m.flags ?? [])];
      }
      return [];
    } finally {
      lock.release();
    }
  } finally {
    await c.logout();
  }
}

describe('replacement and update of a sent document', function () {
  this.timeout(60_000);
  let tg: TestGateway;

  before(async () => {
    tg = await startImapGateway({ policy: { checks: [{ id: 'sender-header' }, { id: 'document-reference' }], actions: {} } });
  });
  after(async () => tg?.stop());

  it('links the replacement in the register and flags the old copy $ThayThe at every recipient, then $CapNhat', async () => {
    const to = [CLERKS.snv, CLERKS.stttt];
    const old = await deliver(tg, { subject: 'Bản gốc', text: 'Số ký hiệu: 51/UBND-VX\nKính gửi các sở', to });
    // Sở TT&TT already registered it: its copy in "Đã vào sổ" is flagged too.
    const c = imapflowClient(tg, CLERKS.stttt);
    await c.connect();
    const lock = await c.getMailboxLock('INBOX');
    await c.messageMove({ header: { 'X-Docgate-Tracking-Id': old.trackingId } }, FOLDERS.registered.name);
    lock.release();
    await c.logout();

    const replacement = await deliver(tg, { subject: 'Bản thay thế', text: 'Số ký hiệu: 52/UBND-VX\nThay thế văn bản: 51/UBND-VX\nKính gửi các sở', to });
    const newEvents = await tg.gateway.storage.register.eventsOf(replacement.trackingId);
    expect(newEvents.find((e) => e.status === 'replaces')).to.deep.include({ note: old.trackingId, agencyId: AGENCIES.ubnd.id, actor: CLERKS.ubnd });
    const oldEvents = await tg.gateway.storage.register.eventsOf(old.trackingId);
    expect(oldEvents.find((e) => e.status === 'replaced')).to.deep.include({ note: replacement.trackingId });
    expect(await flagsOf(tg, CLERKS.snv, 'INBOX', old.trackingId)).to.include('$ThayThe');
    expect(await flagsOf(tg, CLERKS.stttt, FOLDERS.registered.name, old.trackingId)).to.include('$ThayThe');
    expect(await flagsOf(tg, CLERKS.snv, 'INBOX', replacement.trackingId)).to.not.include('$ThayThe');

    const update = await deliver(tg, { subject: 'Bản cập nhật', text: 'Số ký hiệu: 53/UBND-VX\nCập nhật văn bản: 51/UBND-VX\nKính gửi các sở', to });
    expect((await tg.gateway.storage.register.eventsOf(update.trackingId)).find((e) => e.status === 'updates')).to.deep.include({ note: old.trackingId });
    expect(await flagsOf(tg, CLERKS.snv, 'INBOX', old.trackingId)).to.include.members(['$ThayThe', '$CapNhat']);
  });

  it('refuses a replacement of a number the agency never sent, with a clear reason', async () => {
    const client = transport(tg.starttlsPort, CLERKS.ubnd);
    const raw = await composeDocument({ subject: 'Thay thế không rõ', text: 'Số ký hiệu: 54/UBND-VX\nThay thế văn bản: 99/UBND-XX\nKính gửi Sở Nội vụ' });
    let error: Error & { response?: string } = new Error('accepted');
    try {
      await client.sendMail({ envelope: { from: CLERKS.ubnd, to: [CLERKS.snv] }, raw });
    } catch (err) {
      error = err as Error & { response?: string };
    } finally {
      client.close();
    }
    expect(error.response).to.match(
      /^550 5\.7\.1 \[reference-unknown\] .*99\/UBND-XX.* \/ No sent document of the agency has the number to replace \/ update: 99\/UBND-XX/,
    );
  });

  it("another agency cannot replace UBND's document", async () => {
    const client = transport(tg.starttlsPort, CLERKS.snv);
    const raw = Buffer.from(
      `From: ${CLERKS.snv}\r\nTo: ${CLERKS.ubnd}\r\nSubject: Thay the\r\nMessage-ID: <snv-replace@snv.hatinh.gov.vn>\r\nDate: Wed, 02 Dec 2026 08:00:00 +0700\r\n\r\nSo ky hieu: 10/SNV-VP\r\nThay the van ban: 51/UBND-VX\r\n`,
    );
    const err = await client.sendMail({ envelope: { from: CLERKS.snv, to: [CLERKS.ubnd] }, raw }).then(
      () => null,
      (e: Error & { response?: string }) => e,
    );
    client.close();
    expect(err?.response).to.match(/\[reference-unknown\]/);
  });
});
