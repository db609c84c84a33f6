// The administrator's quarantine page: a held document released from the portal is numbered and
// delivered like an accepted one (the code `docgate quarantine release` calls), with an event naming
// the administrator; one rejected is returned with the note. The relay queue page: a job deferred by a
// busy agency server is retried at once from the portal and delivered, another dropped; each an event
// with the administrator. The configuration page: the policy and agencies in force and the result of
// `config check`, a problem included.

import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { addClerk, TEST_PASSWORD } from '../helpers/gateway.js';
import { AGENCIES } from '../helpers/env.js';
import { CLERKS, deliver } from '../helpers/imap.js';
import { agenciesWithRelay, faultPeer, fastRelay, waitFor, type FaultPeer } from '../helpers/relay.js';
import { freshNumberPolicy, submit } from '../helpers/policy-e2e.js';
import { fixture, TEST_NOW } from '../helpers/policy.js';
import { PortalClient, startPortalGateway, type PortalGateway } from '../helpers/portal.js';

describe('web portal: quarantine decisions', function () {
  this.timeout(90_000);
  let pg: PortalGateway;
  const admin = `quantri@${AGENCIES.ubnd.domain}`;

  before(async () => {
    const policy = freshNumberPolicy();
    pg = await startPortalGateway({ policy: { ...policy, actions: { ...policy.actions, 'active-content': 'quarantine' } }, now: () => TEST_NOW });
    await addClerk(pg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
    await addClerk(pg.gateway, admin, AGENCIES.ubnd.id);
    await pg.gateway.storage.writes.run((t) => pg.gateway.storage.accounts.setRole(t, admin, 'admin', new Date()));
  });

  after(async () => {
    await pg?.stop();
  });

  const held = async () => {
    const result = await submit(pg, { attachments: [{ filename: 'Quyết định.pdf', content: fixture('pdf-javascript.pdf') }] });
    const id = /\[quarantine:active-content\] .* (DG\d{8}-[A-Z2-9]{10})/.exec(result.response)?.[1];
    expect(id, result.response).to.be.a('string');
    return id!;
  };

  it('releases and rejects held documents, each an event with the administrator as actor', async () => {
    const [released, rejected] = [await held(), await held()];
    const client = new PortalClient(pg.baseUrl);
    await client.login(admin, TEST_PASSWORD);
    const page = await client.get('/admin/quarantine');
    expect(page.text).to.contain(released).and.to.contain(rejected);
    const token = PortalClient.csrfOf(page);
    expect((await client.post(`/admin/quarantine/${released}/release`, { _csrf: token, note: 'đã kiểm tra' })).status).to.equal(303);
    expect((await client.post(`/admin/quarantine/${rejected}/reject`, { _csrf: token, note: 'mã độc' })).status).to.equal(303);
    // A second decision on the same document is refused.
    expect((await client.post(`/admin/quarantine/${released}/reject`, { _csrf: token })).status).to.equal(409);

    const register = pg.gateway.storage.register;
    expect((await register.findDocument(released))!.status).to.equal('accepted');
    const entries = await register.entriesOf(released);
    expect(entries.map((e) => [e.book, e.status, e.number !== null])).to.deep.include.members([
      ['outgoing', 'sent', true],
      ['incoming', '01', true],
    ]);
    expect((await register.eventsOf(released)).some((e) => e.actor === admin && e.note === 'đã kiểm tra')).to.equal(true);
    expect((await register.findDocument(rejected))!.status).to.equal('returned');
    expect((await register.eventsOf(rejected)).some((e) => e.status === 'returned' && e.actor === admin && e.note === 'mã độc')).to.equal(true);
  });
});

describe('web portal: relay queue and configuration', function () {
  this.timeout(90_000);
  let pg: PortalGateway;
  let peer: FaultPeer;
  const admin = `quantri@${AGENCIES.ubnd.domain}`;

  before(async () => {
    peer = await faultPeer();
    peer.mode = '451 4.3.0 Tam thoi ban / try later';
    await peer.listen();
    // One attempt, then an hour's wait: only the administrator's retry brings the job back soon.
    pg = await startPortalGateway({
      docgate: fastRelay({ schedule: ['1h'], giveUp: '1d', warnAfter: '1d' }),
      agencies: agenciesWithRelay({ url: `smtp://127.0.0.1:${peer.port}?tls=none` }),
    });
    await addClerk(pg.gateway, CLERKS.ubnd, AGENCIES.ubnd.id);
    await addClerk(pg.gateway, admin, AGENCIES.ubnd.id);
    await pg.gateway.storage.writes.run((t) => pg.gateway.storage.accounts.setRole(t, admin, 'admin', new Date()));
  });

  after(async () => {
    await pg?.stop();
    await peer?.close();
  });

  const relayJob = (documentId: string) => pg.gateway.storage.queue.list({ kind: 'relay', documentId }).then((jobs) => jobs[0]);

  it('retries a deferred relay job at once and drops another, each an event naming the administrator', async () => {
    const [retried, dropped] = [
      (await deliver(pg, { subject: 'Chuyển tiếp thử lại', text: 'Trích yếu: V/v thử lại\n' })).trackingId,
      (await deliver(pg, { subject: 'Chuyển tiếp hủy', text: 'Trích yếu: V/v hủy\n' })).trackingId,
    ];
    for (const id of [retried, dropped]) {
      await waitFor(`deferred ${id}`, async () => {
        const job = await relayJob(id);
        return job?.status === 'queued' && job.attempts === 1;
      });
    }
    const [first, second] = [await relayJob(retried), await relayJob(dropped)];
    const client = new PortalClient(pg.baseUrl);
    await client.login(admin, TEST_PASSWORD);
    const page = await client.get('/admin/queue');
    expect(page.status).to.equal(200);
    const table = /<table class="queue">[\s\S]*?<\/table>/.exec(page.text)?.[0] ?? '';
    expect(table).to.contain(retried).and.to.contain(dropped).and.to.contain('451 4.3.0');
    expect(table).to.contain(`action="/admin/queue/${first.id}/retry"`).and.to.contain(`action="/admin/queue/${second.id}/drop"`);

    peer.mode = 'ok';
    const token = PortalClient.csrfOf(page);
    expect((await client.post(`/admin/queue/${first.id}/retry`, { _csrf: token })).status).to.equal(303);
    await waitFor('the retried job delivered', async () => (await relayJob(retried))?.status === 'delivered');
    expect(peer.received.map((m) => m.to)).to.deep.equal([[CLERKS.snv]]);
    expect((await client.post(`/admin/queue/${second.id}/drop`, { _csrf: token })).status).to.equal(303);
    expect((await relayJob(dropped)).status).to.equal('dropped');
    // A delivered job is neither retried nor dropped; an unknown one neither.
    expect((await client.post(`/admin/queue/${first.id}/retry`, { _csrf: token })).status).to.equal(409);
    expect((await client.post(`/admin/queue/${first.id}/drop`, { _csrf: token })).status).to.equal(409);
    expect((await client.post('/admin/queue/999999/retry', { _csrf: token })).status).to.equal(409);
    // The dropped job stays on the page (it can be retried); the delivered one leaves it.
    const after = /<table class="queue">[\s\S]*?<\/table>/.exec((await client.get('/admin/queue')).text)?.[0] ?? '';
    expect(after).to.contain(`action="/admin/queue/${second.id}/retry"`);
    expect(after).not.to.contain(`/admin/queue/${first.id}/`);

    const events = await pg.gateway.storage.db.models.RegisterEvent.findAll({ where: { kind: 'admin' }, order: [['seq', 'ASC']] });
    expect(events.map((e) => [e.get('status'), e.get('actor'), e.get('documentId'), e.get('note')])).to.deep.equal([
      ['relay-retry', admin, retried, `job ${first.id}`],
      ['relay-drop', admin, dropped, `job ${second.id}`],
    ]);
  });

  it('shows the policy and agencies in force with the result of config check', async () => {
    const client = new PortalClient(pg.baseUrl);
    await client.login(admin, TEST_PASSWORD);
    const page = await client.get('/admin/config');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(`Cấu hình hợp lệ: ${pg.gateway.config.agencies.length} cơ quan`);
    expect(page.text).to.contain('<code>sender-header</code>');
    for (const agency of Object.values(AGENCIES)) expect(page.text).to.contain(agency.id);
    // The relay target is shown, without any credential.
    expect(page.text).to.contain(`smtp://127.0.0.1:${peer.port}`);
    // A trust directory that is not one: config check says so on the page, as `docgate config check` would.
    const anchors = path.join(pg.env.configDir, 'trust', 'anchors');
    rmSync(anchors, { recursive: true, force: true });
    writeFileSync(anchors, 'not a directory');
    try {
      const broken = await client.get('/admin/config');
      expect(broken.text).not.to.contain('Cấu hình hợp lệ');
      expect(broken.text).to.match(/<li><code>trust\.anchors<\/code>: [^<]*không phải thư mục đọc được<\/li>/);
    } finally {
      rmSync(anchors, { force: true });
    }
  });
});
