// The blocks the pages repeat, escaping like every html`` value: a data table (headings, rows of
// cells, a line when there is no row) and a POST form of one button carrying the page's CSRF token.

import { html, type HtmlValue, type SafeHtml } from './html.js';

/** The CSRF token field every form carries. */
export const csrfField = (csrf: string): SafeHtml => html`<input type="hidden" name="_csrf" value="${csrf}" />`;

/** A form of one button (with extra fields before it), optionally confirmed by the page's script. */
export function postButton(csrf: string, action: string, label: string, extra: SafeHtml = html``, confirm?: string): SafeHtml {
  return html`<form method="post" action="${action}" class="inline" ${confirm ? html` data-confirm="${confirm}"` : ''}>
    ${csrfField(csrf)}${extra}<button type="submit">${label}</button>
  </form>`;
}

export interface DataTable {
  /** The table's class (tests and the style sheet find it by it). */
  className?: string;
  headings: HtmlValue[];
  /** One array of cells per row; a cell of class "actions" when given as { actions }. */
  rows: (HtmlValue | { actions: HtmlValue } | { num: HtmlValue })[][];
  /** The one row shown when there is none. */
  empty: string;
}

function cell(value: DataTable['rows'][number][number]): SafeHtml {
  if (value && typeof value === 'object' && 'actions' in value) return html`<td class="actions">${value.actions}</td>`;
  if (value && typeof value === 'object' && 'num' in value) return html`<td class="num">${value.num}</td>`;
  return html`<td>${value}</td>`;
}

export function dataTable(t: DataTable): SafeHtml {
  const body =
    t.rows.length > 0
      ? t.rows.map(
          (row) =>
            html`<tr>
              ${row.map(cell)}
            </tr>`,
        )
      : html`<tr>
          <td colspan="${t.headings.length}">${t.empty}</td>
        </tr>`;
  return html`<table${t.className ? html` class="${t.className}"` : ''}>
    <thead>
      <tr>
        ${t.headings.map((h) => html`<th>${h}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${body}
    </tbody>
  </table>`;
}
