// Relay test fixtures: a scriptable SMTP peer (smtp-server on loopback: accepts, answers 4xx or 5xx),
// agencies.yaml with a relay target, the sender's "Thông báo" folder read back, and polling for a condition.

import { freePort } from './ports.js';
import { SMTPServer } from 'smtp-server';
import { query } from '../../storage/sql.js';
import { FOLDERS } from '../../storage/mailbox/folders.js';
import { TEST_AGENCIES_YAML } from './env.js';
import type { TestGateway } from './gateway.js';

export interface PeerMessage {
  from: string;
  to: string[];
  data: Buffer;
}

export interface FaultPeer {
  port: number;
  received: PeerMessage[];
  /** Reply to the end of DATA: 'ok' (250), or a full reply such as "451 4.3.0 busy". */
  mode: string;
  /** Attempts seen at end of DATA, whatever was answered. */
  attempts: number;
  /** Milliseconds between the end of DATA and the reply (a message in flight at the peer). */
  delayMs: number;
  /** Messages received whose reply has not been sent yet. */
  pending: number;
  listen(): Promise<void>;
  close(): Promise<void>;
}

export async function faultPeer(port?: number): Promise<FaultPeer> {
  const chosen = port ?? (await freePort());
  let server: SMTPServer | null = null;
  const peer: FaultPeer = {
    port: chosen,
    received: [],
    mode: 'ok',
    attempts: 0,
    delayMs: 0,
    pending: 0,
    async listen() {
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        disableReverseLookup: true,
        logger: false,
        onData(stream, session, callback) {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            peer.attempts++;
            const m = /^([45])(\d\d) (.*)$/.exec(peer.mode);
            if (m) {
              const err = new Error(m[3]) as Error & { responseCode: number };
              err.responseCode = Number(m[1] + m[2]);
              return callback(err);
            }
            peer.received.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              data: Buffer.concat(chunks),
            });
            if (peer.delayMs === 0) return callback(null, 'Queued as TEST');
            peer.pending++;
            setTimeout(() => {
              peer.pending--;
              callback(null, 'Queued as TEST');
            }, peer.delayMs);
          });
        },
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(chosen, '127.0.0.1', () => resolve());
      });
      // smtp-server re-emits a client's socket errors on the server: a gateway killed mid-transfer
      // (what the crash tests do) resets its connection, which must not end the test process.
      server.on('error', () => undefined);
    },
    async close() {
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = null;
    },
  };
  return peer;
}

/** The test agencies, with Sở Nội vụ served by `relay`. */
export function agenciesWithRelay(relay: Record<string, unknown>): unknown {
  return { agencies: TEST_AGENCIES_YAML.agencies.map((a) => (a.id === '000.01.00.H27' ? { ...a, relay } : a)) };
}

/** A fast relay schedule for tests: short waits, give-up and warning in seconds. */
export function fastRelay(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { relay: { schedule: ['200ms'], giveUp: '1h', warnAfter: '1h', pollInterval: '100ms', lease: '30s', timeout: '5s', ...over } };
}

/** The bytes of every message in an agency's "Thông báo" folder, oldest first. */
/** The DSNs in an agency's Thông báo (receipts and status notices are there too). */
export async function noticesOf(tg: TestGateway, agencyId: string): Promise<Buffer[]> {
  return (await everythingIn(tg, agencyId)).filter((m) => /^X-Docgate-Status: relay-/m.test(m.subarray(0, 400).toString('latin1')));
}

/** Everything in an agency's Thông báo, in UID order. */
export async function everythingIn(tg: TestGateway, agencyId: string): Promise<Buffer[]> {
  const rows = await query<{ prefix: string; blob_sha256: string }>(
    tg.gateway.storage.db.sequelize,
    `SELECT m.prefix, m.blob_sha256 FROM mailbox_messages mm JOIN mailboxes b ON b.id = mm.mailbox_id JOIN messages m ON m.id = mm.message_id
     WHERE b.agency_id = :agency AND b.name = :name ORDER BY mm.uid`,
    { agency: agencyId, name: FOLDERS.notices.name },
  );
  return Promise.all(rows.map(async (r) => Buffer.concat([Buffer.from(r.prefix ?? '', 'latin1'), await tg.gateway.storage.blobs.read(r.blob_sha256)])));
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
