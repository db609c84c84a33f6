// docgate alert list: every urgent-alert attempt (register events alert-sent / alert-failed) with its
// document, agency, channel and the webhook's or mail server's answer; text table, --json or --csv.

import type { Command } from 'commander';
import { AgencyDirectory } from '../../config/agencies.js';
import { eventsWithStatus, type EventWithDocument } from '../../storage/register/follow-up-events.js';
import { withStorage } from './account.js';
import { CliError, loadConfigOrExit, type GlobalOptions } from './context.js';
import { localDateTime } from '../../policies/text/calendar.js';
import { urgencyLabel } from './register/labels.js';
import { csv, json, table, type Column } from './register/output.js';

const OUTCOME_VI: Record<string, string> = { 'alert-sent': 'đã gửi', 'alert-failed': 'lỗi' };

export function registerAlertCommands(program: Command): void {
  const alert = program.command('alert').description('Cảnh báo văn bản khẩn cho lãnh đạo / urgent-document alerts to leaders');
  alert
    .command('list')
    .description('Liệt kê các lần gửi cảnh báo (SMS, thư) và kết quả / list alert attempts and outcomes')
    .option('--agency <id>', 'cơ quan nhận (mã định danh) / recipient agency id')
    .option('--document <trackingId>', 'chỉ văn bản này / only this document')
    .option('--json', 'xuất JSON / JSON output')
    .option('--csv', 'xuất CSV / CSV output')
    .action(async (opts: { agency?: string; document?: string; json?: boolean; csv?: boolean }) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      const dir = new AgencyDirectory(config.agencies);
      if (opts.agency && !dir.get(opts.agency)) throw new CliError(`Không có cơ quan ${opts.agency} / Unknown agency ${opts.agency}`, 2);
      const events = await withStorage(config, (storage) =>
        eventsWithStatus(storage.db.sequelize, { statuses: ['alert-sent', 'alert-failed'], agencyId: opts.agency, documentId: opts.document }),
      );
      const tz = config.docgate.timezone;
      const cols: Column<EventWithDocument>[] = [
        { vi: 'Thời điểm', en: 'Time', key: 'at', value: (e) => e.at.toISOString(), display: (e) => localDateTime(e.at, tz) },
        { vi: 'Mã theo dõi', en: 'Tracking id', key: 'document', value: (e) => e.documentId },
        { vi: 'Số ký hiệu', en: 'Reference', key: 'documentNumber', value: (e) => e.documentNumber },
        { vi: 'Độ khẩn', en: 'Urgency', key: 'urgency', value: (e) => e.urgency, display: (e) => urgencyLabel(e.urgency) },
        { vi: 'Cơ quan', en: 'Agency', key: 'agency', value: (e) => e.agencyId },
        { vi: 'Kênh', en: 'Channel', key: 'channel', value: (e) => (e.actor ?? '').replace(/^alert:/, '') },
        { vi: 'Kết quả', en: 'Outcome', key: 'status', value: (e) => e.status, display: (e) => `${OUTCOME_VI[e.status] ?? e.status}/${e.status}` },
        { vi: 'Chi tiết', en: 'Details', key: 'note', value: (e) => e.note, max: 100 },
      ];
      if (opts.json) process.stdout.write(json(cols, events));
      else if (opts.csv) process.stdout.write(csv(cols, events));
      else {
        if (events.length > 0) process.stdout.write(table(cols, events));
        const sent = events.filter((e) => e.status === 'alert-sent').length;
        process.stdout.write(
          `${events.length} lần gửi, ${sent} thành công, ${events.length - sent} lỗi / ${events.length} attempt(s), ${sent} sent, ${events.length - sent} failed\n`,
        );
      }
    });
}
