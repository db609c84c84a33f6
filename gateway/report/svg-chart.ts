// SVG bar charts for the HTML report: vertical columns (documents per month, several series) and
// horizontal bars (refusals by reason), with axes, tick labels and a legend. Every text is escaped;
// colours are presentation attributes (no style attributes, so a strict CSP holds).

export interface ChartSeries {
  name: string;
  values: number[];
}

const COLOURS = ['#1f6fb2', '#e07b24', '#3a9d5d', '#b8334a'];
const FONT = 'font-family="DejaVu Sans, Arial, sans-serif"';

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A round axis maximum and its tick step (1, 2 or 5 times a power of ten). */
function niceScale(max: number, ticks = 5): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 1 };
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  return { top: Math.max(step, Math.ceil(max / step) * step), step: Math.max(1, step) };
}

const number = new Intl.NumberFormat('vi-VN');

function legend(series: ChartSeries[], x: number, y: number): string {
  let at = x;
  return series
    .map((s, i) => {
      const item = `<rect x="${at}" y="${y - 10}" width="12" height="12" fill="${COLOURS[i % COLOURS.length]}"/><text x="${at + 18}" y="${y}" font-size="12" ${FONT}>${escapeXml(s.name)}</text>`;
      at += 30 + s.name.length * 7;
      return item;
    })
    .join('');
}

/** Vertical columns, one group per category, one column per series. */
export function columnChart(title: string, categories: string[], series: ChartSeries[], label: string): string {
  const width = 820;
  const height = 340;
  const m = { left: 60, right: 20, top: 40, bottom: 70 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const { top, step } = niceScale(Math.max(0, ...series.flatMap((s) => s.values)));
  const y = (v: number) => m.top + plotH - (v / top) * plotH;
  const group = plotW / Math.max(1, categories.length);
  const barW = Math.max(2, (group * 0.75) / Math.max(1, series.length));
  const parts: string[] = [];
  for (let v = 0; v <= top; v += step) {
    parts.push(`<line x1="${m.left}" y1="${y(v)}" x2="${width - m.right}" y2="${y(v)}" stroke="#d0d0d0" stroke-width="1"/>`);
    parts.push(`<text x="${m.left - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end" ${FONT}>${number.format(v)}</text>`);
  }
  categories.forEach((c, i) => {
    const gx = m.left + i * group + group * 0.125;
    series.forEach((s, k) => {
      const v = s.values[i] ?? 0;
      parts.push(
        `<rect x="${(gx + k * barW).toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${(m.top + plotH - y(v)).toFixed(1)}" fill="${COLOURS[k % COLOURS.length]}"><title>${escapeXml(`${s.name} ${c}: ${number.format(v)}`)}</title></rect>`,
      );
    });
    parts.push(
      `<text x="${(m.left + i * group + group / 2).toFixed(1)}" y="${m.top + plotH + 16}" font-size="11" text-anchor="middle" ${FONT}>${escapeXml(c)}</text>`,
    );
  });
  parts.push(`<line x1="${m.left}" y1="${m.top + plotH}" x2="${width - m.right}" y2="${m.top + plotH}" stroke="#333" stroke-width="1"/>`);
  parts.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + plotH}" stroke="#333" stroke-width="1"/>`);
  return svg(width, height, title, label, [...parts, legend(series, m.left, height - 16)]);
}

/** Horizontal bars, one per category, longest label cut to fit. */
export function barChart(title: string, categories: string[], values: number[], seriesName: string, label: string): string {
  const rowH = 26;
  const m = { left: 300, right: 60, top: 40, bottom: 50 };
  const width = 820;
  const plotW = width - m.left - m.right;
  const height = m.top + m.bottom + Math.max(1, categories.length) * rowH;
  const { top, step } = niceScale(Math.max(0, ...values));
  const x = (v: number) => m.left + (v / top) * plotW;
  const parts: string[] = [];
  const plotBottom = m.top + categories.length * rowH;
  for (let v = 0; v <= top; v += step) {
    parts.push(`<line x1="${x(v)}" y1="${m.top}" x2="${x(v)}" y2="${plotBottom}" stroke="#d0d0d0" stroke-width="1"/>`);
    parts.push(`<text x="${x(v)}" y="${plotBottom + 16}" font-size="11" text-anchor="middle" ${FONT}>${number.format(v)}</text>`);
  }
  categories.forEach((c, i) => {
    const cy = m.top + i * rowH;
    const text = c.length > 38 ? `${c.slice(0, 37)}…` : c;
    parts.push(`<text x="${m.left - 8}" y="${cy + rowH / 2 + 4}" font-size="12" text-anchor="end" ${FONT}>${escapeXml(text)}</text>`);
    parts.push(
      `<rect x="${m.left}" y="${cy + 4}" width="${(x(values[i]) - m.left).toFixed(1)}" height="${rowH - 8}" fill="${COLOURS[0]}"><title>${escapeXml(`${c}: ${number.format(values[i])}`)}</title></rect>`,
    );
    parts.push(`<text x="${(x(values[i]) + 4).toFixed(1)}" y="${cy + rowH / 2 + 4}" font-size="11" ${FONT}>${number.format(values[i])}</text>`);
  });
  parts.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${plotBottom}" stroke="#333" stroke-width="1"/>`);
  return svg(width, height, title, label, [...parts, legend([{ name: seriesName, values }], m.left, height - 12)]);
}

function svg(width: number, height: number, title: string, label: string, parts: string[]): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(label)}">` +
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>` +
    `<text x="${width / 2}" y="22" font-size="15" font-weight="bold" text-anchor="middle" ${FONT}>${escapeXml(title)}</text>` +
    parts.join('') +
    '</svg>'
  );
}
