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

class Base64Decoder implements LineDecoder {
  private carry = '';
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
      text = text.replace(/[ \t\r]+$/, '');
    }
    if (text.length === 0) return;
    if (this.padded) this.invalid = true; // data after the final '=' padding
    const padAt = text.indexOf('=');
    if (padAt !== -1) {
      if (!/^=*$/.test(text.slice(padAt))) this.invalid = true;
      this.padded = true;
      text = text.slice(0, padAt);
      const whole = this.carry + text;
      this.carry = '';
      if (whole.length % 4 === 1) this.invalid = true;
      this.sink.append(Buffer.from(whole, 'base64'));
      return;
    }
    const whole = this.carry + text;
    const usable = whole.length - (whole.length % 4);
    if (usable > 0) this.sink.append(Buffer.from(whole.slice(0, usable), 'base64'));
    this.carry = whole.slice(usable);
  }

  newline(): void {}

  end(): 'invalid-base64' | null {
    if (this.carry.length > 0) {
      if (this.carry.length % 4 === 1) this.invalid = true;
      this.sink.append(Buffer.from(this.carry, 'base64'));
      this.carry = '';
    }
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
