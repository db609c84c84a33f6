// Bare LF / bare CR in the SMTP command stream (outside DATA, which the spool checks itself).
// smtp-server splits command lines on /\r?\n/, so `MAIL …\nRCPT …\r\n` would get two replies and a
// bare CR would pass inside one command. Like Postfix smtpd_forbid_bare_newline, such a stream gets
// one reply and the connection is closed. patches.ts runs this on every chunk the command parser
// receives, before smtp-server splits it, on each parser (the TLS session after STARTTLS gets a new one).

/**
 * Where the offending line starts in `data` (buffered remainder + new chunk), or null when every line
 * ends in CRLF. A CR as the very last byte may still be followed by LF in the next chunk, so it is not
 * judged yet. Scanning stops after a DATA command line (`kind: 'data'`, lineStart = the byte after its
 * CRLF): what follows is message content if smtp-server accepts DATA, commands again if it refuses it.
 */
function findBareNewline(data: string): { lineStart: number; kind: 'bare-lf' | 'bare-cr' | 'data' } | null {
  let lineStart = 0;
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c === 0x0d) {
      if (i + 1 === data.length) return null;
      if (data.charCodeAt(i + 1) !== 0x0a) return { lineStart, kind: 'bare-cr' };
      if (/^data\s*$/i.test(data.slice(lineStart, i))) return { lineStart: i + 2, kind: 'data' };
      i++;
      lineStart = i + 1;
    } else if (c === 0x0a) {
      return { lineStart, kind: 'bare-lf' };
    }
  }
  return null;
}

/** The parts of smtp-server's command parser (SMTPStream) the guard touches. */
export interface CommandParser {
  _dataMode: boolean;
  _remainder: string;
  isClosed: boolean;
  _write(chunk: Buffer, encoding: BufferEncoding, next: (err?: Error | null) => void): void;
}

/**
 * Wraps one parser's _write: the complete lines before the offending one are still handed to
 * smtp-server (pipelined commands get their replies in order), then `refuse` answers once and closes.
 */
export function guardParser(parser: CommandParser, refuse: (kind: 'bare-lf' | 'bare-cr') => void): void {
  const write = parser._write.bind(parser);
  parser._write = function (chunk, encoding, next) {
    if (parser._dataMode || parser.isClosed || !chunk || !chunk.length) return write(chunk, encoding, next);
    const found = findBareNewline(parser._remainder + chunk.toString('binary'));
    if (!found) return write(chunk, encoding, next);
    const keep = found.lineStart - parser._remainder.length;
    if (found.kind === 'data') {
      // Up to DATA as usual; the rest is judged once smtp-server has answered DATA (data mode or not).
      if (keep >= chunk.length) return write(chunk, encoding, next);
      return write(chunk.subarray(0, keep), encoding, (err) => (err ? next(err) : parser._write(chunk.subarray(keep), encoding, next)));
    }
    const kind = found.kind;
    const finish = (err?: Error | null): void => {
      if (err) return next(err);
      if (!parser.isClosed) {
        parser._remainder = '';
        refuse(kind);
        parser.isClosed = true;
      }
      next();
    };
    if (keep > 0) return write(chunk.subarray(0, keep), encoding, finish);
    finish();
  };
}
