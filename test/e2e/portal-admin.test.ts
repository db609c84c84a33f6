// The administrator's quarantine page: a held document released from the portal is numbered and
// delivered like an accepted one (the code `docgate quarantine release` calls), with an event naming
// the administrator; one rejected is returned with the note.

import { expect } from 'chai';
import { addClerk, TEST_PASSWORD } from '../helpers/gateway.js';
import { AGENCIES } from '../helpers/env.js';
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
