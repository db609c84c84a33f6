// docgate receipt verify FILE [--message ORIGINAL.eml] [--ca CA.pem] [--json]: checks a signed receipt
// against the gateway's signing CA (docgate.yaml signing.ca, data/signing/ca.crt by default) and, with
// the original, that its SHA-256 is the one the receipt states.
// Exit codes: 0 valid (and the original matches), 1 signature not valid or not a receipt,
// 2 bad usage or unreadable file, 4 signature valid but the original does not match.

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { resolveUnder } from '../../config/load.js';
import { verifyReceipt, type ReceiptCheck } from '../../gateway/notify/verify-receipt.js';
import { CliError, cliLogger, loadConfigOrExit, say, type GlobalOptions } from './context.js';

interface VerifyOptions {
  message?: string;
  ca?: string;
  json?: boolean;
}

const EXIT_ORIGINAL_MISMATCH = 4;

function readOrFail(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new CliError(`Không đọc được tệp ${file} / Cannot read ${file}: ${(err as Error).message}`, 2);
  }
}

function report(check: ReceiptCheck, caFile: string): void {
  if (check.signature !== 'valid') {
    say(
      `CHỮ KÝ KHÔNG HỢP LỆ: biên nhận không do docgate ký hoặc đã bị sửa (CA: ${caFile})`,
      `SIGNATURE NOT VALID: not signed by docgate or altered (CA: ${caFile})`,
    );
    for (const p of check.problems) process.stdout.write(`  - ${p}\n`);
    return;
  }
  const f = check.facts;
  say(`Chữ ký hợp lệ: ký bởi ${check.signer?.subject ?? '?'} lúc ${check.signingTime ?? '?'}`, `Signature valid: signed by ${check.signer?.subject ?? '?'}`);
  if (f) {
    const kind = f.kind === 'acceptance-receipt' ? 'Biên nhận chấp nhận / Acceptance receipt' : 'Biên nhận chuyển giao / Delivery receipt';
    process.stdout.write(`  ${kind}\n`);
    process.stdout.write(`  Mã theo dõi / Tracking id: ${f.trackingId}\n`);
    process.stdout.write(`  Thời điểm / Time: ${f.time.local} (${f.time.timeZone}), ${f.time.utc}\n`);
    process.stdout.write(`  Người gửi / Sender: ${f.sender.account} (${f.sender.agency.id})\n`);
    process.stdout.write(`  Nơi nhận / Recipients: ${f.recipients.join(', ')}\n`);
    if (f.delivery)
      process.stdout.write(
        `  Chuyển đến / Delivered to: ${f.delivery.agency.id} ${f.delivery.via} ${f.delivery.where}${f.delivery.reply ? ` (${f.delivery.reply})` : ''}\n`,
      );
    process.stdout.write(`  Số, ký hiệu / Number: ${f.documentNumber ?? '-'}\n`);
    process.stdout.write(`  Trích yếu / Summary: ${f.summary ?? '-'}\n`);
    process.stdout.write(`  SHA-256: ${f.sha256 ?? '-'}\n`);
  }
  for (const p of check.problems) process.stdout.write(`  ! ${p}\n`);
  if (!check.original) return;
  if (check.original.match === 'mismatch')
    say(
      `VĂN BẢN GỐC KHÔNG KHỚP: SHA-256 ${check.original.sha256} khác với biên nhận`,
      `ORIGINAL DOES NOT MATCH: SHA-256 ${check.original.sha256} differs from the receipt`,
    );
  else if (check.original.match === 'submitted') say('Văn bản gốc khớp với biên nhận (bản đã gửi)', 'The original matches the receipt (the bytes submitted)');
  else say('Văn bản gốc khớp với biên nhận (bản lưu trong "Văn bản đi")', 'The original matches the receipt (the copy in "Văn bản đi")');
}

export function registerReceiptCommands(program: Command): void {
  const receipt = program.command('receipt').description('Biên nhận có chữ ký số của docgate / docgate signed receipts');
  receipt
    .command('verify <file>')
    .description('Kiểm tra chữ ký của biên nhận và, nếu có, văn bản gốc / verify a receipt and, optionally, the original')
    .option('--message <file>', 'văn bản gốc (.eml) / the original message')
    .option('--ca <file>', 'chứng thư CA của docgate (mặc định signing.ca) / the docgate signing CA (default signing.ca)')
    .option('--json', 'kết quả dạng JSON / JSON output')
    .action(async (file: string, opts: VerifyOptions) => {
      const caFile =
        opts.ca ??
        (() => {
          const config = loadConfigOrExit(program.opts<GlobalOptions>());
          return resolveUnder(config.dataDir, config.docgate.signing.ca);
        })();
      readOrFail(caFile);
      const check = await verifyReceipt(readOrFail(file), {
        caFile,
        original: opts.message ? readOrFail(opts.message) : undefined,
        now: new Date(),
        log: cliLogger(),
      });
      if (opts.json) process.stdout.write(JSON.stringify(check, null, 2) + '\n');
      else report(check, caFile);
      if (check.signature !== 'valid' || !check.facts) throw new CliError('Biên nhận không hợp lệ / Receipt not valid', 1);
      if (check.original?.match === 'mismatch') throw new CliError('Văn bản gốc không khớp / Original does not match', EXIT_ORIGINAL_MISMATCH);
    });
}
