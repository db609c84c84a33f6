// Benchmark results as a table, printed the same way by every benchmark.

export interface BenchRow {
  [column: string]: string | number;
}

export interface BenchTable {
  title: string;
  rows: BenchRow[];
  notes?: string[];
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function printTable(name: string, table: BenchTable): void {
  const columns = [...new Set(table.rows.flatMap((r) => Object.keys(r)))];
  const widths = columns.map((c) => Math.max(c.length, ...table.rows.map((r) => String(r[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  process.stdout.write(`\n== ${name}: ${table.title}\n`);
  if (table.rows.length > 0) process.stdout.write(line(columns) + '\n');
  for (const row of table.rows) process.stdout.write(line(columns.map((c) => String(row[c] ?? ''))) + '\n');
  for (const note of table.notes ?? []) process.stdout.write(`  * ${note}\n`);
}
