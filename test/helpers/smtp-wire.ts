// A raw SMTP client for wire-level tests: exact reply lines, pipelining, STARTTLS, hostile bytes.

import net from 'node:net';
import tls from 'node:tls';

export interface SmtpReplyLines {
  code: number;
  lines: string[];
  /** The whole reply as received, lines joined with \n. */
  text: string;
}

export class WireClient {
  private socket: net.Socket | tls.TLSSocket;
  private buffer = '';
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(socket: net.Socket | tls.TLSSocket) {
    this.socket = socket;
    this.attach(socket);
  }

  private attach(socket: net.Socket | tls.TLSSocket): void {
    socket.on('data', (data: Buffer) => {
      this.buffer += data.toString('latin1');
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => undefined);
  }

  static async connect(port: number, implicitTls = false): Promise<WireClient> {
    const socket = implicitTls ? tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }) : net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once(implicitTls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new WireClient(socket);
  }

  /** Reads one complete (possibly multi-line) reply. */
  async reply(timeoutMs = 10_000): Promise<SmtpReplyLines> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = /^(?:\d{3}-[^\n]*\n)*(\d{3})(?: [^\n]*)?\r?\n/.exec(this.buffer);
      if (match) {
        const raw = match[0];
        this.buffer = this.buffer.slice(raw.length);
        const lines = raw.split(/\r?\n/).filter(Boolean);
        return { code: Number(match[1]), lines, text: lines.join('\n') };
      }
      if (this.closed) throw new Error(`connection closed; pending: ${JSON.stringify(this.buffer)}`);
      if (Date.now() > deadline) throw new Error(`no reply in ${timeoutMs} ms; pending: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** What arrived and was not read as a reply yet. */
  unread(): string {
    return this.buffer;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  async command(line: string): Promise<SmtpReplyLines> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  async starttls(): Promise<void> {
    const reply = await this.command('STARTTLS');
    if (reply.code !== 220) throw new Error(`STARTTLS refused: ${reply.text}`);
    const plain = this.socket;
    plain.removeAllListeners('data');
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket = secure;
    this.buffer = '';
    this.attach(secure);
  }

  async login(user: string, password: string): Promise<SmtpReplyLines> {
    return this.command(`AUTH PLAIN ${Buffer.from(`\0${user}\0${password}`).toString('base64')}`);
  }

  /** Waits until the server closes the connection (or the timeout passes). */
  async waitClosed(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Greeting, EHLO, STARTTLS, EHLO, AUTH: a session ready for MAIL FROM. */
export async function authenticatedSession(port: number, user: string, password: string): Promise<WireClient> {
  const client = await WireClient.connect(port);
  await client.reply();
  await client.command('EHLO client.test');
  await client.starttls();
  await client.command('EHLO client.test');
  const auth = await client.login(user, password);
  if (auth.code !== 235) throw new Error(`AUTH failed: ${auth.text}`);
  return client;
}

/** The reply to AUTH PLAIN over implicit TLS (`235 …`, `535 …`): what a mail client is told. */
export async function authReply(port: number, user: string, password: string): Promise<string> {
  const client = await WireClient.connect(port, true);
  try {
    await client.reply();
    await client.command('EHLO client.test');
    return (await client.login(user, password)).text;
  } finally {
    client.close();
  }
}
