// Relay fault injection against a scriptable SMTP peer on loopback: the peer down and then up (delivered
// exactly once), 4xx for a while (retried, then delivered), 5xx (one DSN, no retry), the give-up time
// passing (a warning DSN, then the final one), and relay instead of the built-in mailbox.

import { expect } from 'chai';
import { AGENCIES } from '../helpers/env.js';
import { runCli } from '../helpers/child.js';
import { addClerk, startTestGateway } from '../helpers/gateway.js';
import { samplePolicy, submit } from '../helpers/policy-e2e.js';
import { fixture } from '../helpers/policy.js';
import { CLERKS, deliver, startImapGateway } from '../helpers/imap.js';
import type { TestGateway } from '../helpers/gateway.js';
import { agenciesWithRelay, everythingIn, faultPeer, fastRelay, noticesOf, waitFor, type FaultPeer } from '../helpers/relay.js';
import { noticesSettled } from '../helpers/notices.js';
import type { JobRow } from '../../storage/queue/repository.js';
import { query } from '../../storage/sql.js';
import { parseMimeBuffer, walk } from '../../policies/mime/parser.js';

const TEXT = ['Số ký hiệu: 12/UBND-VP', 'Ngày ký: 20/11/2026', 'Trích yếu: V/v chuyển tiếp văn bản', '', 'Kính gửi Sở Nội vụ.'].join('\n');

async function jobsOf(tg: TestGateway, documentId: string): Promise<JobRow[]> {
  return tg.gateway.storage.queue.list({ kind: 'relay', documentId });
}

async function inboxCount(tg: TestGateway, agencyId: string, documentId: string): Promise<number> {
  const rows = await query<{ n: number }>(
    tg.gateway.storage.db.sequelize,
    "SELECT COUNT(*) AS n FROM mailbox_messages mm JOIN mailboxes b ON b.id = mm.mailbox_id WHERE b.agency_id = :a AND b.name = 'INBOX' AND mm.document_id = :d",
    { a: agencyId, d: documentId },
  );
  return Number(rows[0].n);
}

/** The decoded text of the human part and the delivery-status part of a DSN. */
async function dsnParts(dsn: Buffer): Promise<{ header: string; human: string; status: string }> {
  const text = dsn.toString('latin1');
  const boundary = /boundary="([^"]+)"/.exec(text)![1];
  const parts = text.split(`--${boundary}`);
  const parsed = await parseMimeBuffer(dsn);
  try {
    const plain = [...walk(parsed.root)].find((n) => n.contentType.value === 'text/plain');
    return { header: parts[0], human: (await plain!.content!.buffer()).toString('utf8'), status: parts[2] };
  } finally {
    await parsed.dispose();
  }
}

describe('relay: faults at the peer', function () {
  this.timeout(60_000);
  let tg: TestGateway | null = null;
  let peer: FaultPeer | null = null;

  afterEach(async () => {
    await tg?.stop();
    await peer?.close();
    tg = null;
    peer = null;
  });

  async function start(over: Record<string, unknown> = {}, relayOver: Record<string, unknown> = {}) {
    peer = await faultPeer();
    tg = await startImapGateway({
      docgate: fastRelay(over),
      agencies: agenciesWithRelay({ url: `smtp://127.0.0.1:${peer.port}?tls=none`, ...relayOver }),
    });
    return { tg, peer };
  }

  it('peer down at first, then up: retried and delivered exactly once, with the stored bytes', async () => {
    const { tg, peer } = await start();
    const doc = await deliver(tg, { subject: 'Chuyển tiếp khi máy chủ tắt', text: TEXT });
    const deferred = await waitFor('two failed attempts', async () => {
      const [job] = await jobsOf(tg, doc.trackingId);
      return job && job.status === 'queued' && job.attempts >= 2 ? job : null;
    });
    expect(deferred.lastReply).to.match(/ECONNREFUSED|ECONNECTION/);
    await peer.listen();
    const job = await waitFor('delivered', async () => {
      const [j] = await jobsOf(tg, doc.trackingId);
      return j?.status === 'delivered' ? j : null;
    });
    expect(job.lastReply).to.match(/^250 /);
    await new Promise((r) => setTimeout(r, 600));
    expect(peer.received).to.have.length(1);
    expect(peer.received[0].data.equals(doc.served), 'relayed bytes are the stored bytes').to.equal(true);
    expect(peer.received[0].from).to.equal(CLERKS.ubnd);
    expect(peer.received[0].to).to.deep.equal([CLERKS.snv]);
    const events = await tg.gateway.storage.register.eventsOf(doc.trackingId);
    const relayEvents = events.filter((e) => e.status.startsWith('relay'));
    expect(relayEvents.map((e) => e.status).slice(-1)).to.deep.equal(['relayed']);
    expect(relayEvents.filter((e) => e.status === 'relay-deferred').length).to.be.at.least(2);
    expect(relayEvents.at(-1)!.note).to.match(/250 /);
    // keepMailbox defaults to true: the built-in mailbox has it too; no DSN for a delivered job.
    expect(await inboxCount(tg, AGENCIES.snv.id, doc.trackingId)).to.equal(1);
    expect(await noticesOf(tg, AGENCIES.ubnd.id)).to.have.length(0);
  });

  it('4xx for a while: retried on the schedule, then delivered once, no DSN', async () => {
    const { tg, peer } = await start();
    peer.mode = '451 4.3.0 Tam thoi ban / try later';
    await peer.listen();
    const doc = await deliver(tg, { subject: 'Chuyển tiếp khi máy chủ bận', text: TEXT });
    await waitFor('three 4xx answers', async () => peer.attempts >= 3);
    const [busy] = await jobsOf(tg, doc.trackingId);
    expect(busy.status).to.be.oneOf(['queued', 'sending']);
    peer.mode = 'ok';
    await waitFor('delivered', async () => (await jobsOf(tg, doc.trackingId))[0]?.status === 'delivered');
    expect(peer.received).to.have.length(1);
    expect(peer.received[0].data.equals(doc.served)).to.equal(true);
    expect(await noticesOf(tg, AGENCIES.ubnd.id)).to.have.length(0);
  });

  it("5xx: fails at once, one DSN (RFC 3464) in the sender agency's Thông báo, no retry", async () => {
    const { tg, peer } = await start();
    peer.mode = '550 5.1.1 Khong co hop thu / mailbox unknown';
    await peer.listen();
    const doc = await deliver(tg, { subject: 'Chuyển tiếp bị từ chối', text: TEXT });
    const job = await waitFor('failed', async () => {
      const [j] = await jobsOf(tg, doc.trackingId);
      return j?.status === 'failed' ? j : null;
    });
    await new Promise((r) => setTimeout(r, 800));
    expect(peer.attempts).to.equal(1);
    expect(job.attempts).to.equal(1);
    expect(job.lastReply).to.match(/^550 5\.1\.1/);
    const notices = await noticesOf(tg, AGENCIES.ubnd.id);
    expect(notices).to.have.length(1);
    const { header, human, status } = await dsnParts(notices[0]);
    expect(header).to.match(/^Content-Type: multipart\/report; report-type=delivery-status; boundary=/m);
    expect(header).to.match(new RegExp(`^X-Docgate-Tracking-Id: ${doc.trackingId}\r$`, 'm'));
    expect(header).to.match(/^Auto-Submitted: auto-replied\r$/m);
    expect(status).to.match(/^Content-Type: message\/delivery-status\r$/m);
    expect(status).to.match(/^Reporting-MTA: dns; docgate\.test\r$/m);
    expect(status).to.match(new RegExp(`^Final-Recipient: rfc822; ${CLERKS.snv}\r$`, 'm'));
    expect(status).to.match(/^Action: failed\r$/m);
    expect(status).to.match(/^Status: 5\.1\.1\r$/m);
    expect(status).to.match(/^Diagnostic-Code: smtp; 550 5\.1\.1 Khong co hop thu \/ mailbox unknown\r$/m);
    // Vietnamese first, English after.
    const vi = human.indexOf('Không chuyển được văn bản');
    const en = human.indexOf('could not be delivered');
    expect(vi).to.be.at.least(0);
    expect(en).to.be.greaterThan(vi);
    expect(human).to.contain(doc.trackingId);
    const events = (await tg.gateway.storage.register.eventsOf(doc.trackingId)).filter((e) => e.status.startsWith('relay'));
    expect(events.map((e) => e.status)).to.deep.equal(['relay-failed']);
  });

  it('the give-up time passes: a warning DSN (delayed) first, then the final DSN (4.4.7)', async () => {
    const { tg, peer } = await start({ giveUp: '1500ms', warnAfter: '400ms', schedule: ['150ms'] });
    peer.mode = '421 4.4.2 Qua tai / overloaded';
    await peer.listen();
    const doc = await deliver(tg, { subject: 'Chuyển tiếp quá hạn', text: TEXT });
    const job = await waitFor('given up', async () => {
      const [j] = await jobsOf(tg, doc.trackingId);
      return j?.status === 'failed' ? j : null;
    });
    expect(job.attempts).to.be.at.least(3);
    expect(job.warnedAt).to.not.equal(null);
    expect(job.finishedAt!.getTime() - job.createdAt.getTime()).to.be.at.least(1500);
    const notices = await noticesOf(tg, AGENCIES.ubnd.id);
    expect(notices).to.have.length(2);
    const warning = await dsnParts(notices[0]);
    expect(warning.status).to.match(/^Action: delayed\r$/m);
    expect(warning.status).to.match(/^Status: 4\.4\.2\r$/m);
    expect(warning.status).to.match(/^Will-Retry-Until: /m);
    expect(warning.human).to.contain('vẫn tiếp tục thử lại');
    const final = await dsnParts(notices[1]);
    expect(final.status).to.match(/^Action: failed\r$/m);
    expect(final.status).to.match(/^Status: 4\.4\.7\r$/m);
    expect(final.status).to.match(/^Diagnostic-Code: smtp; 421 4\.4\.2 Qua tai \/ overloaded\r$/m);
    const attemptsAtEnd = peer.attempts;
    await new Promise((r) => setTimeout(r, 600));
    expect(peer.attempts, 'no attempt after giving up').to.equal(attemptsAtEnd);
    expect(peer.received).to.have.length(0);
  });

  it('keepMailbox: false relays instead of the built-in mailbox (still in the sổ đến)', async () => {
    const { tg, peer } = await start({}, { keepMailbox: false });
    await peer.listen();
    const doc = await deliver(tg, { subject: 'Chỉ chuyển tiếp', text: TEXT });
    await waitFor('delivered', async () => (await jobsOf(tg, doc.trackingId))[0]?.status === 'delivered');
    expect(peer.received).to.have.length(1);
    expect(await inboxCount(tg, AGENCIES.snv.id, doc.trackingId)).to.equal(0);
    const entry = await tg.gateway.storage.register.incomingEntry(AGENCIES.snv.id, doc.trackingId);
    expect(entry?.status).to.equal('01');
    // The sender: acceptance receipt at the 250; 01 and a delivery receipt naming the peer at its 250.
    await noticesSettled(tg, doc.trackingId);
    const statuses = (await everythingIn(tg, AGENCIES.ubnd.id)).map((m) => /^X-Docgate-Status: (.*)\r$/m.exec(m.toString('latin1'))![1]);
    expect(statuses).to.deep.equal(['receipt-accepted', '01', 'receipt-delivered']);
    const receipt = (await everythingIn(tg, AGENCIES.ubnd.id))[2].toString('latin1');
    expect(receipt).to.contain(`127.0.0.1:${peer.port}`);
    const [sent] = await query<{ flags: string }>(
      tg.gateway.storage.db.sequelize,
      "SELECT mm.flags FROM mailbox_messages mm JOIN mailboxes b ON b.id = mm.mailbox_id WHERE b.agency_id = :a AND b.name = 'Văn bản đi' AND mm.document_id = :d",
      { a: AGENCIES.ubnd.id, d: doc.trackingId },
    );
    expect(JSON.parse(sent.flags)).to.include('$TrangThai-01');
  });

  it('a quarantined document is relayed only when released (its jobs queued by the release)', async () => {
    peer = await faultPeer();
    await peer.listen();
    const policy = samplePolicy();
    tg = await startTestGateway({
      policy: { ...policy, actions: { ...policy.actions, 'active-content': 'quarantine' } },
      docgate: fastRelay(),
      agencies: agenciesWithRelay({ url: `smtp://127.0.0.1:${peer.port}?tls=none`, keepMailbox: false }),
    });
    await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
    const result = await submit(tg, { attachments: [{ filename: 'Quyết định.pdf', content: fixture('pdf-javascript.pdf') }] });
    const trackingId = /(DG\d{8}-[A-Z2-9]{10})/.exec(result.response)![1];
    expect(result.response).to.match(/\[quarantine:active-content\]/);
    expect(await jobsOf(tg, trackingId)).to.have.length(0);
    const released = await runCli(['quarantine', 'release', trackingId, '--config', tg.env.configDir, '--data', tg.env.dataDir]);
    expect(released.code, released.stderr).to.equal(0);
    await waitFor('relayed after release', async () => (await jobsOf(tg!, trackingId))[0]?.status === 'delivered');
    expect(peer.received).to.have.length(1);
    expect(peer.received[0].data.toString('latin1')).to.contain(`X-Docgate-Tracking-Id: ${trackingId}`);
    expect(await inboxCount(tg, AGENCIES.snv.id, trackingId)).to.equal(0);
  });

  it('no relay target: no job is queued', async () => {
    tg = await startImapGateway({ docgate: fastRelay() });
    const doc = await deliver(tg, { subject: 'Không chuyển tiếp', text: TEXT });
    expect(await jobsOf(tg, doc.trackingId)).to.have.length(0);
  });
});
