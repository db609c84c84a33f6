// Cuts the client's byte stream into complete commands: CRLF-terminated lines with their literals
// ({n} synchronising, {n+} non-synchronising, RFC 7888), under hard limits. A line longer than the
// limit is discarded as it streams by; a literal larger than its command's limit is refused before
// it is read (synchronising) or ends the connection (non-synchronising). APPEND literals above the
// memory threshold go to a spool file while they arrive, so no command holds megabytes in memory.

import { unlink } from 'node:fs/promises';
import { SpoolWriter, type SpooledFile } from '../../../storage/mailbox/spool-file.js';

/**
 * `binary`: sent as literal8 ("~{n}", RFC 3516) in an APPEND, the one place where NUL may appear;
 * `nul`: the bytes contain NUL (tracked while they stream in, spooled or not).
 */
export type Literal = ({ kind: 'memory'; data: Buffer } | { kind: 'file'; file: SpooledFile }) & { binary?: boolean; nul?: boolean };

export type Frame =
  | { kind: 'command'; parts: (Buffer | Literal)[] }
  /** A raw line (IDLE's DONE, an AUTHENTICATE response), without its line end. */
  | { kind: 'line'; text: Buffer }
  /** The command broke a limit; fatal ones end the connection. */
  | { kind: 'refused'; tag: string | null; reason: 'line-too-long' | 'literal-too-big'; fatal: boolean };

export interface FramerLimits {
  maxLineLength: number;
  maxLiteralSize: number;
  maxAppendSize: number;
  /** Literals above this are spooled to a file (APPEND only). */
  memoryThreshold: number;
  spoolDir: string;
}

export interface FramerHooks {
  /** A synchronising literal was accepted: the client waits for "+ ...". */
  continueLiteral(): void;
}

const LITERAL_AT_END = /(~?)\{(\d{1,20})(\+?)\}$/;
/** MULTIAPPEND (RFC 3502): messages per APPEND, so one command cannot pile literals up in the spool. */
const MAX_APPEND_MESSAGES = 64;
const TAG_AND_COMMAND = /^([^\s(){%*"\\\]]+) +(?:UID +)?([A-Za-z]+)/i;

export class CommandFramer {
  private buffer: Buffer = Buffer.alloc(0);
  private parts: (Buffer | Literal)[] = [];
  private lineBytes = 0;
  /** Bytes of in-memory literals of the command being collected. */
  private literalBytes = 0;
  private discarding = false;
  private discardTag: string | null = null;
  private literal: { remaining: number; memory: Buffer[] | null; spool: SpoolWriter | null; discard: boolean; binary: boolean; nul: boolean } | null = null;
  /** Next line is raw (no literal processing). */
  rawLine = false;

  constructor(
    private readonly limits: FramerLimits,
    private readonly hooks: FramerHooks,
  ) {}

  /** Drops everything buffered (after STARTTLS: RFC 3501 11.1 / RFC 2595 command injection). */
  async reset(): Promise<void> {
    this.buffer = Buffer.alloc(0);
    await this.dropParts();
    this.lineBytes = 0;
    this.discarding = false;
    this.literal = null;
  }

  /** Removes spool files of an unfinished command. */
  async dropParts(): Promise<void> {
    const parts = this.parts;
    this.parts = [];
    this.literalBytes = 0;
    if (this.literal?.spool) await this.literal.spool.abort();
    for (const part of parts) if (!Buffer.isBuffer(part) && part.kind === 'file') await unlink(part.file.path).catch(() => undefined);
  }

  hasBuffered(): boolean {
    return this.buffer.length > 0;
  }

  /** Consumes a chunk; returns the frames it completed (usually zero or one). */
  async feed(chunk: Buffer): Promise<Frame[]> {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    return this.drain();
  }

  /** Processes what is buffered (call again after rawLine changes). */
  async drain(): Promise<Frame[]> {
    const frames: Frame[] = [];
    while (this.buffer.length > 0) {
      if (this.literal) {
        const done = await this.takeLiteral();
        if (!done) break;
        continue;
      }
      const lf = this.buffer.indexOf(0x0a);
      if (lf === -1) {
        if (this.lineBytes + this.buffer.length > this.limits.maxLineLength) this.startDiscard(this.buffer);
        if (this.discarding) this.buffer = Buffer.alloc(0);
        break;
      }
      const line = this.buffer.subarray(0, lf > 0 && this.buffer[lf - 1] === 0x0d ? lf - 1 : lf);
      this.buffer = this.buffer.subarray(lf + 1);
      if (this.discarding) {
        frames.push({ kind: 'refused', tag: this.discardTag, reason: 'line-too-long', fatal: false });
        this.discarding = false;
        this.lineBytes = 0;
        await this.dropParts();
        continue;
      }
      if (this.lineBytes + line.length > this.limits.maxLineLength) {
        this.startDiscard(line);
        frames.push({ kind: 'refused', tag: this.discardTag, reason: 'line-too-long', fatal: false });
        this.discarding = false;
        this.lineBytes = 0;
        await this.dropParts();
        continue;
      }
      if (this.rawLine && this.parts.length === 0) {
        this.rawLine = false;
        frames.push({ kind: 'line', text: Buffer.from(line) });
        continue;
      }
      const frame = await this.endOfLine(Buffer.from(line));
      if (frame) {
        frames.push(frame);
        if (frame.kind === 'refused' && frame.fatal) {
          this.buffer = Buffer.alloc(0);
          break;
        }
      }
    }
    return frames;
  }

  private firstLine(): string {
    const first = this.parts.length > 0 && Buffer.isBuffer(this.parts[0]) ? this.parts[0] : null;
    return (first ?? Buffer.alloc(0)).toString('latin1');
  }

  private startDiscard(bytes: Buffer): void {
    if (!this.discarding) {
      const head = this.parts.length > 0 ? this.firstLine() : bytes.subarray(0, 200).toString('latin1');
      this.discardTag = TAG_AND_COMMAND.exec(head)?.[1] ?? /^([A-Za-z0-9.]{1,64}) /.exec(head)?.[1] ?? null;
    }
    this.discarding = true;
  }

  private async endOfLine(line: Buffer): Promise<Frame | null> {
    this.parts.push(line);
    this.lineBytes += line.length;
    const match = LITERAL_AT_END.exec(line.subarray(Math.max(0, line.length - 24)).toString('latin1'));
    if (!match) {
      const parts = this.parts;
      this.parts = [];
      this.lineBytes = 0;
      this.literalBytes = 0;
      return { kind: 'command', parts };
    }
    const size = Number(match[2]);
    const sync = match[3] !== '+';
    const head = TAG_AND_COMMAND.exec(this.firstLine());
    const isAppend = head?.[2]?.toUpperCase() === 'APPEND';
    const limit = isAppend ? this.limits.maxAppendSize : this.limits.maxLiteralSize;
    // Many small literals in one command count together against the command's own budget.
    const tooMuch = !isAppend && this.lineBytes + this.literalBytes + size > this.limits.maxLineLength + this.limits.maxLiteralSize;
    const tooMany = isAppend && this.parts.filter((p) => !Buffer.isBuffer(p)).length >= MAX_APPEND_MESSAGES;
    if (!Number.isSafeInteger(size) || size > limit || tooMuch || tooMany) {
      const tag = head?.[1] ?? null;
      await this.dropParts();
      this.lineBytes = 0;
      // A synchronising literal is refused before the client sends it; a non-synchronising one is
      // already on its way and cannot be told apart from the next command: the connection ends.
      return { kind: 'refused', tag, reason: 'literal-too-big', fatal: !sync };
    }
    const spool = isAppend && size > this.limits.memoryThreshold ? await SpoolWriter.create(this.limits.spoolDir, 'imap-append') : null;
    this.literal = { remaining: size, memory: spool ? null : [], spool, discard: false, binary: isAppend && match[1] === '~', nul: false };
    if (sync) this.hooks.continueLiteral();
    if (size === 0) await this.takeLiteral();
    return null;
  }

  /** Moves literal bytes out of the buffer; true when the literal is complete. */
  private async takeLiteral(): Promise<boolean> {
    const lit = this.literal!;
    const take = Math.min(lit.remaining, this.buffer.length);
    if (take > 0) {
      const piece = this.buffer.subarray(0, take);
      this.buffer = this.buffer.subarray(take);
      lit.remaining -= take;
      if (!lit.nul && piece.indexOf(0) !== -1) lit.nul = true;
      if (lit.spool) await lit.spool.write(Buffer.from(piece));
      else lit.memory!.push(Buffer.from(piece));
    }
    if (lit.remaining > 0) return false;
    this.literal = null;
    const marks = { binary: lit.binary, nul: lit.nul };
    if (lit.spool) this.parts.push({ kind: 'file', file: await lit.spool.finish(), ...marks });
    else {
      const data = Buffer.concat(lit.memory!);
      this.literalBytes += data.length;
      this.parts.push({ kind: 'memory', data, ...marks });
    }
    return true;
  }
}
