// kill -9 while relay jobs are in flight (the peer has the data but has not answered), then restart:
// every accepted document reaches the peer, and a document reaches it twice only if the peer had it
// before the kill (the documented at-least-once rule), each copy carrying the same Message-ID and
// X-Docgate-Tracking-Id to deduplicate by. `docgate queue list --json` shows every job delivered.

import { expect } from 'chai';
import { AGENCIES, createTestEnv, type TestEnv } from '../helpers/env.js';
import { addAccountWithCli, cliFor, startServe, stopProcess, type ServeProcess } from '../helpers/child.js';
import { TEST_PASSWORD, transport } from '../helpers/gateway.js';
import { agenciesWithRelay, faultPeer, fastRelay, waitFor, type FaultPeer, type PeerMessage } from '../helpers/relay.js';

const DOCUMENTS = 16;

function trackingIdOf(m: PeerMessage): string {
  return /^X-Docgate-Tracking-Id: (\S+)\r$/m.exec(m.data.toString('latin1'))![1];
}

describe('relay: kill -9 with jobs in flight, then restart', function () {
  this.timeout(180_000);
  let env: TestEnv;
  let peer: FaultPeer;
  let server: ServeProcess | null = null;

  before(async () => {
    peer = await faultPeer();
    env = createTestEnv({
      docgate: fastRelay({ lease: '1s', concurrency: 4 }),
      agencies: agenciesWithRelay({ url: `smtp://127.0.0.1:${peer.port}?tls=none`, keepMailbox: false }),
    });
    await addAccountWithCli(env, AGENCIES.ubnd.address, AGENCIES.ubnd.id, TEST_PASSWORD);
  });
  after(async () => {
    if (server) await stopProcess(server.child, 'SIGKILL');
    await peer.close();
    env.cleanup();
  });

  it('loses nothing; duplicates only of what the peer had before the kill', async () => {
    peer.mode = '451 4.3.0 Chua san sang / not ready';
    await peer.listen();
    server = await startServe(env.configDir, env.dataDir);
    const accepted: string[] = [];
    const client = transport(server.starttlsPort, AGENCIES.ubnd.address);
    for (let i = 0; i < DOCUMENTS; i++) {
      const raw = Buffer.from(
        `From: ${AGENCIES.ubnd.address}\r\nTo: ${AGENCIES.snv.address}\r\nSubject: Van ban ${i}\r\nMessage-ID: <relay-crash-${i}@ubnd.hatinh.gov.vn>\r\nDate: Wed, 02 Dec 2026 08:00:00 +0700\r\n\r\nSo ky hieu: ${i}/UBND-VP\r\nNoi dung ${i}\r\n`,
      );
      const info = await client.sendMail({ envelope: { from: AGENCIES.ubnd.address, to: [AGENCIES.snv.address] }, raw });
      accepted.push(/(DG\d{8}-[A-Z2-9]{10})/.exec(info.response)![1]);
    }
    client.close();
    // The peer now takes messages but answers slowly: kill while it holds data it has not answered.
    peer.delayMs = 700;
    peer.mode = 'ok';
    await waitFor('messages in flight at the peer', async () => peer.pending >= 1 && peer.received.length >= 2, 30_000);
    const beforeKill = new Set(peer.received.map(trackingIdOf));
    const inFlight = peer.pending;
    await stopProcess(server.child, 'SIGKILL');
    server = null;
    expect(inFlight).to.be.at.least(1);
    expect(beforeKill.size).to.be.lessThan(DOCUMENTS);

    peer.delayMs = 0;
    server = await startServe(env.configDir, env.dataDir);
    await waitFor('every document at the peer', async () => accepted.every((id) => peer.received.some((m) => trackingIdOf(m) === id)), 60_000);
    const listed = await waitFor(
      'every job delivered',
      async () => {
        const r = await cliFor(env)(['queue', 'list', '--json']);
        const jobs = JSON.parse(r.stdout) as { document: string; status: string; attempts: number }[];
        return jobs.length === DOCUMENTS && jobs.every((j) => j.status === 'delivered') ? jobs : null;
      },
      60_000,
    );
    expect(listed.map((j) => j.document).sort()).to.deep.equal([...accepted].sort());

    const copies = new Map<string, PeerMessage[]>();
    for (const m of peer.received) copies.set(trackingIdOf(m), [...(copies.get(trackingIdOf(m)) ?? []), m]);
    for (const id of accepted) {
      const got = copies.get(id)!;
      expect(got.length, id).to.be.at.least(1);
      if (got.length > 1) {
        expect(beforeKill.has(id), `${id} duplicated although the peer never had it before the kill`).to.equal(true);
        expect(got.length, id).to.equal(2);
        expect(new Set(got.map((m) => m.data.toString('latin1'))).size, 'duplicates are byte-identical').to.equal(1);
      }
    }
    expect(peer.received.every((m) => /^Message-ID: <relay-crash-\d+@ubnd\.hatinh\.gov\.vn>\r$/m.test(m.data.toString('latin1')))).to.equal(true);
  });
});
