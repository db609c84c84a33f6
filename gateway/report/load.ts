// The report of a period (and optionally one agency) read from the register: the one path from the
// register's figures to the Report that `docgate report` writes and the portal's report pages show.

import type { Sequelize } from 'sequelize';
import type { AgencyDirectory } from '../../config/agencies.js';
import { registerReport } from '../../storage/register/report.js';
import { reportWindow } from '../../storage/register/report-window.js';
import { buildReport, type Report } from './model.js';
import type { ReportPeriod } from './period.js';

export async function loadReport(
  sequelize: Sequelize,
  input: { period: ReportPeriod; agency: string | null; directory: AgencyDirectory; timeZone: string; now: Date },
): Promise<{ report: Report; empty: boolean }> {
  const window = reportWindow(input.period.firstDay, input.period.lastDay, input.timeZone);
  const data = await registerReport(sequelize, window, input.agency ? { only: [input.agency] } : { include: input.directory.agencies.map((a) => a.id) });
  const empty = data.agencies.every((a) => a.sent + a.refused + a.held + a.received === 0);
  return { report: buildReport(data, window, input.period.label, input.agency, input.directory, input.now), empty };
}
