// docgate export: one agency's register year as a verifiable ZIP (export/write.ts), and `export verify`
// checking one (export/verify.ts). Exit codes as `docgate register`: 0 done, 1 failure (a difference
// found, a store that does not match its register), 2 bad usage (unknown agency, bad year or book,
// output exists, archive missing), 3 nothing to export.

import { existsSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { withStorage } from './account.js';
import { CliError, loadConfigOrExit, say, type GlobalOptions } from './context.js';
import { ArchiveUnreadable, verifyExport } from './export/verify.js';
import { ExportIntegrityError, writeExport } from './export/write.js';
import { bookOf, knownAgency, yearOf } from './register/query.js';
import { countExportEntries } from '../../storage/register/export-reads.js';

const EXIT_NOT_FOUND = 3;

interface ExportOptions {
  agency?: string;
  year?: string;
  book?: string;
}

function outputPath(out: string): string {
  const file = path.resolve(out);
  if (existsSync(file)) throw new CliError(`Tệp đã tồn tại: ${out} / File exists: ${out}`, 2);
  const dir = path.dirname(file);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(`Không có thư mục ${dir} / No directory ${dir}`, 2);
  return file;
}

export function registerExportCommands(program: Command): void {
  const exportCommand = program
    .command('export')
    .description('Xuất sổ một năm của cơ quan thành tệp ZIP kiểm chứng được / export an agency-year as a verifiable ZIP')
    .argument('[out]', 'tệp ZIP cần tạo / ZIP file to create')
    .option('--agency <id>', 'cơ quan (mã định danh) / agency id')
    .option('--year <yyyy>', 'năm / year')
    .option('--book <in|out>', 'chỉ sổ đến (in) hoặc sổ đi (out) / only the incoming or outgoing register')
    .action(async (out: string | undefined, opts: ExportOptions) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      if (opts.agency === undefined) throw new CliError('Thiếu --agency / Missing --agency', 2);
      if (opts.year === undefined) throw new CliError('Thiếu --year / Missing --year', 2);
      if (out === undefined) throw new CliError('Thiếu tên tệp ZIP / Missing the ZIP file name', 2);
      const scope = { agencyId: knownAgency(config, opts.agency), year: yearOf(opts.year)!, book: bookOf(opts.book) };
      const file = outputPath(out);
      const partial = `${file}.partial`;
      const book = scope.book === 'incoming' ? 'sổ đến ' : scope.book === 'outgoing' ? 'sổ đi ' : '';
      const bookEn = scope.book ? `${scope.book} ` : '';
      const summary = await withStorage(config, async (storage) => {
        if ((await countExportEntries(storage.db.sequelize, scope)) === 0) {
          throw new CliError(
            `Không có văn bản nào trong ${book}năm ${scope.year} của ${scope.agencyId} / No document in the ${bookEn}register of ${scope.agencyId} for ${scope.year}`,
            EXIT_NOT_FOUND,
          );
        }
        await rm(partial, { force: true });
        try {
          return await writeExport(config, storage, scope, partial);
        } catch (err) {
          if (err instanceof ExportIntegrityError)
            throw new CliError(`Kho không khớp với sổ, không xuất / The store does not match the register, nothing exported: ${err.message}`, 1);
          throw err;
        }
      });
      await rename(partial, file);
      say(
        `Đã xuất ${summary.documents} mục sổ, ${summary.files} tệp, ${summary.events} sự kiện, ${summary.anchors} mốc neo vào ${out}`,
        `Exported ${summary.documents} register entries, ${summary.files} files, ${summary.events} events, ${summary.anchors} anchors to ${out}`,
      );
    });

  exportCommand
    .command('verify <file>')
    .description('Kiểm tra tệp ZIP đã xuất: mọi mã băm, manifest, tệp .eml so với sổ / check an exported ZIP')
    .action(async (zip: string) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      if (!existsSync(zip)) throw new CliError(`Không có tệp ${zip} / No file ${zip}`, 2);
      let result;
      try {
        result = await verifyExport(config, zip);
      } catch (err) {
        if (err instanceof ArchiveUnreadable) throw new CliError(`Không đọc được tệp ZIP ${zip} / Unreadable ZIP ${zip}: ${err.message}`, 1);
        throw err;
      }
      const d = result.difference;
      if (d) {
        throw new CliError(`Không khớp / Mismatch: ${d.file}: ${d.what}\n  mong đợi / expected: ${d.expected}\n  thấy / found:        ${d.found}`, 1);
      }
      say(
        `Hợp lệ: ${result.files} tệp, ${result.documents} mục sổ khớp manifest và sổ`,
        `Valid: ${result.files} files, ${result.documents} register entries match`,
      );
    });
}
