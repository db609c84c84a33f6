// Printing register rows three ways: an aligned text table with Vietnamese / English headings, CSV
// (RFC 4180, UTF-8) and JSON, from one list of columns.

export interface Column<T> {
  vi: string;
  en: string;
  /** Key in JSON and CSV. */
  key: string;
  value(row: T): string | number | null;
  /** What the text table shows, when not the value (e.g. "đến/in" for "incoming"). */
  display?(row: T): string | number | null;
  /** Widest the text table shows (longer values are cut with "…"). */
  max?: number;
}

function cell(v: string | number | null): string {
  return v === null ? '' : String(v).replace(/[\r\n\t]+/g, ' ');
}

export function table<T>(columns: Column<T>[], rows: T[]): string {
  const heads = columns.map((c) => `${c.vi} / ${c.en}`);
  const body = rows.map((r) =>
    columns.map((c) => {
      const text = cell((c.display ?? c.value)(r));
      return c.max && [...text].length > c.max ? `${[...text].slice(0, c.max - 1).join('')}…` : text;
    }),
  );
  const widths = heads.map((h, i) => Math.max([...h].length, ...body.map((b) => [...b[i]].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c + ' '.repeat(widths[i] - [...c].length))
      .join('  ')
      .trimEnd();
  return [line(heads), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n') + '\n';
}

export function csvField(v: string | number | null): string {
  const text = v === null ? '' : String(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csv<T>(columns: Column<T>[], rows: T[]): string {
  const lines = [columns.map((c) => csvField(c.key)), ...rows.map((r) => columns.map((c) => csvField(c.value(r))))];
  return lines.map((l) => l.join(',')).join('\r\n') + '\r\n';
}

export function json<T>(columns: Column<T>[], rows: T[]): string {
  return (
    JSON.stringify(
      rows.map((r) => Object.fromEntries(columns.map((c) => [c.key, c.value(r)]))),
      null,
      2,
    ) + '\n'
  );
}
