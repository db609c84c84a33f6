// The report as one self-contained HTML page: the same tables as the other formats and SVG charts of
// the series tables, inline CSS allowed by a hash in the page's own Content-Security-Policy, no script,
// no external URL. Everything from the register (trích yếu, agency names, numbers) is escaped.

import { createHash } from 'node:crypto';
import type { Report } from '../../../gateway/report/model.js';
import { barChart, columnChart, escapeXml } from '../../../gateway/report/svg-chart.js';
import { displayCell, vnDate, vnDateTime, vnMonth } from '../../../gateway/report/format.js';
import type { ReportTable } from '../../../gateway/report/tables.js';

const CSS = `
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 24px; color: #1a1a1a; }
h1 { font-size: 22px; margin-bottom: 4px; }
h2 { font-size: 17px; margin-top: 32px; border-bottom: 2px solid #1f6fb2; padding-bottom: 4px; }
p.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { border: 1px solid #c8c8c8; padding: 4px 8px; vertical-align: top; }
th { background: #dce6f1; text-align: left; }
th span.en, p span.en { display: block; font-weight: normal; color: #555; font-size: 11px; }
td.num { text-align: right; white-space: nowrap; }
tr.total td { font-weight: bold; background: #f3f3f3; }
figure { margin: 8px 0 16px; }
svg.chart { max-width: 100%; height: auto; border: 1px solid #e0e0e0; }
p.note { font-style: italic; color: #555; }
`;

const NUMERIC = new Set(['int', 'percent', 'duration']);

function tableHtml(t: ReportTable, timeZone: string): string {
  const head = t.columns.map((c) => `<th>${escapeXml(c.vi)}<span class="en">${escapeXml(c.en)}</span></th>`).join('');
  const body = t.rows
    .map((row) => {
      const total = typeof row[0] === 'string' && row[0].startsWith('Tổng cộng');
      const cells = row
        .map((v, i) => {
          const c = t.columns[i];
          return `<td${NUMERIC.has(c.kind) ? ' class="num"' : ''}>${escapeXml(displayCell(v, c.kind, timeZone))}</td>`;
        })
        .join('');
      return `<tr${total ? ' class="total"' : ''}>${cells}</tr>`;
    })
    .join('\n');
  const empty = t.rows.length === 0 ? `<p class="note">Không có số liệu / No data</p>` : '';
  return `<table id="table-${t.id}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${empty}`;
}

function chartHtml(t: ReportTable): string {
  if (!t.chart || t.rows.length === 0) return '';
  const title = `${t.chart.title.vi} / ${t.chart.title.en}`;
  const categories = t.rows.map((r) => {
    const v = String(r[t.chart!.category] ?? '');
    return t.columns[t.chart!.category].kind === 'month' ? vnMonth(v) : v;
  });
  const series = t.chart.series.map((s) => ({ name: t.columns[s].vi, values: t.rows.map((r) => Number(r[s] ?? 0)) }));
  const svg = t.chart.kind === 'column' ? columnChart(title, categories, series, title) : barChart(title, categories, series[0].values, series[0].name, title);
  return `<figure id="chart-${t.id}">${svg}</figure>`;
}

export function reportHtml(r: Report, tables: ReportTable[]): string {
  const tz = r.period.timeZone;
  const cssHash = createHash('sha256').update(CSS).digest('base64');
  const csp = `default-src 'none'; style-src 'sha256-${cssHash}'; img-src data:; base-uri 'none'; form-action 'none'`;
  const scope = r.agencyFilter ? `${escapeXml(r.agencies[0]?.name ?? r.agencyFilter)} (${escapeXml(r.agencyFilter)})` : 'Tất cả cơ quan / All agencies';
  const sections = tables
    .map((t) => {
      const note = t.note ? `<p class="note">${escapeXml(t.note.vi)} / ${escapeXml(t.note.en)}</p>` : '';
      return `<section id="section-${t.id}"><h2>${escapeXml(t.title.vi)} <span class="en">/ ${escapeXml(t.title.en)}</span></h2>\n${chartHtml(t)}\n${tableHtml(t, tz)}${note}</section>`;
    })
    .join('\n');
  const title = `Báo cáo sử dụng văn bản điện tử ${r.period.label}`;
  return `<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
<p class="meta">Đánh giá tình hình sử dụng văn bản điện tử (Quy chế Điều 11–12) · ${scope}<br>
Kỳ báo cáo: ${vnDate(r.period.firstDay)} – ${vnDate(r.period.lastDay)} (${escapeXml(tz)}) · Lập lúc ${vnDateTime(r.generatedAt, tz)}
<span class="en">Evaluation of electronic document use, period ${vnDate(r.period.firstDay)} – ${vnDate(r.period.lastDay)}</span></p>
${sections}
</body>
</html>
`;
}
