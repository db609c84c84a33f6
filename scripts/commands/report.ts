// docgate report --period P [--agency ID] --format xlsx|csv|json|html [--out FILE]: the yearly (or any
// period's) evaluation of each agency's use of electronic documents (Quy chế Điều 11–12), from the
// register. Exit codes as `register`: 0 written, 1 failure, 2 bad usage, 3 nothing in the register for
// the period.

import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AgencyDirectory } from '../../config/agencies.js';
import { withStorage } from './account.js';
import { CliError, loadConfigOrExit, type GlobalOptions } from './context.js';
import { knownAgency } from './register/query.js';
import { loadReport } from '../../gateway/report/load.js';
import type { Report } from '../../gateway/report/model.js';
import { parsePeriod, PeriodError, type ReportPeriod } from '../../gateway/report/period.js';
import { reportTables } from '../../gateway/report/tables.js';
import { reportCsv } from './report/csv.js';
import { reportHtml } from './report/html.js';

const FORMATS = ['xlsx', 'csv', 'json', 'html'] as const;
type Format = (typeof FORMATS)[number];
const EXIT_NOT_FOUND = 3;

interface ReportOptions {
  period?: string;
  agency?: string;
  format?: string;
  out?: string;
}

function formatOf(text: string | undefined): Format {
  if (text === undefined) throw new CliError('Thiếu --format (xlsx, csv, json, html) / Missing --format (xlsx, csv, json, html)', 2);
  if (!(FORMATS as readonly string[]).includes(text)) {
    throw new CliError(`Định dạng không hợp lệ: "${text}" (xlsx, csv, json, html) / Invalid format: "${text}" (xlsx, csv, json, html)`, 2);
  }
  return text as Format;
}

async function render(report: Report, format: Format): Promise<Buffer> {
  const tables = reportTables(report);
  const tz = report.period.timeZone;
  if (format === 'json') return Buffer.from(JSON.stringify(report, null, 2) + '\n');
  if (format === 'csv') return Buffer.from(reportCsv(tables, tz));
  if (format === 'html') return Buffer.from(reportHtml(report, tables));
  // exceljs is the heaviest module of the CLI: loaded only when a workbook is asked for.
  const { reportXlsx, reportXlsxTitle } = await import('../../gateway/report/xlsx.js');
  return reportXlsx(tables, tz, reportXlsxTitle(report));
}

function periodOf(text: string): ReportPeriod {
  try {
    return parsePeriod(text);
  } catch (err) {
    if (err instanceof PeriodError) throw new CliError(err.message, 2);
    throw err;
  }
}

export function registerReportCommands(program: Command): void {
  program
    .command('report')
    .description('Báo cáo sử dụng văn bản điện tử theo cơ quan và kỳ (Điều 11–12) / report on electronic document use per agency and period')
    .option('--period <kỳ>', 'năm 2026, quý 2026-Q1, tháng 2026-03 hoặc 2026-01-01..2026-03-31 / year, quarter, month or day range')
    .option('--agency <id>', 'chỉ một cơ quan (mã định danh) / one agency only')
    .option('--format <f>', 'xlsx, csv, json hoặc html / output format')
    .option('--out <file>', 'ghi ra tệp (mặc định: stdout) / write to a file (default: stdout)')
    .action(async (opts: ReportOptions) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      if (opts.period === undefined) throw new CliError('Thiếu --period (ví dụ 2026) / Missing --period (e.g. 2026)', 2);
      const period = periodOf(opts.period);
      const format = formatOf(opts.format);
      const agency = opts.agency === undefined ? null : knownAgency(config, opts.agency);
      if (format === 'xlsx' && !opts.out && process.stdout.isTTY) {
        throw new CliError('Tệp XLSX cần --out FILE (hoặc chuyển hướng stdout) / XLSX needs --out FILE (or redirected stdout)', 2);
      }
      const directory = new AgencyDirectory(config.agencies);
      const { report, empty } = await withStorage(config, (storage) =>
        loadReport(storage.db.sequelize, { period, agency, directory, timeZone: config.docgate.timezone, now: new Date() }),
      );
      if (empty) {
        throw new CliError(
          `Không có văn bản nào trong kỳ ${period.label}${agency ? ` của ${agency}` : ''} / No document in the period ${period.label}${agency ? ` for ${agency}` : ''}`,
          EXIT_NOT_FOUND,
        );
      }
      const bytes = await render(report, format);
      if (opts.out) writeFileSync(opts.out, bytes);
      // docgate exits right after the command: wait until a large report is handed to the pipe.
      else await new Promise<void>((resolve, reject) => process.stdout.write(bytes, (err) => (err ? reject(err) : resolve())));
    });
}
