// The load client of the SMTP benches: sessions over implicit TLS (or plain TCP for a sink without TLS),
// AUTH PLAIN when credentials are given, one pipelined transaction at a time (MAIL, RCPT, DATA), and a
// driver running N sessions concurrently, bounded in messages and seconds.

import net from 'node:net';
import tls from 'node:tls';

export interface Endpoint {
  port: number;
  /** Implicit TLS (the certificate is not checked: loopback peers with test certificates). */
  tls: boolean;
  auth?: { user: string; pass: string };
}

export interface Envelope {
  from: string;
  to: string;
}

export class Session {
  private buffer = '';
  private wake: (() => void) | null = null;
  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer += d.toString('latin1');
      this.wake?.();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.wake?.());
  }

  static async open(endpoint: Endpoint): Promise<Session> {
    const socket = endpoint.tls
      ? tls.connect({ host: '127.0.0.1', port: endpoint.port, rejectUnauthorized: false })
      : net.connect({ host: '127.0.0.1', port: endpoint.port });
    // Mail clients disable Nagle's algorithm; without it the final ".\r\n" waits for a delayed ACK.
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => socket.once(endpoint.tls ? 'secureConnect' : 'connect', resolve).once('error', reject));
    const s = new Session(socket);
    const [greeting] = await s.replies(1);
    if (!greeting.startsWith('220')) throw new Error(`greeting: ${greeting}`);
    s.socket.write('EHLO bench.test\r\n');
    await s.replies(1);
    if (endpoint.auth) {
      s.socket.write(`AUTH PLAIN ${Buffer.from(`\0${endpoint.auth.user}\0${endpoint.auth.pass}`).toString('base64')}\r\n`);
      const [auth] = await s.replies(1);
      if (!auth.startsWith('235')) throw new Error(`AUTH failed: ${auth}`);
    }
    return s;
  }

  /** Reads `count` complete replies (multi-line replies count once). */
  async replies(count: number): Promise<string[]> {
    const out: string[] = [];
    while (out.length < count) {
      const match = /^(?:\d{3}-[^\n]*\n)*\d{3}(?: [^\n]*)?\r?\n/.exec(this.buffer);
      if (match) {
        this.buffer = this.buffer.slice(match[0].length);
        out.push(match[0].trim());
        continue;
      }
      if (this.socket.destroyed) throw new Error(`connection closed after ${JSON.stringify(this.buffer.slice(0, 120))}`);
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    return out;
  }

  /** One pipelined transaction; returns milliseconds from the end of DATA to the 250. */
  async send(envelope: Envelope, message: Buffer): Promise<number> {
    this.socket.write(`MAIL FROM:<${envelope.from}>\r\nRCPT TO:<${envelope.to}>\r\nDATA\r\n`);
    const replies = await this.replies(3);
    if (!replies[2].startsWith('354')) throw new Error(`DATA refused: ${replies.join(' | ')}`);
    this.socket.write(message);
    this.socket.write('.\r\n');
    const start = performance.now();
    const [reply] = await this.replies(1);
    if (!reply.startsWith('250')) throw new Error(`refused: ${reply}`);
    return performance.now() - start;
  }

  close(): void {
    this.socket.end('QUIT\r\n');
    this.socket.destroy();
  }
}

export interface Load {
  sessions: number;
  persistent: boolean;
  maxMessages: number;
  maxSeconds: number;
  envelope: Envelope;
  message(n: number): Buffer;
}

export interface LoadResult {
  /** End of DATA → 250, milliseconds, sorted. */
  latencies: number[];
  errors: number;
  firstError: string;
  /** Seconds from the first connection to the last 250. */
  elapsed: number;
}

/** Runs `load.sessions` sessions at once until `maxMessages` were sent or `maxSeconds` passed. */
export async function drive(endpoint: Endpoint, load: Load): Promise<LoadResult> {
  const latencies: number[] = [];
  let sent = 0;
  let errors = 0;
  let firstError = '';
  const deadline = Date.now() + load.maxSeconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: load.sessions }, async () => {
      let session: Session | null = null;
      while (sent < load.maxMessages && Date.now() < deadline) {
        const n = sent++;
        try {
          session ??= await Session.open(endpoint);
          latencies.push(await session.send(load.envelope, load.message(n)));
          if (!load.persistent) {
            session.close();
            session = null;
          }
        } catch (err) {
          if (errors++ === 0) firstError = (err as Error).message.slice(0, 160);
          session?.close();
          session = null;
        }
      }
      session?.close();
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { latencies, errors, firstError, elapsed };
}
