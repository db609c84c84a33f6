// docgate queue list|show|retry|drop: the durable relay queue (storage/queue). retry makes a job due now
// (a failed or dropped one too); drop gives up on it without a DSN. A running gateway's worker picks the
// change up at its next poll; both leave the job's history (attempts, last reply) in place.

import type { Command } from 'commander';
import type { JobRow, JobStatus } from '../../storage/queue/repository.js';
import { adminActor, recordAdminAction } from '../../storage/register/admin.js';
import { withStorage } from './account.js';
import { CliError, loadConfigOrExit, say, type GlobalOptions } from './context.js';

const STATUSES: JobStatus[] = ['queued', 'sending', 'delivered', 'failed', 'dropped'];

const STATUS_VI: Record<JobStatus, string> = {
  queued: 'chờ gửi',
  sending: 'đang gửi',
  delivered: 'đã chuyển',
  failed: 'thất bại',
  dropped: 'đã hủy',
};

function json(job: JobRow) {
  return {
    id: job.id,
    kind: job.kind,
    document: job.documentId,
    agency: job.agencyId,
    status: job.status,
    attempts: job.attempts,
    nextAttemptAt: job.nextAttemptAt,
    lastAttemptAt: job.lastAttemptAt,
    lastReply: job.lastReply,
    warnedAt: job.warnedAt,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
    lockedBy: job.lockedBy,
    lockedUntil: job.lockedUntil,
    envelope: JSON.parse(job.payload) as unknown,
  };
}

function jobId(text: string): number {
  if (!/^\d+$/.test(text)) throw new CliError(`Mã công việc không hợp lệ: ${text} / Invalid job id: ${text}`, 2);
  return Number(text);
}

export function registerQueueCommands(program: Command): void {
  const queue = program.command('queue').description("Hàng đợi chuyển tiếp đến máy chủ của cơ quan / relay queue to agencies' own servers");

  queue
    .command('list')
    .description('Liệt kê công việc chuyển tiếp / list relay jobs')
    .option('--status <list>', `trạng thái, cách nhau bởi dấu phẩy / statuses, comma-separated (${STATUSES.join(',')})`)
    .option('--document <trackingId>', 'chỉ văn bản này / only this document')
    .option('--kind <kind>', 'loại công việc: relay, alert, reminder / job kind', 'relay')
    .option('--json', 'xuất JSON / JSON output')
    .action(async (opts: { status?: string; document?: string; kind: string; json?: boolean }) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      const status = opts.status ? (opts.status.split(',').map((s) => s.trim()) as JobStatus[]) : undefined;
      const bad = status?.find((s) => !STATUSES.includes(s));
      if (bad) throw new CliError(`Trạng thái không hợp lệ: ${bad} / Unknown status: ${bad} (${STATUSES.join(', ')})`, 2);
      const jobs = await withStorage(config, (storage) => storage.queue.list({ kind: opts.kind, status, documentId: opts.document }));
      if (opts.json) {
        process.stdout.write(JSON.stringify(jobs.map(json), null, 2) + '\n');
        return;
      }
      process.stdout.write('ID\tVĂN BẢN/DOCUMENT\tCƠ QUAN/AGENCY\tTRẠNG THÁI/STATUS\tLẦN/ATTEMPTS\tLẦN TỚI/NEXT\tTRẢ LỜI/REPLY\n');
      for (const j of jobs) {
        const next = j.status === 'queued' ? j.nextAttemptAt.toISOString() : '-';
        process.stdout.write(`${j.id}\t${j.documentId}\t${j.agencyId}\t${STATUS_VI[j.status]}/${j.status}\t${j.attempts}\t${next}\t${j.lastReply ?? ''}\n`);
      }
      say(`${jobs.length} công việc`, `${jobs.length} job(s)`);
    });

  queue
    .command('show <id>')
    .description('Chi tiết một công việc / details of one job')
    .option('--json', 'xuất JSON / JSON output')
    .action(async (id: string, opts: { json?: boolean }) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      const job = await withStorage(config, (storage) => storage.queue.find(jobId(id)));
      if (!job) throw new CliError(`Không có công việc ${id} / No job ${id}`, 1);
      const view = json(job);
      if (opts.json) {
        process.stdout.write(JSON.stringify(view, null, 2) + '\n');
        return;
      }
      const lines: [string, unknown][] = [
        ['Mã / Id', view.id],
        ['Văn bản / Document', view.document],
        ['Cơ quan / Agency', view.agency],
        ['Trạng thái / Status', `${STATUS_VI[job.status]} / ${job.status}`],
        ['Số lần thử / Attempts', view.attempts],
        ['Lần tới / Next attempt', job.status === 'queued' ? job.nextAttemptAt.toISOString() : '-'],
        ['Lần cuối / Last attempt', job.lastAttemptAt?.toISOString() ?? '-'],
        ['Trả lời / Last reply', job.lastReply ?? '-'],
        ['Tạo lúc / Created', job.createdAt.toISOString()],
        ['Kết thúc / Finished', job.finishedAt?.toISOString() ?? '-'],
        ['Phong bì / Envelope', JSON.stringify(view.envelope)],
      ];
      for (const [label, value] of lines) process.stdout.write(`${label}: ${String(value)}\n`);
    });

  queue
    .command('retry <id>')
    .description('Thử lại ngay (kể cả công việc đã thất bại hoặc đã hủy) / retry now (failed or dropped jobs too)')
    .option('--actor <name>', 'người thực hiện, ghi vào sổ / who acts, for the register (default admin:<OS user>)')
    .action(async (id: string, opts: { actor?: string }) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      const job = await withStorage(config, (storage) =>
        storage.writes.run(async (t) => {
          const changed = await storage.queue.retry(t, jobId(id), new Date());
          if (changed) {
            const action = { actor: adminActor(opts.actor), action: 'queue-retry' as const, subject: `job ${id}`, documentId: changed.documentId };
            await recordAdminAction(storage, { ...action, agencyId: changed.agencyId, note: `${changed.kind} → ${changed.agencyId}` }, t);
          }
          return changed;
        }),
      );
      if (!job) throw new CliError(`Không thể thử lại ${id}: không có hoặc đã chuyển xong / Cannot retry ${id}: no such job, or already delivered`, 1);
      say(`Công việc ${id} sẽ được gửi lại ngay`, `Job ${id} will be sent again now`);
    });

  queue
    .command('drop <id>')
    .description('Hủy công việc, không gửi nữa, không gửi DSN / give up on a job (no further attempts, no DSN)')
    .option('--actor <name>', 'người thực hiện, ghi vào sổ / who acts, for the register (default admin:<OS user>)')
    .action(async (id: string, opts: { actor?: string }) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      const job = await withStorage(config, (storage) =>
        storage.writes.run(async (t) => {
          const changed = await storage.queue.drop(t, jobId(id), new Date());
          if (changed) {
            const action = { actor: adminActor(opts.actor), action: 'queue-drop' as const, subject: `job ${id}`, documentId: changed.documentId };
            await recordAdminAction(storage, { ...action, agencyId: changed.agencyId, note: `${changed.kind} → ${changed.agencyId}` }, t);
          }
          return changed;
        }),
      );
      if (!job) throw new CliError(`Không thể hủy ${id}: không có hoặc đã chuyển xong / Cannot drop ${id}: no such job, or already delivered`, 1);
      say(`Đã hủy công việc ${id}`, `Dropped job ${id}`);
    });
}
