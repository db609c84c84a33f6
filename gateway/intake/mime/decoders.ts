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

const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}[ \t\r]*$/;
/** Encoded characters gathered before one Buffer.from(…, 'base64') call. */
const BASE64_BATCH = 32 * 1024;

class Base64Decoder implements LineDecoder {
  private pieces: string[] = [];
  private pending = 0;
  private invalid = false;
  private padded = false;

  constructor(private readonly sink: ContentSink) {}

  line(content: Buffer): void {
    if (content.length === 0) return;
    let text = content.toString('latin1');
    if (!BASE64_LINE.test(text)) {
      this.invalid = true;
      text = text.replace(/[^A-Za-z0-9+/=]/g, '');
    } else {
      const last = text.charCodeAt(text.length - 1);
      if (last === 0x20 || last === 0x09 || last === 0x0d) text = text.replace(/[ \t\r]+$/, '');
    }
    if (text.length === 0) return;
    if (this.padded) this.invalid = true; // data after the final '=' padding
    const padAt = text.indexOf('=');
    if (padAt !== -1) {
      if (padAt !== text.length - 1 && !/^=*$/.test(text.slice(padAt))) this.invalid = true;
      this.padded = true;
      text = text.slice(0, padAt);
    }
    this.pieces.push(text);
    this.pending += text.length;
    if (this.pending >= BASE64_BATCH) this.flush(false);
  }

  /** Decodes what is gathered, keeping a partial quantum for the next line unless this is the end. */
  private flush(final: boolean): void {
    if (this.pending === 0) return;
    const whole = this.pieces.length === 1 ? this.pieces[0] : this.pieces.join('');
    const usable = final ? whole.length : whole.length - (whole.length % 4);
    if (final && whole.length % 4 === 1) this.invalid = true;
    if (usable > 0) this.sink.append(Buffer.from(usable === whole.length ? whole : whole.slice(0, usable), 'base64'));
    const rest = whole.slice(usable);
    this.pieces = rest ? [rest] : [];
    this.pending = rest.length;
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
