// docgate register verify|anchor|purge: the register as evidence. verify re-walks the hash chain, the
// rows and the blobs and names the first break; anchor signs the chain head into data/anchors/ (and
// mails it when configured); purge deletes what the books' retention no longer keeps. Exit codes of
// verify: 0 intact, 4 the chain is broken, 5 a register row differs from the chain, 6 a stored message
// is missing or changed, 7 an anchor is unsigned, badly signed or no longer matches the chain.

import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { resolveUnder, type Config } from '../../../config/load.js';
import { silentLogger } from '../../../config/log.js';
import { adminActor, recordAdminAction } from '../../../storage/register/admin.js';
import { deleteDocuments, expiredDocuments } from '../../../storage/register/purge.js';
import { verifyRegister, type BreakKind, type RegisterBreak, type VerifyResult } from '../../../storage/register/verify.js';
import { withStorage } from '../account.js';
import { CliError, loadConfigOrExit, say, type GlobalOptions } from '../context.js';
import { startOfDay } from '../../../policies/text/calendar.js';
import { parseDay } from './dates.js';

// The signing and anchor code (node-forge, the CMS verifier) loads only for the commands that use it:
// every other `docgate register …` command would pay for it at each start.

const VERIFY_EXIT: Record<BreakKind, number> = { chain: 4, row: 5, blob: 6, anchor: 7 };

const KIND_TEXT: Record<BreakKind, string> = {
  chain: 'chuỗi sự kiện bị phá vỡ / the event chain is broken',
  row: 'dòng sổ khác với chuỗi sự kiện / a register row differs from the event chain',
  blob: 'tệp lưu trữ bị thiếu hoặc bị sửa / a stored file is missing or changed',
  anchor: 'mốc xác thực không khớp / an anchor does not match',
};

function breakText(b: RegisterBreak): string {
  return [
    `SAI LỆCH / BREAK: ${KIND_TEXT[b.kind]}`,
    `  sự kiện số / event seq: ${b.seq ?? '-'}`,
    `  trường / field: ${b.field}`,
    `  mong đợi / expected: ${b.expected}`,
    `  thực tế / found: ${b.found}`,
    ...(b.subject ? [`  đối tượng / subject: ${b.subject}`] : []),
    '',
  ].join('\n');
}

function summary(r: VerifyResult): string {
  return (
    `Sổ nguyên vẹn: ${r.events} sự kiện (số ${r.firstSeq}–${r.head.seq}), ${r.documents} văn bản, ${r.entries} mục sổ, ${r.blobs} tệp lưu, ${r.anchors} mốc / ` +
    `Register intact: ${r.events} events (seq ${r.firstSeq}–${r.head.seq}), ${r.documents} documents, ${r.entries} entries, ${r.blobs} blobs, ${r.anchors} anchors\n` +
    `Băm đầu chuỗi / head hash: ${r.head.hash}\n`
  );
}

function caPem(config: Config): string | null {
  const file = resolveUnder(config.dataDir, config.docgate.signing.ca);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

export function registerChainCommands(register: Command, program: Command): void {
  register
    .command('verify')
    .description('Kiểm tra sổ không bị sửa: chuỗi băm, các dòng sổ, tệp lưu, mốc đã ký / prove the register was not altered')
    .option('--from <date>', 'từ ngày (dd/mm/yyyy hoặc yyyy-mm-dd) / from this day on')
    .option('--no-blobs', 'không băm lại tệp lưu / skip re-hashing stored messages')
    .option('--json', 'xuất JSON / JSON output')
    .action(async (opts: { from?: string; blobs: boolean; json?: boolean }) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      const from = opts.from === undefined ? undefined : startOfDay(parseDay(opts.from, '--from'), config.docgate.timezone);
      const started = Date.now();
      const { listAnchors } = await import('../../../gateway/register/anchor.js');
      const { checkAnchors } = await import('../../../gateway/register/anchor-verify.js');
      const result = await withStorage(config, async (storage) => {
        const files = await listAnchors(config);
        const ca = caPem(config);
        const anchors =
          files.length === 0
            ? { claims: [], break: null }
            : ca
              ? await checkAnchors(files, ca)
              : {
                  claims: [],
                  break: { kind: 'anchor' as const, seq: null, field: 'ca', expected: config.docgate.signing.ca, found: 'thiếu / missing', subject: null },
                };
        const verified = await verifyRegister(storage.db.sequelize, storage.blobs, { from, anchors: anchors.claims, blobs: opts.blobs });
        return anchors.break ? { ...verified, break: anchors.break } : verified;
      });
      const seconds = (Date.now() - started) / 1000;
      if (opts.json) process.stdout.write(JSON.stringify({ ok: result.break === null, seconds, ...result }, null, 2) + '\n');
      else if (result.break) process.stdout.write(breakText(result.break));
      else process.stdout.write(summary(result));
      if (result.break) throw new CliError(`Sổ đã bị thay đổi / The register was altered (${result.break.kind})`, VERIFY_EXIT[result.break.kind]);
    });

  register
    .command('anchor')
    .description('Ký đầu chuỗi sự kiện vào data/anchors/ (và gửi thư nếu có cấu hình) / sign the chain head into data/anchors/ (and mail it)')
    .option('--actor <name>', 'người thực hiện / who (default admin:<user>)')
    .action(async (opts: { actor?: string }) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      const { loadSigningIdentity } = await import('../../../gateway/signing/identity.js');
      const { writeAnchor } = await import('../../../gateway/register/anchor.js');
      const identity = loadSigningIdentity(config, silentLogger);
      const written = await withStorage(config, (storage) => writeAnchor(config, storage, identity, { actor: adminActor(opts.actor) }));
      say(
        `Đã ký mốc: sự kiện số ${written.content.seq}, băm ${written.content.hash}`,
        `Anchor signed: event ${written.content.seq}, hash ${written.content.hash}`,
      );
      process.stdout.write(`${written.json}\n${written.p7s}\n`);
      if (written.mailedTo.length > 0) say(`Đã gửi tới ${written.mailedTo.join(', ')}`, `Mailed to ${written.mailedTo.join(', ')}`);
    });

  register
    .command('purge')
    .description('Xóa văn bản đã hết thời hạn lưu trữ của sổ (giữ sự kiện và mã băm) / delete documents past their books’ retention (events and hashes kept)')
    .option('--dry-run', 'chỉ liệt kê, không xóa / list only, delete nothing')
    .option('--actor <name>', 'người thực hiện / who (default admin:<user>)')
    .action(async (opts: { dryRun?: boolean; actor?: string }) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      const retention = config.docgate.register.retention;
      if (retention.incoming === null && retention.outgoing === null) {
        say('Không sổ nào có thời hạn lưu trữ: không xóa gì', 'No book has a retention limit: nothing to delete');
        return;
      }
      const now = new Date();
      const actor = adminActor(opts.actor);
      await withStorage(config, async (storage) => {
        const expired = await expiredDocuments(storage.db.sequelize, retention, now);
        for (const d of expired) {
          process.stdout.write(`${d.documentId}\t${d.receivedAt.toISOString()}\t${d.books.map((b) => `${b.agencyId}:${b.book}`).join(',')}\n`);
        }
        if (opts.dryRun) {
          say(`${expired.length} văn bản sẽ bị xóa (chạy thử)`, `${expired.length} documents would be deleted (dry run)`);
          return;
        }
        const note = `retention outgoing=${retention.outgoing ?? '∞'}y incoming=${retention.incoming ?? '∞'}y`;
        const deleted = await deleteDocuments(storage, expired, { actor, note, now });
        await recordAdminAction(storage, { actor, action: 'register-purge', subject: null, note: `${deleted} documents deleted; ${note}`, at: now });
        say(`Đã xóa ${deleted} văn bản hết thời hạn lưu trữ`, `Deleted ${deleted} documents past retention`);
      });
    });
}
