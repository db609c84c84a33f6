// Untagged response lines written straight into a byte buffer, for responses of thousands of short
// lines (a flags resync over 10,000 messages). Building them as strings first made one rope per
// response that outlived several young-generation collections and was promoted: most of that FETCH's
// time went to the garbage collector. Here a line allocates nothing: numbers become digits in place,
// text is copied byte by byte, and a full buffer is handed out as it is.

/** Bytes per buffer handed out; about what the connection writes at a time. */
const SIZE = 256 * 1024;
const EMPTY = Buffer.alloc(0);

export class LineBuffer {
  private buf = EMPTY;
  private used = 0;
  /** Where the line being written starts: a line that outgrows its room moves whole to a new buffer. */
  private lineStart = 0;
  private readonly ready: Buffer[] = [];

  /** Starts a line "* " with room for `maxBytes` more; a buffer too full for it is set aside first. */
  begin(maxBytes: number): this {
    if (this.used + maxBytes + 4 > this.buf.length) {
      if (this.used > 0) this.ready.push(this.buf.subarray(0, this.used));
      this.buf = Buffer.allocUnsafe(Math.max(SIZE, maxBytes + 4));
      this.used = 0;
    }
    this.lineStart = this.used;
    return this.text('* ');
  }

  /** Ends the line with CRLF. */
  end(): void {
    this.room(2);
    this.buf[this.used++] = 0x0d;
    this.buf[this.used++] = 0x0a;
  }

  /** Text of the response (ASCII byte by byte; anything else as UTF-8, which the caller's room allows for). */
  text(s: string): this {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    this.room(s.length * 3);
    const buf = this.buf;
    let at = this.used;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) {
        this.used = at + buf.write(s.slice(i), at, 'utf8');
        return this;
      }
      buf[at++] = c;
    }
    this.used = at;
    return this;
  }

  /** A non-negative integer in decimal. */
  int(n: number): this {
    this.room(16);
    const buf = this.buf;
    if (n < 10) {
      buf[this.used++] = 0x30 + n;
      return this;
    }
    let digits = 1;
    for (let v = n; v >= 10; v = Math.floor(v / 10)) digits++;
    const end = this.used + digits;
    let v = n;
    for (let at = end - 1; at >= this.used; at--) {
      buf[at] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    }
    this.used = end;
    return this;
  }

  /**
   * Makes room for `bytes` more (and the CRLF) when a caller's estimate in begin() fell short: the line
   * so far moves to a larger buffer, so a long line is never cut.
   */
  private room(bytes: number): void {
    if (this.used + bytes + 2 <= this.buf.length) return;
    const line = this.buf.subarray(this.lineStart, this.used);
    if (this.lineStart > 0) this.ready.push(this.buf.subarray(0, this.lineStart));
    const next = Buffer.allocUnsafe(Math.max(SIZE, line.length + bytes + 2));
    line.copy(next, 0);
    this.buf = next;
    this.used = line.length;
    this.lineStart = 0;
  }

  /** Whether enough is buffered to be written now. */
  get full(): boolean {
    return this.ready.length > 0 || this.used >= SIZE - 1024;
  }

  /** What is buffered, handed out (the buffers are not reused: the socket may still hold them). */
  take(): Buffer[] {
    if (this.used > 0) this.ready.push(this.buf.subarray(0, this.used));
    // The next line allocates a fresh buffer (begin() finds no room in an empty one).
    this.buf = EMPTY;
    this.used = 0;
    this.lineStart = 0;
    return this.ready.splice(0);
  }
}
