// What the sender sees of its document, as a mail client polling its "Thông báo" folder with imapflow:
// the signed acceptance receipt, then 01 (arrived) with a delivery receipt, then 03 when the recipient
// files it, or 02 with the reason when it returns it. Every notice's JSON part is parsed and its edXML
// status read with an XML parser; receipts verify with openssl cms -verify and `docgate receipt verify`,
// and stop verifying after one changed byte (of the receipt, or of the original). The sender's copy in
// "Văn bản đi" carries the recipient's status as a $TrangThai-NN keyword, announced to an IDLE client.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { expect } from 'chai';
import type { ImapFlow } from 'imapflow';
import { parseMimeBuffer, walk } from '../../policies/mime/parser.js';
import { FOLDERS } from '../../storage/mailbox/folders.js';
import { cliFor } from '../helpers/child.js';
import { AGENCIES } from '../helpers/env.js';
import type { TestGateway } from '../helpers/gateway.js';
import { CLERKS, deliver, imapflowClient, startImapGateway } from '../helpers/imap.js';
import { scratchDir } from '../helpers/submit.js';
import { waitFor } from '../helpers/relay.js';

interface Notice {
  uid: number;
  raw: Buffer;
  status: string;
  messageId: string;
  inReplyTo: string | null;
  text: string;
  json: Record<string, unknown> & { trackingId: string; status: string | null; kind: string };
  xml: string | null;
}

function header(raw: Buffer, name: string): string | null {
  const head = raw.subarray(0, raw.indexOf('\r\n\r\n')).toString('latin1');
  const m = new RegExp(`^${name}: *(.*)$`, 'im').exec(head);
  return m ? m[1].trim() : null;
}

async function noticeOf(uid: number, raw: Buffer): Promise<Notice> {
  const parsed = await parseMimeBuffer(raw);
  try {
    const parts = new Map<string, string>();
    for (const node of walk(parsed.root)) {
      if (!node.content || node.children.length > 0) continue;
      const type = node.contentType.value;
      if (!parts.has(type)) parts.set(type, (await node.content.buffer()).toString('utf8'));
    }
    return {
      uid,
      raw,
      status: header(raw, 'X-Docgate-Status')!,
      messageId: header(raw, 'Message-ID')!,
      inReplyTo: header(raw, 'In-Reply-To'),
      text: parts.get('text/plain') ?? '',
      json: JSON.parse(parts.get('application/json') ?? 'null') as Notice['json'],
      xml: parts.get('application/xml') ?? null,
    };
  } finally {
    await parsed.dispose();
  }
}

/** The notices about one document in the sender's Thông báo, in UID order (what a polling client sees). */
async function poll(client: ImapFlow, trackingId: string): Promise<Notice[]> {
  const lock = await client.getMailboxLock(FOLDERS.notices.name);
  try {
    await client.noop();
    const out: Notice[] = [];
    if ((client.mailbox as { exists: number }).exists === 0) return out;
    for await (const m of client.fetch('1:*', { uid: true, source: true })) {
      if (header(m.source!, 'X-Docgate-Tracking-Id') === trackingId) out.push(await noticeOf(m.uid, m.source!));
    }
    return out;
  } finally {
    lock.release();
  }
}

async function pollUntil(client: ImapFlow, trackingId: string, statuses: string[]): Promise<Notice[]> {
  return waitFor(`notices ${statuses.join(', ')} for ${trackingId}`, async () => {
    const notices = await poll(client, trackingId);
    return notices.length >= statuses.length ? notices : null;
  });
}

function edxml(xml: string): { get(name: string): string | null } {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  return {
    get: (name) => doc.getElementsByTagNameNS('http://www.e-doc.vn/Schema/', name).item(0)?.textContent ?? null,
  };
}

describe('receipts, status notices and the $TrangThai keyword, as the sender sees them', function () {
  this.timeout(120_000);
  let tg: TestGateway;
  let sender: ImapFlow;
  let recipient: ImapFlow;
  const scratch = scratchDir();

  before(async function () {
    tg = await startImapGateway();
    sender = imapflowClient(tg, CLERKS.ubnd);
    recipient = imapflowClient(tg, CLERKS.snv);
    await sender.connect();
    await recipient.connect();
  });
  after(async () => {
    await sender?.logout().catch(() => undefined);
    await recipient?.logout().catch(() => undefined);
    await tg.stop();
    scratch.cleanup();
  });

  let registered: { trackingId: string; submitted: Buffer; notices: Notice[] };

  it('acceptance receipt, then 01 with a delivery receipt, then 03 when the recipient files it; keyword 01 → 03 seen by an IDLE client', async function () {
    const doc = await deliver(tg, {
      subject: 'V/v cải cách hành chính',
      text: 'Số ký hiệu: 12/UBND-VX\nTrích yếu: V/v cải cách hành chính\nKính gửi Sở Nội vụ',
    });
    const stored = (await tg.gateway.storage.register.findDocument(doc.trackingId))!;
    const first = await pollUntil(sender, doc.trackingId, ['receipt-accepted', '01', 'receipt-delivered']);
    expect(first.map((n) => n.status)).to.deep.equal(['receipt-accepted', '01', 'receipt-delivered']);
    for (const n of first) {
      expect(n.inReplyTo).to.equal(stored.rfc822MessageId);
      expect(header(n.raw, 'References')).to.equal(stored.rfc822MessageId);
      expect(n.json.trackingId).to.equal(doc.trackingId);
    }
    const [accepted, arrived, delivered] = first;
    const sha = createHash('sha256').update(doc.submitted).digest('hex');
    expect(accepted.json).to.deep.include({ kind: 'acceptance-receipt', sha256: sha, size: doc.submitted.length, documentNumber: '12/UBND-VX' });
    expect(accepted.json.recipients).to.deep.equal([CLERKS.snv]);
    expect((accepted.json.sender as { account: string }).account).to.equal(CLERKS.ubnd);
    const time = accepted.json.time as { utc: string; local: string; timeZone: string };
    expect(new Date(time.utc).getTime()).to.equal(stored.receivedAt.getTime());
    expect(time.local).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$/);
    expect(time.timeZone).to.equal('Asia/Ho_Chi_Minh');
    expect(accepted.text).to.match(/^BIÊN NHẬN CHẤP NHẬN VĂN BẢN/);
    expect(accepted.text.indexOf('ACCEPTANCE RECEIPT')).to.be.greaterThan(accepted.text.indexOf('BIÊN NHẬN'));
    expect(accepted.text).to.contain(sha);
    expect(header(accepted.raw, 'Content-Type')).to.match(/^multipart\/signed; protocol="application\/pkcs7-signature"/);

    expect(arrived.json).to.deep.include({ kind: 'status', status: '01', documentNumber: '12/UBND-VX' });
    expect(arrived.json.agency).to.deep.equal({ id: AGENCIES.snv.id, name: 'Sở Nội vụ tỉnh Hà Tĩnh' });
    expect(arrived.json.delivery).to.deep.include({ via: 'mailbox', where: 'INBOX' });
    expect(arrived.text).to.contain('Văn bản của quý cơ quan đã đến Sở Nội vụ tỉnh Hà Tĩnh (trạng thái 01)');
    const x01 = edxml(arrived.xml!);
    expect(x01.get('StatusCode')).to.equal('01');
    expect(x01.get('DocumentId')).to.match(new RegExp(`^${AGENCIES.ubnd.id.replace(/\./g, '\\.')},\\d{4}/\\d\\d/\\d\\d,12/UBND-VX$`));
    expect(x01.get('OrganId')).to.equal(AGENCIES.snv.id);
    expect(x01.get('Timestamp')).to.match(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d$/);

    expect(delivered.json).to.deep.include({ kind: 'delivery-receipt', sha256: sha });
    expect(delivered.json.delivery).to.deep.include({ via: 'mailbox', where: 'INBOX' });
    expect((delivered.json.agency as { id: string }).id).to.equal(AGENCIES.snv.id);
    const events = await tg.gateway.storage.register.eventsOf(doc.trackingId);
    expect(events.filter((e) => e.status === 'receipt-accepted')).to.have.length(1);
    expect(events.filter((e) => e.status === 'receipt-delivered').map((e) => e.agencyId)).to.deep.equal([AGENCIES.snv.id]);

    // The sender's copy: $TrangThai-01 in FLAGS/PERMANENTFLAGS, searchable; an IDLE client sees it turn 03.
    const watcher = imapflowClient(tg, CLERKS.ubnd);
    await watcher.connect();
    const box = await watcher.mailboxOpen(FOLDERS.sent.name);
    expect([...box.flags]).to.include('$TrangThai-01');
    expect([...(box.permanentFlags ?? [])]).to.include('$TrangThai-01');
    const copyUid = (await watcher.search({ header: { 'X-Docgate-Tracking-Id': doc.trackingId } }, { uid: true })) as number[];
    expect(copyUid).to.have.length(1);
    expect(await watcher.search({ keyword: '$TrangThai-01' }, { uid: true })).to.include(copyUid[0]);
    const before = (await watcher.fetchOne(String(copyUid[0]), { flags: true }, { uid: true })) as { flags: Set<string>; modseq: bigint };
    const flagEvents: { uid?: number; flags: Set<string>; modseq?: bigint }[] = [];
    watcher.on('flags', (e: { uid?: number; flags: Set<string>; modseq?: bigint }) => flagEvents.push(e));
    const idling = watcher.idle();

    const lock = await recipient.getMailboxLock('INBOX');
    try {
      await recipient.noop();
      const uids = (await recipient.search({ header: { 'X-Docgate-Tracking-Id': doc.trackingId } }, { uid: true })) as number[];
      await recipient.messageMove(String(uids[0]), FOLDERS.registered.name, { uid: true });
    } finally {
      lock.release();
    }
    const all = await pollUntil(sender, doc.trackingId, ['receipt-accepted', '01', 'receipt-delivered', '03']);
    const registeredNotice = all[3];
    expect(registeredNotice.status).to.equal('03');
    expect(registeredNotice.json).to.deep.include({ kind: 'status', status: '03', actor: CLERKS.snv });
    const entry = await tg.gateway.storage.register.incomingEntry(AGENCIES.snv.id, doc.trackingId);
    expect(registeredNotice.json.incomingNumber).to.equal(entry!.number);
    expect(edxml(registeredNotice.xml!).get('StatusCode')).to.equal('03');
    expect(edxml(registeredNotice.xml!).get('Staff')).to.equal(CLERKS.snv);
    expect(registeredNotice.text).to.contain('tiếp nhận và vào sổ đến (trạng thái 03)');

    const seen = await waitFor('the keyword change at the IDLE client', async () => flagEvents.find((e) => e.flags.has('$TrangThai-03')) ?? null);
    expect([...seen.flags]).to.not.include('$TrangThai-01');
    expect(seen.modseq! > before.modseq).to.equal(true);
    // A command ends the IDLE (imapflow sends DONE first).
    expect(await watcher.search({ keyword: '$TrangThai-03' }, { uid: true })).to.include(copyUid[0]);
    await idling.catch(() => undefined);
    expect(await watcher.search({ keyword: '$TrangThai-01' }, { uid: true })).to.not.include(copyUid[0]);
    await watcher.logout();
    registered = { trackingId: doc.trackingId, submitted: doc.submitted, notices: all };
  });

  it('02 with the reason after a return, in all three parts', async function () {
    const doc = await deliver(tg, { subject: 'Tờ trình gửi nhầm', text: 'Số ký hiệu: 07/TTr-UBND\nTờ trình số 7' });
    await pollUntil(sender, doc.trackingId, ['receipt-accepted', '01', 'receipt-delivered']);
    const lock = await recipient.getMailboxLock('INBOX');
    try {
      await recipient.noop();
      const uids = (await recipient.search({ header: { 'X-Docgate-Tracking-Id': doc.trackingId } }, { uid: true })) as number[];
      expect(uids).to.have.length(1);
      expect(await recipient.messageFlagsAdd(String(uids[0]), ['$TraLai-SaiTheThuc'], { uid: true })).to.equal(true);
      expect(await recipient.messageMove(String(uids[0]), FOLDERS.returned.name, { uid: true })).to.not.equal(false);
    } finally {
      lock.release();
    }
    const notices = await pollUntil(sender, doc.trackingId, ['receipt-accepted', '01', 'receipt-delivered', '02']);
    const returned = notices[3];
    expect(returned.status).to.equal('02');
    expect(returned.json).to.deep.include({ status: '02', actor: CLERKS.snv });
    expect((returned.json.reason as { vi: string }).vi).to.contain('Sai thể thức');
    expect(returned.text).to.contain('- Lý do trả lại: Sai thể thức');
    expect(edxml(returned.xml!).get('StatusCode')).to.equal('02');
    expect(edxml(returned.xml!).get('Reason')).to.contain('Sai thể thức');
    const sent = await sender.getMailboxLock(FOLDERS.sent.name);
    try {
      const uids = (await sender.search({ header: { 'X-Docgate-Tracking-Id': doc.trackingId } }, { uid: true })) as number[];
      const copy = (await sender.fetchOne(String(uids[0]), { flags: true }, { uid: true })) as { flags: Set<string> };
      expect([...copy.flags].filter((f) => f.startsWith('$TrangThai-'))).to.deep.equal(['$TrangThai-02']);
    } finally {
      sent.release();
    }
  });

  it('receipts verify with openssl cms -verify and docgate receipt verify, and fail after one changed byte', async function () {
    const ca = path.join(tg.env.dataDir, 'signing/ca.crt');
    const cli = cliFor(tg.env);
    const original = scratch.file('original.eml', registered.submitted);
    // Every receipt through openssl and the CLI; the tampering cases through the CLI once (each run is a process start).
    for (const [i, receipt] of registered.notices.filter((n) => n.status.startsWith('receipt-')).entries()) {
      const file = scratch.file(`${receipt.status}.eml`, receipt.raw);
      const ok = spawnSync('openssl', ['cms', '-verify', '-in', file, '-CAfile', ca, '-purpose', 'smimesign', '-out', path.join(scratch.dir, 'out')], {
        encoding: 'utf8',
      });
      expect(ok.stderr, 'openssl must be installed').to.contain('Verification successful');
      expect(ok.status).to.equal(0);
      const good = await cli(['receipt', 'verify', file, '--message', original]);
      expect(good.code, good.stdout + good.stderr).to.equal(0);
      expect(good.stdout.split('\n')[0]).to.match(/^Chữ ký hợp lệ: .* \/ Signature valid/);
      expect(good.stdout).to.contain(registered.trackingId);
      expect(good.stdout).to.contain('Văn bản gốc khớp với biên nhận (bản đã gửi)');

      // One byte of the signed text part: the last letter of the tracking id it states.
      const tampered = Buffer.from(receipt.raw);
      const signedStart = tampered.indexOf('Content-Type: multipart/mixed');
      const at = tampered.indexOf(registered.trackingId, signedStart) + registered.trackingId.length - 1;
      expect(signedStart).to.be.greaterThan(0);
      tampered[at] = tampered[at] === 0x41 ? 0x42 : 0x41;
      const bad = scratch.file(`${receipt.status}-tampered.eml`, tampered);
      const failed = spawnSync('openssl', ['cms', '-verify', '-in', bad, '-CAfile', ca, '-purpose', 'smimesign', '-out', path.join(scratch.dir, 'out')], {
        encoding: 'utf8',
      });
      expect(failed.status).to.not.equal(0);
      if (i > 0) continue;
      const refused = await cli(['receipt', 'verify', bad]);
      expect(refused.code).to.equal(1);
      expect(refused.stdout).to.match(/^CHỮ KÝ KHÔNG HỢP LỆ/);

      const changed = Buffer.from(registered.submitted);
      changed[changed.length - 3] ^= 0x01;
      const mismatch = await cli(['receipt', 'verify', file, '--message', scratch.file('changed.eml', changed)]);
      expect(mismatch.code).to.equal(4);
      expect(mismatch.stdout).to.contain('VĂN BẢN GỐC KHÔNG KHỚP');
    }
    // The copy the sender's client fetches from Văn bản đi (docgate's trace block + the bytes) matches too.
    const lock = await sender.getMailboxLock(FOLDERS.sent.name);
    let served: Buffer;
    try {
      const uids = (await sender.search({ header: { 'X-Docgate-Tracking-Id': registered.trackingId } }, { uid: true })) as number[];
      served = ((await sender.fetchOne(String(uids[0]), { source: true }, { uid: true })) as { source: Buffer }).source;
    } finally {
      lock.release();
    }
    const receiptFile = scratch.file('accepted.eml', registered.notices[0].raw);
    const fromSent = await cli(['receipt', 'verify', receiptFile, '--message', scratch.file('served.eml', served), '--json']);
    expect(fromSent.code).to.equal(0);
    expect((JSON.parse(fromSent.stdout) as { original: { match: string } }).original.match).to.equal('served');
    writeFileSync(path.join(scratch.dir, 'done'), '');
  });
});
