// The administrator's report pages: a period picker (year, quarter, month or day range, one agency or
// all), charts drawn as inline SVG (gateway/report/svg-chart.ts: presentation attributes only, so the
// CSP needs no 'unsafe-inline'): documents per month, refusals by reason, the share sent on the signing
// day and the time from arrival to registration per agency; then the report's tables, and the XLSX
// download (the workbook `docgate report --format xlsx` writes).

import type { Agency } from '../../../config/schema.js';
import { displayCell, vnDate, vnMonth } from '../../report/format.js';
import type { Report } from '../../report/model.js';
import { barChart, columnChart, type ChartSeries } from '../../report/svg-chart.js';
import type { ReportTable } from '../../report/tables.js';
import { html, SafeHtml } from '../html.js';
import type { Translate } from '../i18n.js';
import { errorBox } from '../layout.js';
import { dataTable } from '../widgets.js';

export interface ReportsView {
  period: string;
  agency: string;
  agencies: readonly Agency[];
  report: Report | null;
  tables: ReportTable[];
  empty: boolean;
  error: string | null;
}

/** The charts' SVG is built from escaped text only (svg-chart.ts escapes every label). */
const svg = (markup: string) => new SafeHtml(markup);

/** One chart of the page: grouped columns of several series, or horizontal bars of one. */
interface ChartSpec {
  id: string;
  kind: 'column' | 'bar';
  /** The heading drawn in the chart, and its accessible label (vi, en). */
  title: [string, string];
  label: [string, string];
  categories: string[];
  series: ChartSeries[];
}

/** The chart's figure, or a line saying there is nothing to draw (no category). */
function chartFigure(t: Translate, c: ChartSpec): SafeHtml {
  if (c.categories.length === 0) return html`<p class="hint" id="chart-${c.id}">${t('Không có số liệu để vẽ.', 'No data to draw.')}</p>`;
  const [title, label] = [t(...c.title), t(...c.label)];
  const markup =
    c.kind === 'column' ? columnChart(title, c.categories, c.series, label) : barChart(title, c.categories, c.series[0].values, c.series[0].name, label);
  return html`<figure class="chart" id="chart-${c.id}">${svg(markup)}</figure>`;
}

function charts(t: Translate, r: Report): SafeHtml {
  const withShare = r.agencies.filter((a) => a.sentOnSigningDayShare !== null);
  const filed = r.agencies.filter((a) => a.filingMedianSeconds !== null);
  const specs: ChartSpec[] = [
    {
      id: 'months',
      kind: 'column',
      title: ['Số văn bản theo tháng', 'Documents per month'],
      label: ['Số văn bản theo tháng', 'Documents per month'],
      categories: r.months.map((m) => vnMonth(m.month)),
      series: [
        { name: t('Đã gửi', 'Sent'), values: r.months.map((m) => m.sent) },
        { name: t('Đã nhận', 'Received'), values: r.months.map((m) => m.received) },
        { name: t('Bị từ chối', 'Refused'), values: r.months.map((m) => m.refused) },
      ],
    },
    {
      id: 'refusals',
      kind: 'bar',
      title: ['Văn bản bị từ chối, theo lý do', 'Refusals by reason'],
      label: ['Văn bản bị từ chối, theo lý do', 'Refusals by reason'],
      categories: r.refusals.map((x) => t(x.vi, x.en)),
      series: [{ name: t('Số lượng', 'Count'), values: r.refusals.map((x) => x.count) }],
    },
    {
      id: 'same-day',
      kind: 'bar',
      title: ['Tỷ lệ gửi trong ngày ký (%), theo cơ quan', 'Share sent on the signing day (%), per agency'],
      label: ['Tỷ lệ gửi trong ngày ký', 'Share sent on the signing day'],
      categories: withShare.map((a) => a.name ?? a.agencyId),
      series: [{ name: '%', values: withShare.map((a) => Math.round((a.sentOnSigningDayShare ?? 0) * 1000) / 10) }],
    },
    {
      id: 'filing',
      kind: 'bar',
      title: ['Thời gian đến → vào sổ, trung vị (giờ), theo cơ quan', 'Arrival → registration, median (hours), per agency'],
      label: ['Thời gian đến → vào sổ', 'Arrival to registration'],
      categories: filed.map((a) => a.name ?? a.agencyId),
      series: [{ name: t('giờ', 'hours'), values: filed.map((a) => Math.round((a.filingMedianSeconds ?? 0) / 360) / 10) }],
    },
  ];
  return html`${specs.map((c) => chartFigure(t, c))}`;
}

function reportTable(t: Translate, table: ReportTable, timeZone: string): SafeHtml {
  const numeric = new Set(['int', 'percent', 'duration']);
  return html`<h3>${t(table.title.vi, table.title.en)}</h3>
    ${dataTable({
      className: `report report-${table.id}`,
      headings: table.columns.map((c) => t(c.vi, c.en)),
      rows: table.rows.map((row) =>
        row.map((v, i) => {
          const text = displayCell(v, table.columns[i].kind, timeZone);
          return numeric.has(table.columns[i].kind) ? { num: text } : text;
        }),
      ),
      empty: t('Không có số liệu.', 'No data.'),
    })}
    ${table.note ? html`<p class="hint">${t(table.note.vi, table.note.en)}</p>` : ''}`;
}

export function reportsPage(t: Translate, v: ReportsView): SafeHtml {
  const query = new URLSearchParams({ period: v.period, ...(v.agency ? { agency: v.agency } : {}) }).toString();
  const r = v.report;
  return html`<form method="get" action="/admin/reports" class="filters" id="period-picker">
      <label
        >${t('Kỳ báo cáo', 'Period')} <input name="period" value="${v.period}" required placeholder="2026, 2026-Q1, 2026-03, 01/01/2026..31/03/2026" size="28"
      /></label>
      <label
        >${t('Cơ quan', 'Agency')}
        <select name="agency">
          <option value="">${t('Tất cả cơ quan', 'All agencies')}</option>
          ${v.agencies.map((a) => html`<option value="${a.id}" ${a.id === v.agency ? html` selected` : ''}>${a.name} (${a.id})</option>`)}
        </select></label
      >
      <button type="submit">${t('Xem', 'Show')}</button>
    </form>
    ${errorBox(v.error)}
    ${
      r
        ? html`<p class="hint">
              ${t('Kỳ', 'Period')} ${r.period.label}: ${vnDate(r.period.firstDay)} – ${vnDate(r.period.lastDay)} (${r.period.timeZone})
              ${v.empty ? html` · <strong>${t('Không có văn bản nào trong kỳ.', 'No document in the period.')}</strong>` : ''}
            </p>
            <p><a href="/admin/reports.xlsx?${query}" download id="xlsx">${t('Tải về XLSX', 'Download XLSX')}</a></p>
            <h2>${t('Biểu đồ', 'Charts')}</h2>
            ${charts(t, r)}
            <h2>${t('Bảng số liệu', 'Tables')}</h2>
            ${v.tables.map((table) => reportTable(t, table, r.period.timeZone))}`
        : ''
    }`;
}
