// `docgate register add-paper`: a document that arrived on paper, registered with its scanned PDF in the
// agency's sổ đến (gateway/paper/paper-intake.ts). Exit codes as the other register commands: 0
// registered, 1 refused by the policy checks (the reason code a mailed document would get), 2 bad usage.

import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import type { Command } from 'commander';
import { AgencyDirectory } from '../../../config/agencies.js';
import { PAPER_FIELDS, type PaperField } from '../../../gateway/paper/fields.js';
import { withStorage } from '../account.js';
import { CliError, cliLogger, say, type GlobalOptions } from '../context.js';
import { knownAgency } from './query.js';

interface AddPaperOptions {
  agency?: string;
  file?: string;
  field: string[];
  actor?: string;
}

const ISSUER_FIELD = 'co-quan-ban-hanh';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `--field key=value` pairs: known keys only, each once, one line of printable text. */
function fieldsOf(pairs: string[]): { issuer: string; fields: Partial<Record<PaperField, string>> } {
  const known = [...Object.keys(PAPER_FIELDS), ISSUER_FIELD];
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value =
      eq < 0
        ? ''
        : pair
            .slice(eq + 1)
            .normalize('NFC')
            .trim();
    if (!known.includes(key)) throw new CliError(`Trường không hợp lệ: "${key}" (${known.join(', ')}) / Unknown field: "${key}"`, 2);
    if (key in out) throw new CliError(`Trường ${key} được cho hai lần / Field ${key} given twice`, 2);
    // A line break would smuggle in another form line.

    if (value === '' || /[\u0000-\u001f\u007f\u2028\u2029]/.test(value))
      throw new CliError(`Giá trị không hợp lệ cho ${key} (trống hoặc có ký tự điều khiển) / Invalid value for ${key} (empty or control characters)`, 2);
    out[key] = value;
  }
  const issuer = out[ISSUER_FIELD];
  if (!issuer) throw new CliError(`Thiếu --field ${ISSUER_FIELD}=… (cơ quan ban hành) / Missing --field ${ISSUER_FIELD}=… (issuing agency)`, 2);
  delete out[ISSUER_FIELD];
  return { issuer, fields: out };
}

export function registerAddPaperCommand(register: Command, program: Command): void {
  register
    .command('add-paper')
    .description('Vào sổ đến văn bản giấy kèm bản quét PDF (Điều 8.2) / register a paper document with its scanned PDF')
    .option('--agency <id>', 'cơ quan nhận (mã định danh) / receiving agency id')
    .option('--file <scan.pdf>', 'bản quét PDF / the scanned PDF')
    .option('--field <key=value>', `trường của sổ, lặp lại: ${ISSUER_FIELD}, ${Object.keys(PAPER_FIELDS).join(', ')} / register field, repeatable`, collect, [])
    .option('--actor <name>', 'người vào sổ (mặc định admin:<user>) / who registers it (default admin:<user>)')
    .action(async (opts: AddPaperOptions) => {
      // The policy engine loads for this command only, not for every `docgate register …` start.
      const { loadConfigAndPolicyOrExit } = await import('../policy-context.js');
      const { registerPaperDocument } = await import('../../../gateway/paper/paper-intake.js');
      const { config, policy } = loadConfigAndPolicyOrExit(program.opts<GlobalOptions>());
      if (opts.agency === undefined) throw new CliError('Thiếu --agency / Missing --agency', 2);
      if (opts.file === undefined) throw new CliError('Thiếu --file / Missing --file', 2);
      const agency = new AgencyDirectory(config.agencies).get(knownAgency(config, opts.agency))!;
      if (!existsSync(opts.file) || !statSync(opts.file).isFile()) throw new CliError(`Không có tệp ${opts.file} / No file ${opts.file}`, 2);
      if (statSync(opts.file).size > config.docgate.smtp.maxMessageSize) throw new CliError(`Tệp quá lớn: ${opts.file} / File too large: ${opts.file}`, 2);
      const { issuer, fields } = fieldsOf(opts.field);
      const actor = opts.actor ?? `admin:${os.userInfo().username}`;
      const outcome = await withStorage(config, (storage) =>
        registerPaperDocument(
          { config, agencies: new AgencyDirectory(config.agencies), storage, policy, log: cliLogger(), now: () => new Date() },
          { agency, issuer, fields, file: opts.file!, actor },
        ),
      );
      if (outcome.kind === 'refused') {
        const v = outcome.verdict;
        throw new CliError(`Không vào sổ được [${v.reason}] ${v.message.vi} / Not registered [${v.reason}] ${v.message.en}`, 1);
      }
      say(
        `Đã vào sổ đến ${agency.id}: số đến ${outcome.number}/${outcome.year}, mã theo dõi ${outcome.trackingId} (văn bản giấy)`,
        `Registered in ${agency.id}'s incoming register: number ${outcome.number}/${outcome.year}, tracking id ${outcome.trackingId} (paper)`,
      );
    });
}
