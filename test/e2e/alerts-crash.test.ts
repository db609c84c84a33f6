// The alert jobs commit with the acceptance: a gateway killed (kill -9) right after its 250, while the
// webhook has not answered, still alerts every leader once it is started again.

import { expect } from 'chai';
import { AGENCIES, createTestEnv, type TestEnv } from '../helpers/env.js';
import { addAccountWithCli, cliFor, startServe, stopProcess, type ServeProcess } from '../helpers/child.js';
import { TEST_PASSWORD, transport } from '../helpers/gateway.js';
import { waitFor } from '../helpers/relay.js';
import { agenciesWithLeaders, alertsConfig, fakeSmsGateway, SNV_LEADERS, writeSmsSecret, type FakeSmsGateway } from '../helpers/alerts.js';

describe('urgent alerts survive kill -9 after the 250', function () {
  this.timeout(120_000);
  let env: TestEnv;
  let sms: FakeSmsGateway;
  let server: ServeProcess | null = null;

  before(async () => {
    sms = await fakeSmsGateway();
    env = createTestEnv({ docgate: alertsConfig({ webhookPort: sms.port, over: { lease: '1s' } }), agencies: agenciesWithLeaders() });
    writeSmsSecret(env.configDir);
    await addAccountWithCli(env, AGENCIES.ubnd.address, AGENCIES.ubnd.id, TEST_PASSWORD);
  });
  after(async () => {
    if (server) await stopProcess(server.child, 'SIGKILL');
    await sms.close();
    env.cleanup();
  });

  it('alerts every leader after a restart', async () => {
    sms.fallback = 'hang';
    server = await startServe(env.configDir, env.dataDir);
    const client = transport(server.starttlsPort, AGENCIES.ubnd.address);
    const raw = Buffer.from(
      `From: ${AGENCIES.ubnd.address}\r\nTo: ${AGENCIES.snv.address}\r\nSubject: Cong dien hoa toc\r\nMessage-ID: <alert-crash@ubnd.hatinh.gov.vn>\r\n` +
        `Date: Wed, 02 Dec 2026 08:00:00 +0700\r\n\r\nSo ky hieu: 21/CD-UBND\r\nDo khan: Hoa toc\r\nTrich yeu: V/v ung pho bao so 12\r\n`,
    );
    const info = await client.sendMail({ envelope: { from: AGENCIES.ubnd.address, to: [AGENCIES.snv.address] }, raw });
    // The 250 is in: kill at once, before any alert could be answered.
    await stopProcess(server.child, 'SIGKILL');
    server = null;
    client.close();
    const trackingId = /(DG\d{8}-[A-Z2-9]{10})/.exec(info.response)![1];
    const answeredBefore = sms.calls.length;

    sms.fallback = 200;
    server = await startServe(env.configDir, env.dataDir);
    const rows = await waitFor(
      'both SMS alerts sent',
      async () => {
        const r = await cliFor(env)(['alert', 'list', '--document', trackingId, '--json']);
        const list = JSON.parse(r.stdout || '[]') as { status: string; channel: string; note: string }[];
        return list.filter((x) => x.status === 'alert-sent').length === 2 ? list : null;
      },
      60_000,
    );
    const phones = rows.filter((r) => r.status === 'alert-sent').map((r) => /<([^>]+)>/.exec(r.note)![1]);
    expect(phones.sort()).to.deep.equal(SNV_LEADERS.map((l) => l.phone).sort());
    // The restarted process called the webhook for both leaders itself (whatever the killed one had begun).
    const restarted = sms.calls.slice(answeredBefore).map((c) => (c.body as { phone: string }).phone);
    expect([...new Set(restarted)].sort()).to.deep.equal(SNV_LEADERS.map((l) => l.phone).sort());
  });
});
