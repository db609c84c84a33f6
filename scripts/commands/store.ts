// docgate store check|sweep: the blob store against the database. check reports rows whose blob is
// missing, blobs no row refers to, and blobs whose size or SHA-256 is wrong, and exits 1 when any
// exist; sweep removes unreferenced blobs older than the grace period (as the gateway does itself).

import type { Command } from 'commander';
import { auditBlobs, isClean } from '../../storage/blob-audit.js';
import { sweepOrphans } from '../../storage/blob-sweep.js';
import { withStorage } from './account.js';
import { CliError, loadConfigOrExit, say, type GlobalOptions } from './context.js';

export function registerStoreCommands(program: Command): void {
  const store = program.command('store').description('kho thư gốc / raw message store');
  const globals = () => program.opts<GlobalOptions>();

  store
    .command('check')
    .description('đối chiếu kho với cơ sở dữ liệu / check the store against the database')
    .option('--no-hashes', 'chỉ so kích thước, không băm lại / compare sizes only, skip re-hashing')
    .action(async (opts: { hashes: boolean }) => {
      const config = loadConfigOrExit(globals());
      const report = await withStorage(config, (storage) => auditBlobs(storage.db.sequelize, storage.blobs, { hashes: opts.hashes }));
      for (const sha of report.missing) say(`Thiếu tệp cho bản ghi: ${sha}`, `row without blob: ${sha}`);
      for (const sha of report.unreferenced) say(`Tệp không có bản ghi: ${sha}`, `blob without row: ${sha}`);
      for (const d of report.damaged) say(`Tệp hỏng: ${d.sha256} (${d.problem})`, `damaged blob: ${d.sha256} (${d.problem})`);
      say(
        `${report.blobs} tệp, ${report.rows} bản ghi; thiếu ${report.missing.length}, thừa ${report.unreferenced.length}, hỏng ${report.damaged.length}`,
        `${report.blobs} blobs, ${report.rows} rows; missing ${report.missing.length}, unreferenced ${report.unreferenced.length}, damaged ${report.damaged.length}`,
      );
      if (!isClean(report)) throw new CliError('Kho không nhất quán / Store is not consistent', 1);
    });

  store
    .command('sweep')
    .description('xoá tệp không có bản ghi / remove blobs no row refers to')
    .option('--grace <ms>', 'chỉ xoá tệp cũ hơn (ms) / only blobs older than this (ms); default blobSweep.grace')
    .action(async (opts: { grace?: string }) => {
      const config = loadConfigOrExit(globals());
      const graceMs = opts.grace !== undefined ? Number(opts.grace) : config.docgate.blobSweep.grace;
      if (!Number.isFinite(graceMs) || graceMs < 0) throw new CliError('--grace phải là số ms / --grace must be milliseconds', 2);
      const removed = await withStorage(config, (storage) => sweepOrphans(storage, { graceMs }));
      for (const sha of removed) say(`Đã xoá: ${sha}`, `removed: ${sha}`);
      say(`Đã xoá ${removed.length} tệp`, `${removed.length} blobs removed`);
    });
}
