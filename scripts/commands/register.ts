// docgate register list|search|show: the register (sổ đi / sổ đến) read without SQL. Exit codes: 0 found,
// 1 failure, 2 bad usage (unknown agency, bad date, bad option), 3 nothing found.

import type { Command } from 'commander';
import { AgencyDirectory } from '../../config/agencies.js';
import type { Config } from '../../config/load.js';
import { findEntryByNumber, searchRegister, type RegisterHit, type RegisterQuery } from '../../storage/register/search.js';
import { withStorage } from './account.js';
import { CliError, loadConfigOrExit, type GlobalOptions } from './context.js';
import { localDateTime, vnDay } from '../../policies/text/calendar.js';
import { urgencyLabel } from './register/labels.js';
import { csv, json, table, type Column } from './register/output.js';
import { bookOf, knownAgency, queryOf, yearOf, type QueryOptions } from './register/query.js';
import { detailsJson, detailsText, loadDetails } from './register/show.js';
import { registerChainCommands } from './register/chain.js';
import { registerAddPaperCommand } from './register/add-paper.js';

/** Exit code of a search with no result and of `show` of an unknown document. */
const EXIT_NOT_FOUND = 3;

interface FormatOptions {
  json?: boolean;
  csv?: boolean;
}

function columns(config: Config): Column<RegisterHit>[] {
  const tz = config.docgate.timezone;
  const dir = new AgencyDirectory(config.agencies);
  return [
    { vi: 'Sổ', en: 'Book', key: 'book', value: (h) => h.book, display: (h) => (h.book === 'incoming' ? 'đến/in' : 'đi/out') },
    { vi: 'Cơ quan', en: 'Agency', key: 'agencyId', value: (h) => h.agencyId },
    { vi: 'Số', en: 'No.', key: 'number', value: (h) => (h.number === null ? null : `${h.number}/${h.year}`) },
    { vi: 'Ngày đến/đi', en: 'Registered', key: 'registeredAt', value: (h) => localDateTime(h.registeredAt, tz) },
    { vi: 'Số ký hiệu', en: 'Reference', key: 'documentNumber', value: (h) => h.documentNumber },
    { vi: 'Ngày ký', en: 'Signed', key: 'signedDate', value: (h) => vnDay(h.signedDate) },
    { vi: 'Loại', en: 'Type', key: 'documentType', value: (h) => h.documentType },
    { vi: 'Trích yếu', en: 'Summary', key: 'summary', value: (h) => h.summary ?? h.subject, max: 60 },
    { vi: 'Độ khẩn', en: 'Urgency', key: 'urgency', value: (h) => urgencyLabel(h.urgency) },
    {
      vi: 'Nơi gửi/nhận',
      en: 'From/To',
      key: 'counterpart',
      value: (h) => (h.book === 'incoming' ? h.senderAgencyId : (h.counterpartAgencyId ?? '')),
    },
    { vi: 'Trạng thái', en: 'Status', key: 'status', value: (h) => h.status },
    { vi: 'Nguồn', en: 'Origin', key: 'origin', value: (h) => h.origin ?? 'smtp', display: (h) => (h.origin === 'paper' ? 'giấy/paper' : 'mail') },
    { vi: 'Mã theo dõi', en: 'Tracking id', key: 'trackingId', value: (h) => h.trackingId },
    { vi: 'Tên cơ quan', en: 'Agency name', key: 'agencyName', value: (h) => dir.get(h.agencyId)?.name ?? null, max: 0 },
  ];
}

async function runQuery(program: Command, build: (config: Config) => RegisterQuery, format: FormatOptions): Promise<void> {
  const config = loadConfigOrExit(program.opts<GlobalOptions>());
  const query = build(config);
  const hits = await withStorage(config, (storage) => searchRegister(storage.db.sequelize, query));
  const cols = columns(config);
  // The agency's name is for machines (JSON, CSV); the table shows the id to stay narrow.
  if (format.json) process.stdout.write(json(cols, hits));
  else if (format.csv) process.stdout.write(csv(cols, hits));
  else if (hits.length > 0)
    process.stdout.write(
      table(
        cols.filter((c) => c.max !== 0),
        hits,
      ),
    );
  if (hits.length === 0) throw new CliError('Không tìm thấy văn bản nào / No document found', EXIT_NOT_FOUND);
  if (!format.json && !format.csv)
    process.stdout.write(`${hits.length} mục / ${hits.length} entries${hits.length === query.limit ? ' (đã đạt --limit / --limit reached)' : ''}\n`);
}

function queryOptions(cmd: Command): Command {
  return cmd
    .option('--agency <id>', 'cơ quan (mã định danh) / agency id')
    .option('--book <in|out>', 'sổ đến (in) hoặc sổ đi (out) / incoming or outgoing register')
    .option('--year <yyyy>', 'năm / year')
    .option('--number <n>', 'số đến / số đi / register number')
    .option('--ref <số ký hiệu>', 'số ký hiệu, ví dụ 05/QĐ-UBND / document number')
    .option('--type <loại>', 'loại văn bản (có hoặc không dấu) / document type')
    .option('--urgency <độ khẩn>', 'độ khẩn / urgency')
    .option('--status <code>', 'trạng thái (01, 02, 03 … sent, returned, held) / status')
    .option('--from <date>', 'nhận từ ngày (dd/mm/yyyy hoặc yyyy-mm-dd) / received on or after')
    .option('--to <date>', 'nhận đến ngày / received on or before')
    .option('--signed-from <date>', 'ký từ ngày / signed on or after')
    .option('--signed-to <date>', 'ký đến ngày / signed on or before')
    .option('--sender <agency|address>', 'nơi gửi / sender agency id or address')
    .option('--recipient <agency|address>', 'nơi nhận / recipient agency id or address')
    .option('--limit <n>', 'số mục tối đa (100) / most entries shown', '100')
    .option('--json', 'xuất JSON / JSON output')
    .option('--csv', 'xuất CSV / CSV output');
}

export function registerRegisterCommands(program: Command): void {
  const register = program.command('register').description('Sổ đăng ký văn bản đi / đến / the document register');

  queryOptions(register.command('list').description('Liệt kê mục trong sổ / list register entries')).action(async (opts: QueryOptions & FormatOptions) => {
    await runQuery(program, (config) => queryOf(config, opts), opts);
  });

  queryOptions(
    register
      .command('search <text...>')
      .description('Tìm theo trích yếu, số ký hiệu, tên tệp (có hoặc không dấu) / full-text search, with or without diacritics'),
  ).action(async (words: string[], opts: QueryOptions & FormatOptions) => {
    await runQuery(program, (config) => queryOf(config, opts, words.join(' ')), opts);
  });

  registerAddPaperCommand(register, program);

  register
    .command('show <ref...>')
    .description('Chi tiết một văn bản: <mã theo dõi> hoặc <cơ quan> <năm> <số đến> / one document: <tracking id> or <agency> <year> <number>')
    .option('--book <in|out>', 'sổ của số đã cho (in) / book of the given number (default in)')
    .option('--json', 'xuất JSON / JSON output')
    .action(async (ref: string[], opts: { book?: string; json?: boolean }) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      if (ref.length !== 1 && ref.length !== 3) {
        throw new CliError('Cần <mã theo dõi> hoặc <cơ quan> <năm> <số> / Expected <tracking id> or <agency> <year> <number>', 2);
      }
      const numbered = ref.length === 3 ? { agency: knownAgency(config, ref[0], 'show'), year: yearOf(ref[1])!, number: Number(ref[2]) } : null;
      if (numbered && !/^\d+$/.test(ref[2])) throw new CliError(`Số không hợp lệ: "${ref[2]}" / Invalid number: "${ref[2]}"`, 2);
      const book = bookOf(opts.book) ?? 'incoming';
      const details = await withStorage(config, async (storage) => {
        const trackingId = numbered ? await findEntryByNumber(storage.db.sequelize, numbered.agency, book, numbered.year, numbered.number) : ref[0];
        return trackingId ? loadDetails(storage, trackingId) : null;
      });
      if (!details) {
        const what = numbered ? `${numbered.agency} ${book === 'incoming' ? 'sổ đến' : 'sổ đi'} ${numbered.number}/${numbered.year}` : ref[0];
        const whatEn = numbered ? `${numbered.agency} ${book} ${numbered.number}/${numbered.year}` : ref[0];
        throw new CliError(`Không có văn bản ${what} trong sổ / No document ${whatEn} in the register`, EXIT_NOT_FOUND);
      }
      process.stdout.write(opts.json ? JSON.stringify(detailsJson(config, details), null, 2) + '\n' : detailsText(config, details));
    });

  registerChainCommands(register, program);
}
