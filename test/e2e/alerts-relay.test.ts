// An agency served only by its own server (relay keepMailbox: false) is alerted when its server accepts
// the document (the relay's 250), not at docgate's acceptance: no alert while the peer answers 4xx.

import { expect } from 'chai';
import { AGENCIES, TEST_AGENCIES_YAML } from '../helpers/env.js';
import type { TestGateway } from '../helpers/gateway.js';
import { deliver, startImapGateway } from '../helpers/imap.js';
import { faultPeer, fastRelay, waitFor, type FaultPeer } from '../helpers/relay.js';
import { alertsConfig, fakeSmsGateway, SNV_LEADERS, writeSmsSecret, type FakeSmsGateway } from '../helpers/alerts.js';

describe('urgent alerts to a relay-only agency: at the relay 250', function () {
  this.timeout(60_000);
  let tg: TestGateway;
  let sms: FakeSmsGateway;
  let peer: FaultPeer;

  before(async () => {
    sms = await fakeSmsGateway();
    peer = await faultPeer();
    await peer.listen();
    const agencies = {
      agencies: TEST_AGENCIES_YAML.agencies.map((a) =>
        a.id === AGENCIES.snv.id ? { ...a, leaders: SNV_LEADERS, relay: { url: `smtp://127.0.0.1:${peer.port}?tls=none`, keepMailbox: false } } : a,
      ),
    };
    const relay = fastRelay({ schedule: ['300ms'] }).relay as Record<string, unknown>;
    tg = await startImapGateway({ docgate: { ...alertsConfig({ webhookPort: sms.port }), relay }, agencies });
    writeSmsSecret(tg.env.configDir);
  });
  after(async () => {
    await tg?.stop();
    await sms?.close();
    await peer?.close();
  });

  it('alerts each leader once the agency server took the document', async () => {
    peer.mode = '451 4.3.0 Chua san sang / not ready';
    const doc = await deliver(tg, { subject: 'Hỏa tốc', text: 'Số ký hiệu: 61/CĐ-UBND\nĐộ khẩn: Hỏa tốc\nKính gửi Sở Nội vụ' });
    expect(await tg.gateway.storage.queue.list({ kind: 'alert', documentId: doc.trackingId })).to.deep.equal([]);
    await waitFor('two refused relay attempts', async () => peer.attempts >= 2);
    expect(sms.calls).to.have.length(0);
    peer.mode = 'ok';
    await waitFor('both SMS sent', async () => sms.calls.length >= 2);
    const relayed = (await tg.gateway.storage.register.eventsOf(doc.trackingId)).find((e) => e.status === 'relayed')!;
    const alerts = await waitFor('alert events', async () => {
      const e = (await tg.gateway.storage.register.eventsOf(doc.trackingId)).filter((x) => x.status === 'alert-sent');
      return e.length === 2 ? e : null;
    });
    expect(alerts.every((e) => e.id > relayed.id && e.agencyId === AGENCIES.snv.id)).to.equal(true);
    expect(sms.calls.map((c) => (c.body as { phone: string }).phone).sort()).to.deep.equal(SNV_LEADERS.map((l) => l.phone).sort());
  });
});
