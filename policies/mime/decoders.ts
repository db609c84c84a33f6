// Content-Transfer-Encoding decoders fed one line at a time, writing decoded bytes to a ContentSink
// and reporting (never throwing on) invalid input.

import type { ContentSink } from './content.js';

export interface LineDecoder {
  /** A line's content, without its line terminator. `partial` marks a segment of an over-long line. */
  line(content: Buffer, partial: boolean): void;
  /** The terminator that followed the previous line (kept only where the encoding keeps line breaks). */
  newline(eol: Buffer): void;
  /** Flushes what is left; returns the problem found, if any. */
  end(): 'invalid-base64' | 'invalid-quoted-printable' | null;
}

class IdentityDecoder implements LineDecoder {
  constructor(private readonly sink: ContentSink) {}
  line(content: Buffer): void {
    this.sink.append(content);
  }
  newline(eol: Buffer): void {
    this.sink.append(eol);
  }
  end(): null {
    return null;
  }
}

/** Encoded bytes gathered before one validation and one Buffer.from(…, 'base64') call. */
const BASE64_BATCH = 32 * 1024;
const NOT_BASE64 = /[^A-Za-z0-9+/=]/;
const NOT_BASE64_ALL = /[^A-Za-z0-9+/=]/g;
/** In one line: a byte that is neither base64 nor white space, or white space before more data. */
const BAD_LINE = /[^A-Za-z0-9+/= \t\r]|[ \t\r]+[^ \t\r]/;

/**
 * Lines are gathered as they are (no per-line string work) and validated and decoded in batches;
 * a partial 4-character quantum carries over to the next batch.
 */
class Base64Decoder implements LineDecoder {
  private lines: Buffer[] = [];
  private pending = 0;
  private carry = '';
  private invalid = false;
  private padded = false;

  constructor(private readonly sink: ContentSink) {}

  line(content: Buffer): void {
    if (content.length === 0) return;
    this.lines.push(content);
    this.pending += content.length;
    if (this.pending >= BASE64_BATCH) this.flush(false);
  }

  private flush(final: boolean): void {
    let text = Buffer.concat(this.lines, this.pending).toString('latin1');
    // The common case is one test over the batch; only a batch with something else in it is looked at
    // line by line (trailing white space on a line is transport padding, anything else is invalid).
    if (NOT_BASE64.test(text)) {
      if (this.lines.some((line) => BAD_LINE.test(line.toString('latin1')))) this.invalid = true;
      text = text.replace(NOT_BASE64_ALL, '');
    }
    this.lines = [];
    this.pending = 0;
    text = this.carry + text;
    const padAt = text.indexOf('=');
    if (padAt !== -1) {
      if (this.padded || !/^=*$/.test(text.slice(padAt))) this.invalid = true;
      this.padded = true;
      text = text.replace(/=/g, '');
    } else if (this.padded && text.length > 0) {
      this.invalid = true; // data after the final '=' padding
    }
    const usable = final ? text.length : text.length - (text.length % 4);
    if (final && text.length % 4 === 1) this.invalid = true;
    if (usable > 0) this.sink.append(Buffer.from(usable === text.length ? text : text.slice(0, usable), 'base64'));
    this.carry = text.slice(usable);
  }

  newline(): void {}

  end(): 'invalid-base64' | null {
    this.flush(true);
    return this.invalid ? 'invalid-base64' : null;
  }
}

const HEX = /^[0-9A-Fa-f]{2}$/;
const CRLF = Buffer.from('\r\n');

class QuotedPrintableDecoder implements LineDecoder {
  private softBreak = false;
  private invalid = false;

  constructor(private readonly sink: ContentSink) {}

  line(content: Buffer, partial: boolean): void {
    // Trailing white space on an encoded line is transport padding (RFC 2045 6.7 rule 3).
    let end = content.length;
    if (!partial) while (end > 0 && (content[end - 1] === 0x20 || content[end - 1] === 0x09)) end--;
    this.softBreak = false;
    const out = Buffer.allocUnsafe(end);
    let written = 0;
    for (let i = 0; i < end; i++) {
      const byte = content[i];
      if (byte !== 0x3d) {
        out[written++] = byte;
        continue;
      }
      if (i === end - 1 && !partial) {
        this.softBreak = true;
        break;
      }
      const hex = content.toString('latin1', i + 1, i + 3);
      if (HEX.test(hex)) {
        out[written++] = parseInt(hex, 16);
        i += 2;
      } else {
        this.invalid = true;
        out[written++] = byte;
      }
    }
    this.sink.append(out.subarray(0, written));
  }

  newline(): void {
    if (!this.softBreak) this.sink.append(CRLF);
  }

  end(): 'invalid-quoted-printable' | null {
    return this.invalid ? 'invalid-quoted-printable' : null;
  }
}

export function createDecoder(encoding: string, sink: ContentSink): LineDecoder {
  switch (encoding) {
    case 'base64':
      return new Base64Decoder(sink);
    case 'quoted-printable':
      return new QuotedPrintableDecoder(sink);
    default:
      return new IdentityDecoder(sink);
  }
}
