// Relay to a real Postfix (Debian package postfix) on a high loopback port with its own throw-away
// config: STARTTLS with the peer's certificate checked against a configured CA file, the document stored
// in the peer's Maildir exactly as docgate stored it, a signed document still verifying there with
// `openssl cms -verify`, and a recipient Postfix refuses at RCPT (550 5.1.1) getting a DSN.

import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { AGENCIES } from '../helpers/env.js';
import { addClerk, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { CLERKS, deliver, startImapGateway } from '../helpers/imap.js';
import { startPostfix, type PostfixPeer } from '../helpers/postfix.js';
import { agenciesWithRelay, fastRelay, noticesOf, waitFor } from '../helpers/relay.js';
import { fixture, SMIME_TRUST, TEST_NOW } from '../helpers/smime.js';
import { opensslVerify } from '../helpers/smime-verify.js';
import { scratchDir, submitRaw } from '../helpers/submit.js';

const TEXT = ['Số ký hiệu: 15/UBND-VP', 'Ngày ký: 20/11/2026', 'Trích yếu: V/v chuyển tiếp qua Postfix', '', 'Kính gửi Sở Nội vụ.'].join('\n');

/** Postfix's Maildir keeps LF line ends: what it stored, with docgate's CRLF turned into LF. */
function lf(bytes: Buffer): Buffer {
  return Buffer.from(bytes.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
}

describe('relay to a real Postfix', function () {
  this.timeout(90_000);
  let postfix: PostfixPeer;
  let tg: TestGateway | null = null;
  let scratch: ReturnType<typeof scratchDir>;

  before(async () => {
    postfix = await startPostfix([CLERKS.snv]);
    scratch = scratchDir();
  });
  after(async () => {
    await postfix?.stop();
    scratch?.cleanup();
  });
  afterEach(async () => {
    await tg?.stop();
    tg = null;
  });

  async function gatewayWithCa(over: { trust?: boolean; caFile?: boolean } = {}) {
    const relay = { url: `smtp://127.0.0.1:${postfix.port}`, ...(over.caFile === false ? {} : { caFile: path.join(postfix.dir, 'ca.pem') }) };
    if (over.trust) {
      tg = await startTestGateway({
        trustFrom: SMIME_TRUST,
        now: () => TEST_NOW,
        policy: { checks: [{ id: 'sender-header' }, { id: 'smime-signature' }], actions: {} },
        docgate: fastRelay(),
        agencies: agenciesWithRelay(relay),
      });
      await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
    } else {
      tg = await startImapGateway({ docgate: fastRelay(), agencies: agenciesWithRelay(relay) });
    }
    return tg;
  }

  it('delivers over STARTTLS (certificate checked against caFile); the Maildir holds the stored bytes', async () => {
    const tg = await gatewayWithCa();
    const before = postfix.delivered(CLERKS.snv).length;
    const doc = await deliver(tg, { subject: 'Chuyển tiếp qua Postfix', text: TEXT });
    const [job] = await waitFor('delivered', async () => {
      const jobs = await tg.gateway.storage.queue.list({ documentId: doc.trackingId, kind: 'relay' });
      return jobs[0]?.status === 'delivered' ? jobs : null;
    });
    expect(job.lastReply).to.match(/^250 2\.0\.0 Ok: queued as /);
    // Picked by its tracking id, not by position: Maildir names need not sort in delivery order.
    const stored = await waitFor('in the Maildir', async () => postfix.delivered(CLERKS.snv).find((f) => f.includes(doc.trackingId)) ?? null);
    expect(postfix.delivered(CLERKS.snv).length).to.be.greaterThan(before);
    const expected = lf(doc.served);
    // Postfix prepends its own trace (Return-Path, Delivered-To, Received); after it, our bytes, unchanged.
    expect(stored.subarray(stored.length - expected.length).equals(expected), 'the Maildir file ends with the stored bytes').to.equal(true);
    expect(stored.subarray(0, stored.length - expected.length).toString('latin1')).to.match(
      /^Return-Path: <vanthu@ubnd\.hatinh\.gov\.vn>\n[\s\S]*Received: from [^\n]*\n\tby peer\.test \(Postfix\) with ESMTPS/,
    );
    expect(doc.served.toString('latin1')).to.contain(`X-Docgate-Tracking-Id: ${doc.trackingId}`);
  });

  it('a signed document still verifies with openssl cms -verify on what Postfix stored', async () => {
    const tg = await gatewayWithCa({ trust: true });
    const submitted = await submitRaw(tg, fixture('openssl-detached-rsa.eml'));
    expect(submitted.code, submitted.response).to.equal(250);
    // Picked by its signed content, not by position: Maildir names need not sort in delivery order.
    const SIGNED_MARKER = 'U+G7kSBrw70';
    const delivered = await waitFor('in the Maildir', async () => postfix.delivered(CLERKS.snv).find((f) => f.includes(SIGNED_MARKER)) ?? null);
    const file = path.join(scratch.dir, 'postfix-signed.eml');
    writeFileSync(file, delivered);
    expect(await opensslVerify(file)).to.contain('Verification successful');
    // One byte of the signed content changed: the same check fails (the verification is real).
    const tampered = Buffer.from(delivered.toString('latin1').replace(SIGNED_MARKER, 'U+G7kSBrw71'), 'latin1');
    expect(tampered.equals(delivered)).to.equal(false);
    const bad = path.join(scratch.dir, 'postfix-signed-tampered.eml');
    writeFileSync(bad, tampered);
    let failed = false;
    await opensslVerify(bad).catch(() => (failed = true));
    expect(failed, 'tampered copy fails verification').to.equal(true);
  });

  it("without the CA file the peer's certificate is refused: the job waits (4xx-like), nothing is sent", async () => {
    const tg = await gatewayWithCa({ caFile: false });
    const before = postfix.delivered(CLERKS.snv).length;
    const doc = await deliver(tg, { subject: 'Chứng thư không tin cậy', text: TEXT });
    const job = await waitFor('a refused attempt', async () => {
      const [j] = await tg.gateway.storage.queue.list({ documentId: doc.trackingId, kind: 'relay' });
      return j && j.attempts >= 1 && j.status === 'queued' ? j : null;
    });
    expect(job.lastReply).to.match(/certificate|self[- ]signed|issuer/i);
    expect(postfix.delivered(CLERKS.snv).length).to.equal(before);
  });

  it('a recipient Postfix refuses at RCPT (550 5.1.1): the others get it, the sender gets one DSN for it', async () => {
    const tg = await gatewayWithCa();
    const before = postfix.delivered(CLERKS.snv).length;
    const doc = await deliver(tg, { subject: 'Một người nhận không tồn tại', text: TEXT, to: [CLERKS.snv, CLERKS.snv2] });
    const [job] = await waitFor('finished', async () => {
      const jobs = await tg.gateway.storage.queue.list({ documentId: doc.trackingId, kind: 'relay' });
      return jobs[0] && ['delivered', 'failed'].includes(jobs[0].status) ? jobs : null;
    });
    expect(job.status).to.equal('delivered');
    await waitFor('in the Maildir', async () => postfix.delivered(CLERKS.snv).length > before);
    const notices = await waitFor('a DSN', async () => {
      const n = await noticesOf(tg, AGENCIES.ubnd.id);
      return n.length > 0 ? n : null;
    });
    expect(notices).to.have.length(1);
    const text = notices[0].toString('latin1');
    expect(text).to.match(new RegExp(`^Final-Recipient: rfc822; ${CLERKS.snv2}\r$`, 'm'));
    expect(text).to.not.match(new RegExp(`^Final-Recipient: rfc822; ${CLERKS.snv}\r$`, 'm'));
    expect(text).to.match(/^Action: failed\r$/m);
    expect(text).to.match(/^Status: 5\.1\.1\r$/m);
    expect(text).to.match(/^Diagnostic-Code: smtp; 550 5\.1\.1 <vanthu2@snv\.hatinh\.gov\.vn>/m);
  });
});
