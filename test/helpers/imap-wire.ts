// A raw IMAP client for protocol tests: sends exact bytes, reads responses with their literals, and
// returns the transcript up to the tagged completion. Every wait is bounded.

import net from 'node:net';
import tls from 'node:tls';

export interface ImapResponse {
  /** Untagged and continuation lines, literals inlined as they came. */
  lines: string[];
  /** The tagged completion line. */
  tagged: string;
  /** Every byte received for this command. */
  raw: Buffer;
}

export class ImapWire {
  private buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  private closed = false;
  private counter = 0;

  private constructor(private socket: net.Socket) {
    this.attach(socket);
  }

  private attach(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  static async connect(port: number, options: { tls: boolean }): Promise<ImapWire> {
    const socket = options.tls ? tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }) : net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new ImapWire(socket);
  }

  /** Upgrades to TLS (after "OK Begin TLS"). */
  async startTls(): Promise<void> {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('close');
    const secure = tls.connect({ socket: this.socket, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket = secure;
    this.buffer = Buffer.alloc(0);
    this.attach(secure);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private async waitFor(timeoutMs: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timeout; received so far: ${this.buffer.toString('latin1').slice(-500)}`)), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Reads one response line with its literals inlined; null at end of stream. */
  async line(timeoutMs = 5_000): Promise<{ text: string; raw: Buffer } | null> {
    const deadline = Date.now() + timeoutMs;
    let offset = 0;
    for (;;) {
      const lf = this.buffer.indexOf('\r\n', offset);
      if (lf !== -1) {
        const m = /\{(\d+)\}$/.exec(this.buffer.subarray(offset, lf).toString('latin1'));
        if (!m) {
          const raw = this.buffer.subarray(0, lf + 2);
          this.buffer = this.buffer.subarray(lf + 2);
          return { text: raw.subarray(0, raw.length - 2).toString('latin1'), raw };
        }
        const need = lf + 2 + Number(m[1]);
        if (this.buffer.length >= need) {
          offset = need;
          continue;
        }
      }
      if (this.closed) return null;
      await this.waitFor(Math.max(1, deadline - Date.now()));
    }
  }

  async greeting(): Promise<string> {
    const line = await this.line();
    return line?.text ?? '';
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  nextTag(): string {
    return `A${String(++this.counter).padStart(3, '0')}`;
  }

  /** Sends "<tag> <command>\r\n" and reads until the tagged response. */
  async command(command: string | Buffer, options: { tag?: string; timeoutMs?: number } = {}): Promise<ImapResponse> {
    const tag = options.tag ?? this.nextTag();
    this.send(Buffer.concat([Buffer.from(`${tag} `), Buffer.isBuffer(command) ? command : Buffer.from(command, 'utf8'), Buffer.from('\r\n')]));
    return this.until(tag, options.timeoutMs);
  }

  async until(tag: string, timeoutMs = 10_000): Promise<ImapResponse> {
    const lines: string[] = [];
    const raw: Buffer[] = [];
    for (;;) {
      const line = await this.line(timeoutMs);
      if (!line) throw new Error(`connection closed before ${tag} completed; got:\n${lines.join('\n')}`);
      raw.push(line.raw);
      if (line.text.startsWith(`${tag} `)) return { lines, tagged: line.text, raw: Buffer.concat(raw) };
      lines.push(line.text);
    }
  }

  async login(user: string, password: string): Promise<ImapResponse> {
    return this.command(`LOGIN "${user}" "${password}"`);
  }

  close(): void {
    this.socket.destroy();
  }
}
