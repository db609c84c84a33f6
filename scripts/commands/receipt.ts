// docgate receipt verify FILE [--message ORIGINAL.eml] [--ca CA.pem] [--json]: checks a signed receipt
// against the gateway's signing CA (docgate.yaml signing.ca, data/signing/ca.crt by default) and, with
// the original, that its SHA-256 is the one the receipt states.
// Exit codes: 0 valid (and the original matches), 1 signature not valid or not a receipt,
// 2 bad usage or unreadable file, 4 signature valid but the original does not match.

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { receiptCheckLines, receiptVerdict, signingCaFile, verifyReceipt, type ReceiptCheck } from '../../gateway/notify/receipt-verify.js';
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
  const mark = check.signature === 'valid' ? '!' : '-';
  for (const line of receiptCheckLines(check, caFile)) {
    if (line.tone === 'problem') process.stdout.write(`  ${mark} ${line.text}\n`);
    else if (line.tone === 'fact')
      process.stdout.write(`  ${line.vi === line.en ? line.vi : `${line.vi} / ${line.en}`}${line.value === undefined ? '' : `: ${line.value}`}\n`);
    else say(line.vi, line.en);
  }
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
          return signingCaFile(loadConfigOrExit(program.opts<GlobalOptions>()));
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
      const verdict = receiptVerdict(check);
      if (verdict === 'invalid') throw new CliError('Biên nhận không hợp lệ / Receipt not valid', 1);
      if (verdict === 'mismatch') throw new CliError('Văn bản gốc không khớp / Original does not match', EXIT_ORIGINAL_MISMATCH);
    });
}
