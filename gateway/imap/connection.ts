// One client connection: reads the socket only when the previous command is done (the kernel buffers
// the rest, so a fast client cannot pile up memory), frames and dispatches commands one at a time,
// writes responses with backpressure, upgrades to TLS on STARTTLS, and ends idle connections.

import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { Logger } from '../../config/log.js';
import type { ImapDeps } from './command.js';
import { capabilityList } from './capabilities.js';
import { Dispatcher } from './dispatch.js';
import { CommandFramer, type Frame } from './protocol/framer.js';
import type { Chunk } from './protocol/response.js';
import { Session } from './session.js';

const FLUSH_BYTES = 256 * 1024;

export interface ConnectionOptions {
  secure: boolean;
  starttls: boolean;
  secureContext: SecureContext;
}

export class ImapConnection {
  readonly session: Session;
  private socket: Socket;
  private readonly framer: CommandFramer;
  private readonly frames: Frame[] = [];
  private readonly dispatcher: Dispatcher;
  private readonly log: Logger;
  private waiter: (() => void) | null = null;
  private ended = false;
  closed = false;
  private writing: Promise<void> = Promise.resolve();
  private corked = false;
  private timer: NodeJS.Timeout | null = null;
  private closeListeners: (() => void)[] = [];

  constructor(
    socket: Socket,
    private readonly deps: ImapDeps,
    private readonly options: ConnectionOptions,
  ) {
    this.socket = socket;
    const id = randomBytes(6).toString('hex');
    this.session = new Session(id, socket.remoteAddress ?? 'unknown', options.secure, options.starttls);
    this.log = deps.log.child({ imap: id });
    const imap = deps.config.docgate.imap;
    this.framer = new CommandFramer(
      {
        maxLineLength: imap.maxCommandLength,
        maxLiteralSize: imap.maxLiteralSize,
        maxAppendSize: imap.maxAppendSize,
        memoryThreshold: 256 * 1024,
        spoolDir: deps.spoolDir,
      },
      { continueLiteral: () => void this.write(['+ Ready for literal data']).catch(() => undefined) },
    );
    this.dispatcher = new Dispatcher(this, deps, this.log);
    this.attach(socket);
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  private attach(socket: Socket): void {
    socket.on('readable', () => this.wake());
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('close', () => this.finish());
    socket.on('error', (err) => {
      this.log.debug('imap socket error', { err: err.message });
      this.finish();
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake();
    void this.framer.reset().catch(() => undefined);
    this.session.deselect();
    if (this.session.user) this.deps.limits.logout(this.session.user.email);
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  /** Autologout (RFC 3501 5.4): shorter before login; any client data re-arms it. */
  private armTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    const imap = this.deps.config.docgate.imap;
    const ms = this.session.state === 'not-authenticated' ? imap.preAuthTimeout : imap.idleTimeout;
    this.timer = setTimeout(() => {
      // A client that stopped reading must not keep the connection open by blocking this BYE.
      const bye = this.write(['* BYE Het thoi gian cho, ngat ket noi / Autologout, idle for too long']).catch(() => undefined);
      void Promise.race([bye, new Promise((r) => setTimeout(r, 1_000))]).then(() => {
        this.close();
        this.socket.destroy();
      });
    }, ms);
    this.timer.unref();
  }

  async run(): Promise<void> {
    try {
      this.armTimer();
      await this.write([`* OK [CAPABILITY ${capabilityList(this.session, this.deps.config).join(' ')}] docgate IMAP4rev1 san sang / ready`]);
      for (;;) {
        const frame = await this.nextFrame();
        if (!frame) break;
        await this.dispatcher.dispatch(frame);
        if (this.session.state === 'logout' || this.closed) break;
      }
    } catch (err) {
      if (!this.closed) this.log.warn('imap connection failed', { err });
    } finally {
      this.close();
    }
  }

  private async readChunk(): Promise<Buffer | null> {
    for (;;) {
      if (this.closed) return null;
      const chunk = this.socket.read() as Buffer | null;
      if (chunk) {
        this.armTimer();
        return chunk;
      }
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  async nextFrame(): Promise<Frame | null> {
    while (this.frames.length === 0) {
      const chunk = await this.readChunk();
      if (!chunk) return null;
      this.frames.push(...(await this.framer.feed(chunk)));
    }
    return this.frames.shift()!;
  }

  /** One raw line (IDLE's DONE, an AUTHENTICATE response). */
  async readLine(): Promise<Buffer | null> {
    const queued = this.frames.shift();
    if (queued) return queued.kind === 'command' && queued.parts.length === 1 ? (queued.parts[0] as Buffer) : Buffer.from('*');
    this.framer.rawLine = true;
    try {
      const buffered = await this.framer.drain();
      this.frames.push(...buffered);
      const frame = await this.nextFrame();
      if (!frame) return null;
      if (frame.kind === 'line') return frame.text;
      if (frame.kind === 'command' && frame.parts.length === 1) return frame.parts[0] as Buffer;
      return Buffer.from('*');
    } finally {
      this.framer.rawLine = false;
    }
  }

  /** Writes one response line (CRLF added); serialised, with backpressure, streams piped. */
  write(chunks: Chunk[]): Promise<void> {
    const run = this.writing.then(() => this.writeNow([...chunks, '\r\n']));
    this.writing = run.catch(() => undefined);
    return run;
  }

  /** Writes bytes already formatted as whole response lines, serialised with write(). */
  writeRaw(buffers: Buffer[]): Promise<void> {
    const run = this.writing.then(async () => {
      for (const buf of buffers) await this.put(buf);
    });
    this.writing = run.catch(() => undefined);
    return run;
  }

  private async writeNow(chunks: Chunk[]): Promise<void> {
    // Pieces go out as one buffer per ~256 KiB: one TLS write per batch, not one per message.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pending.length === 0) return;
      const buf = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      await this.put(buf);
    };
    const add = (buf: Buffer) => {
      pending.push(buf);
      pendingBytes += buf.length;
    };
    let failure: Error | null = null;
    for (const chunk of chunks) {
      if (typeof chunk === 'string') add(Buffer.from(chunk, 'utf8'));
      else if (Buffer.isBuffer(chunk)) add(chunk);
      else {
        await flush();
        let sent = 0;
        if (!failure) {
          const stream = chunk.open();
          try {
            for await (const piece of stream) {
              const buf = (piece as Buffer).subarray(0, chunk.size - sent);
              sent += buf.length;
              await this.put(buf);
              if (sent >= chunk.size) break;
            }
            if (sent < chunk.size) failure = new Error(`literal source ended early: ${sent} of ${chunk.size} bytes`);
          } catch (err) {
            if (this.closed) throw err;
            failure = err as Error;
          } finally {
            stream.destroy();
          }
        }
        // A damaged or missing blob must not desynchronise or drop the connection: the announced
        // literal is padded and the line completed, then the caller answers NO [SERVERBUG].
        if (sent < chunk.size) await this.pad(chunk.size - sent);
      }
      if (pendingBytes >= FLUSH_BYTES) await flush();
    }
    await flush();
    if (failure) throw new LiteralSourceError(failure);
  }

  private async pad(length: number): Promise<void> {
    const block = Buffer.alloc(Math.min(length, 64 * 1024), 0x20);
    for (let left = length; left > 0; left -= block.length) await this.put(left >= block.length ? block : block.subarray(0, left));
  }

  private put(buf: Buffer): Promise<void> {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    // Responses are many small lines (a FETCH of 10,000 flags): writes made in one turn of the event
    // loop go out together, in as few TLS records and system calls as fit, instead of one per line.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      setImmediate(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    if (this.socket.write(buf)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        cleanup();
        resolve();
      };
      const onClose = () => {
        cleanup();
        reject(new Error('connection closed'));
      };
      const cleanup = () => {
        this.socket.off('drain', onDrain);
        this.socket.off('close', onClose);
      };
      this.socket.on('drain', onDrain);
      this.socket.on('close', onClose);
    });
  }

  /** STARTTLS: buffered plaintext is discarded, the handshake runs on the same TCP connection. */
  async upgradeToTls(): Promise<void> {
    await this.writing;
    await this.framer.reset();
    this.frames.length = 0;
    const plain = this.socket;
    plain.removeAllListeners('readable');
    plain.removeAllListeners('end');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    const secure = new TLSSocket(plain, { isServer: true, secureContext: this.options.secureContext });
    await new Promise<void>((resolve, reject) => {
      secure.once('secure', () => resolve());
      secure.once('error', reject);
      secure.once('close', () => reject(new Error('closed during TLS handshake')));
    });
    secure.removeAllListeners('error');
    secure.removeAllListeners('close');
    this.socket = secure;
    this.attach(secure);
    this.session.secure = true;
  }

  close(): void {
    if (!this.socket.destroyed) {
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 2_000).unref();
    }
    this.finish();
  }

  /** Ends the connection for a server shutdown. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    const bounded = (work: Promise<unknown>, ms: number) => Promise.race([work, new Promise((r) => setTimeout(r, ms).unref())]);
    // Behind any response being written (a BYE may not split a literal), but never waiting long.
    await bounded(
      this.write(['* BYE [UNAVAILABLE] Dang tat may chu / Server shutting down']).catch(() => undefined),
      1_000,
    );
    this.finish();
    // end(), not destroy(): destroy would discard the BYE still buffered (or corked) in the socket.
    const socket = this.socket;
    if (!socket.destroyed) {
      await bounded(
        new Promise<void>((resolve) => {
          socket.once('close', () => resolve());
          socket.end();
        }),
        1_000,
      );
    }
    socket.destroy();
  }
}

/** A literal's source (a stored blob) failed while it was being sent; the connection is still in sync. */
class LiteralSourceError extends Error {
  constructor(override readonly cause: Error) {
    super(`literal source failed: ${cause.message}`);
  }
}
