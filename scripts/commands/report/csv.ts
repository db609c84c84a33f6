// The report as one CSV file (RFC 4180) with a section per table: its title line, its heading line, its
// rows, then a blank line. UTF-8 with a byte-order mark, so Excel reads the Vietnamese text as UTF-8.
// Text that a spreadsheet would run as a formula (= + - @ at the start; trích yếu is the sender's
// text) is prefixed with an apostrophe.

import type { ReportTable } from '../../../gateway/report/tables.js';
import { heading } from '../../../gateway/report/tables.js';
import { csvCell } from '../../../gateway/report/format.js';

const BOM = '\uFEFF';

function field(text: string, isText: boolean): string {
  const safe = isText && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function reportCsv(tables: ReportTable[], timeZone: string): string {
  const lines: string[] = [];
  for (const t of tables) {
    lines.push(field(`${t.title.vi} / ${t.title.en}`, true));
    lines.push(t.columns.map((c) => field(heading(c) + (c.kind === 'duration' ? ' (giây / seconds)' : ''), true)).join(','));
    for (const row of t.rows) lines.push(row.map((v, i) => field(csvCell(v, t.columns[i].kind, timeZone), typeof v === 'string')).join(','));
    if (t.note) lines.push(field(`${t.note.vi} / ${t.note.en}`, true));
    lines.push('');
  }
  return BOM + lines.join('\r\n') + '\r\n';
}
