// The administrator's reports (issue 11 as pages): the period's report as charts and tables, and the
// same workbook as `docgate report --format xlsx` for download. Read-only: GET with the period in the
// query (a bookmarkable link), no CSRF token needed; closed to clerks (404) like every admin page.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { zonedParts } from '../../../policies/text/dates.js';
import { loadReport } from '../../report/load.js';
import { parsePeriod, PeriodError, type ReportPeriod } from '../../report/period.js';
import { reportTables } from '../../report/tables.js';
import { sendPage, type PortalDeps } from '../context.js';
import { attachmentDisposition } from '../files.js';
import { csrfToken, requireAdmin } from '../guards.js';
import { page } from '../layout.js';
import { reportsPage } from '../pages/reports.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function registerReportRoutes(app: FastifyInstance, deps: PortalDeps): void {
  const guard = { preHandler: requireAdmin(deps) };
  const tz = deps.config.docgate.timezone;

  /** The period and agency asked for: this year by default; an unknown agency is all agencies. */
  const ask = (req: FastifyRequest): { text: string; agency: string | null; period: ReportPeriod | PeriodError } => {
    const q = (req.query ?? {}) as Record<string, unknown>;
    const text = typeof q.period === 'string' && q.period.trim() ? q.period.trim().slice(0, 40) : zonedParts(deps.now(), tz).year;
    const agency = typeof q.agency === 'string' && deps.agencies.get(q.agency) ? q.agency : null;
    try {
      return { text, agency, period: parsePeriod(text) };
    } catch (err) {
      if (err instanceof PeriodError) return { text, agency, period: err };
      throw err;
    }
  };

  const load = (period: ReportPeriod, agency: string | null) =>
    loadReport(deps.storage.db.sequelize, { period, agency, directory: deps.agencies, timeZone: tz, now: deps.now() });

  app.get('/admin/reports', guard, async (req, reply) => {
    const { t } = req.portal;
    const asked = ask(req);
    const view = { period: asked.text, agency: asked.agency ?? '', agencies: deps.agencies.agencies };
    let body;
    let status = 200;
    if (asked.period instanceof PeriodError) {
      body = reportsPage(t, { ...view, report: null, tables: [], empty: true, error: t(asked.period.vi, asked.period.en) });
      status = 400;
    } else {
      const { report, empty } = await load(asked.period, asked.agency);
      body = reportsPage(t, { ...view, report, tables: reportTables(report), empty, error: null });
    }
    return sendPage(
      reply,
      page(deps, req, { title: t('Báo cáo sử dụng văn bản điện tử', 'Electronic document use report'), body, csrf: csrfToken(req, reply) }),
      status,
    );
  });

  app.get('/admin/reports.xlsx', guard, async (req, reply) => {
    const asked = ask(req);
    if (asked.period instanceof PeriodError) return reply.code(400).type('text/plain; charset=utf-8').send(asked.period.message);
    const { report } = await load(asked.period, asked.agency);
    // exceljs (tens of MB of heap once loaded) only in a process that is asked for a workbook.
    const { reportXlsx, reportXlsxTitle } = await import('../../report/xlsx.js');
    const bytes = await reportXlsx(reportTables(report), tz, reportXlsxTitle(report));
    const name = `bao-cao-${report.period.label}${asked.agency ? `-${asked.agency}` : ''}.xlsx`;
    return reply.header('Content-Disposition', attachmentDisposition(name)).type(XLSX_TYPE).send(bytes);
  });
}
