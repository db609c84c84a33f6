// The portal on PostgreSQL with two gateway processes on one database (sharing the TLS material, as
// a deployment does): a session made by one serves on the other, a form of one posts to the other,
// and the password change, the role, the password history and the administrator's event all go
// through the same SQL as on SQLite.

import { expect } from 'chai';
import path from 'node:path';
import { addClerk, TEST_PASSWORD } from '../helpers/gateway.js';
import { AGENCIES } from '../helpers/env.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres.js';
import { PortalClient, startPortalGateway, type PortalGateway } from '../helpers/portal.js';

describe('web portal on PostgreSQL, two processes', function () {
  this.timeout(90_000);
  let db: TempDatabase;
  let first: PortalGateway;
  let second: PortalGateway;

  before(async () => {
    db = await createTempDatabase();
    first = await startPortalGateway({ docgate: { database: { url: db.url } } });
    // The same certificate and key: the CSRF key is derived from it, as in a deployment.
    second = await startPortalGateway({
      docgate: {
        database: { url: db.url },
        tls: { cert: path.join(first.env.dataDir, 'tls/cert.pem'), key: path.join(first.env.dataDir, 'tls/key.pem'), selfSigned: false },
      },
    });
    await addClerk(first.gateway, AGENCIES.snv.address, AGENCIES.snv.id);
    const admin = `quantri@${AGENCIES.ubnd.domain}`;
    await addClerk(first.gateway, admin, AGENCIES.ubnd.id);
    await first.gateway.storage.writes.run((t) => first.gateway.storage.accounts.setRole(t, admin, 'admin', new Date()));
  });

  after(async () => {
    await second?.stop();
    await first?.stop();
    await db?.drop();
  });

  it('shares sessions and CSRF tokens across processes and writes through the same SQL', async () => {
    const client = new PortalClient(first.baseUrl);
    expect((await client.login(AGENCIES.snv.address, TEST_PASSWORD)).status).to.equal(303);
    const other = new PortalClient(second.baseUrl);
    for (const [k, v] of client.cookies) other.cookies.set(k, v);
    const form = await other.get('/password');
    expect(form.status).to.equal(200);
    const changed = await client.post('/password', {
      _csrf: PortalClient.csrfOf(form),
      current: TEST_PASSWORD,
      password: 'Postgres-Noi-vu-2027',
      confirm: 'Postgres-Noi-vu-2027',
    });
    expect(changed.status).to.equal(303);
    const back = await client.get('/password');
    const reused = await client.post('/password', {
      _csrf: PortalClient.csrfOf(back),
      current: 'Postgres-Noi-vu-2027',
      password: TEST_PASSWORD,
      confirm: TEST_PASSWORD,
    });
    expect(reused.status).to.equal(400);
    expect((await second.gateway.authenticator.authenticate(AGENCIES.snv.address, 'Postgres-Noi-vu-2027', '127.0.0.9')).ok).to.equal(true);

    const admin = new PortalClient(second.baseUrl);
    await admin.login(`quantri@${AGENCIES.ubnd.domain}`, TEST_PASSWORD);
    const accounts = await admin.get('/admin/accounts');
    const id = (await first.gateway.storage.accounts.find(AGENCIES.snv.address))!.id;
    expect((await admin.post(`/admin/accounts/${id}/lock`, { _csrf: PortalClient.csrfOf(accounts) })).status).to.equal(303);
    // The locked clerk's session ends on both processes.
    expect((await client.get('/incoming')).status).to.equal(303);
    expect((await other.get('/incoming')).status).to.equal(303);
    const events = await first.gateway.storage.db.models.RegisterEvent.findAll({ where: { kind: 'admin' }, order: [['seq', 'ASC']] });
    expect(events.map((e) => e.get('status'))).to.include('account-locked');
  });
});
