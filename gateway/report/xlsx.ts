// The report as an Excel workbook (exceljs): one sheet per table, a title row and a frozen heading row,
// numbers, shares and durations as real numbers with Excel formats, column widths; then the native
// charts of the series tables are added to the package exceljs wrote (xlsx-charts.ts).

import ExcelJS from 'exceljs';
import { zonedParts } from '../../policies/text/dates.js';
import { addCharts, type SheetChart } from './xlsx-charts.js';
import type { Report } from './model.js';
import type { CellKind, ReportTable } from './tables.js';
import { heading } from './tables.js';
import { vnMonth } from './format.js';

/** Rows above the data: the title, then the headings. */
const HEADER_ROWS = 2;

const FORMATS: Partial<Record<CellKind, string>> = {
  int: '#,##0',
  percent: '0.0%',
  // Durations are stored as days (Excel's time unit) and shown as hours:minutes.
  duration: '[h]:mm',
  datetime: 'dd/mm/yyyy hh:mm',
};

/** An ISO instant as the register's local wall-clock time, which Excel (zone-less) shows as is. */
function localWallClock(iso: string, timeZone: string): Date {
  const p = zonedParts(new Date(iso), timeZone);
  return new Date(Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)));
}

function cellValue(value: string | number | null, kind: CellKind, timeZone: string): ExcelJS.CellValue {
  if (value === null) return null;
  if (kind === 'duration' && typeof value === 'number') return value / 86_400;
  if (kind === 'datetime' && typeof value === 'string') return localWallClock(value, timeZone);
  if (kind === 'month' && typeof value === 'string') return vnMonth(value);
  return value;
}

/** A chart category as its cell shows it. */
const categoryText = (value: string | number | null, kind: CellKind) =>
  value === null ? '' : kind === 'month' && typeof value === 'string' ? vnMonth(value) : String(value);

/** The workbook's title, the same from the command line and the portal. */
export const reportXlsxTitle = (r: Report) => `Báo cáo sử dụng văn bản điện tử ${r.period.label}`;

export async function reportXlsx(tables: ReportTable[], timeZone: string, title: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'docgate';
  workbook.title = title;
  const charts: SheetChart[] = [];
  tables.forEach((t, index) => {
    const sheet = workbook.addWorksheet(t.sheet, { views: [{ state: 'frozen', xSplit: 0, ySplit: HEADER_ROWS }] });
    sheet.columns = t.columns.map((c) => ({ width: c.width }));
    const titleRow = sheet.addRow([`${t.title.vi} / ${t.title.en}`]);
    titleRow.font = { bold: true, size: 13 };
    const head = sheet.addRow(t.columns.map(heading));
    head.font = { bold: true };
    head.alignment = { wrapText: true, vertical: 'top' };
    head.height = 32;
    head.eachCell((cell) => (cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDCE6F1' } }));
    for (const row of t.rows) sheet.addRow(row.map((v, i) => cellValue(v, t.columns[i].kind, timeZone)));
    t.columns.forEach((c, i) => {
      const format = FORMATS[c.kind];
      if (format) sheet.getColumn(i + 1).numFmt = format;
    });
    if (t.note) sheet.addRow([`${t.note.vi} / ${t.note.en}`]).font = { italic: true };
    if (t.chart && t.rows.length > 0) {
      charts.push({
        sheetIndex: index + 1,
        sheetName: t.sheet,
        kind: t.chart.kind,
        title: `${t.chart.title.vi} / ${t.chart.title.en}`,
        firstRow: HEADER_ROWS + 1,
        lastRow: HEADER_ROWS + t.rows.length,
        headingRow: HEADER_ROWS,
        category: {
          column: t.chart.category,
          values: t.rows.map((r) => categoryText(r[t.chart!.category], t.columns[t.chart!.category].kind)),
        },
        series: t.chart.series.map((s) => ({ column: s, name: heading(t.columns[s]), values: t.rows.map((r) => Number(r[s] ?? 0)) })),
        anchorColumn: t.columns.length + 1,
      });
    }
  });
  const written = Buffer.from(await workbook.xlsx.writeBuffer());
  return charts.length > 0 ? addCharts(written, charts) : written;
}
