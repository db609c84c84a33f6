// RFC 4180 rows read back from chunks (quoted fields may hold commas, quotes and line breaks), for
// `export verify` comparing manifest.csv with manifest.json: each chunk hands back the rows it
// completed, so the file is never held whole.

import { StringDecoder } from 'node:string_decoder';

export class CsvRows {
  private readonly decoder = new StringDecoder('utf8');
  private readonly rows: string[][] = [];
  private row: string[] = [];
  private field = '';
  private quoted = false;
  /** A quote seen inside a quoted field: the end of the field, or the first of a doubled quote. */
  private quoteSeen = false;
  private carriage = false;

  /** The rows this chunk completed. */
  push(chunk: Buffer): string[][] {
    this.feed(this.decoder.write(chunk));
    return this.rows.splice(0);
  }

  /** The last row, when the file does not end with a line break. */
  end(): string[][] {
    this.feed(this.decoder.end());
    if (this.field !== '' || this.row.length > 0 || this.quoteSeen) this.endRow();
    return this.rows.splice(0);
  }

  private endRow(): void {
    this.row.push(this.field);
    this.rows.push(this.row);
    this.row = [];
    this.field = '';
    this.quoted = false;
    this.quoteSeen = false;
  }

  private feed(text: string): void {
    for (const c of text) {
      if (this.quoted) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (c === '"') {
            this.field += '"';
            continue;
          }
          this.quoted = false;
        } else if (c === '"') {
          this.quoteSeen = true;
          continue;
        } else {
          this.field += c;
          continue;
        }
      }
      if (this.carriage) {
        this.carriage = false;
        if (c === '\n') {
          this.endRow();
          continue;
        }
        this.field += '\r';
      }
      if (c === '"' && this.field === '') this.quoted = true;
      else if (c === ',') {
        this.row.push(this.field);
        this.field = '';
      } else if (c === '\r') this.carriage = true;
      else if (c === '\n') this.endRow();
      else this.field += c;
    }
  }
}
