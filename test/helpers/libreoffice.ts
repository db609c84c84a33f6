// LibreOffice headless (Debian libreoffice-calc-nogui) as an independent reader of the XLSX files
// docgate writes: every sheet converted to CSV, values as the cells show them. A throw-away user
// profile per call, so parallel runs do not share (and lock) one.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const SOFFICE = '/usr/bin/soffice';

/**
 * Sheet name → its rows (CSV parsed). Filter options: comma, double quote, UTF-8, from line 1,
 * cells as shown (format applied), all sheets (-1, one file per sheet).
 */
export async function xlsxSheetsAsCsv(file: string): Promise<Map<string, string[][]>> {
  if (!existsSync(SOFFICE)) throw new Error(`LibreOffice is missing (${SOFFICE}): apt-get install libreoffice-calc-nogui`);
  const work = mkdtempSync(path.join(os.tmpdir(), 'docgate-soffice-'));
  try {
    const profile = pathToFileURL(path.join(work, 'profile')).href;
    await new Promise<void>((resolve, reject) =>
      execFile(
        SOFFICE,
        [
          `-env:UserInstallation=${profile}`,
          '--headless',
          '--norestore',
          '--convert-to',
          'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1',
          '--outdir',
          work,
          file,
        ],
        { timeout: 180_000, env: { ...process.env, HOME: work } },
        (err, _stdout, stderr) => (err ? reject(new Error(`soffice failed: ${err.message}\n${stderr}`)) : resolve()),
      ),
    );
    const base = path.basename(file).replace(/\.xlsx$/, '');
    const sheets = new Map<string, string[][]>();
    for (const name of readdirSync(work).filter((n) => n.startsWith(`${base}-`) && n.endsWith('.csv'))) {
      sheets.set(name.slice(base.length + 1, -4).normalize('NFC'), parseCsv(readFileSync(path.join(work, name), 'utf8')));
    }
    return sheets;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF), a leading BOM dropped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
