// docgate account add|passwd|lock|unlock|list: clerk accounts, scriptable (passwords on stdin).

import type { Command } from 'commander';
import { AgencyDirectory } from '../../config/agencies.js';
import type { Config } from '../../config/load.js';
import { silentLogger } from '../../gateway/log.js';
import { hashPassword } from '../../storage/accounts/password.js';
import { checkNewPassword, generateAcceptablePassword } from '../../storage/accounts/password-rules.js';
import { openStorage, type Storage } from '../../storage/index.js';
import { CliError, loadConfigOrExit, readStdin, say, type GlobalOptions } from './context.js';

export async function withStorage<T>(config: Config, work: (storage: Storage) => Promise<T>): Promise<T> {
  const storage = await openStorage(config, silentLogger);
  try {
    return await work(storage);
  } finally {
    await storage.close();
  }
}

async function passwordFromStdin(): Promise<string> {
  const text = await readStdin();
  const first = text.split(/\r?\n/)[0];
  if (!first) throw new CliError('Không nhận được mật khẩu trên stdin / No password on stdin', 2);
  return first;
}

/** The shared rule set (storage/accounts/password-rules.ts); `currentHash` refuses keeping the same password. */
async function validatePassword(config: Config, email: string, password: string, currentHash: string | null = null): Promise<void> {
  const problem = await checkNewPassword({ email, password, minLength: config.docgate.auth.minPasswordLength, currentHash });
  if (problem) throw new CliError(`Mật khẩu không hợp lệ: ${problem.vi} / Password refused: ${problem.en}`, 2);
}

function normalizeEmail(email: string): string {
  const value = email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) throw new CliError(`Địa chỉ không hợp lệ: ${email} / Invalid address: ${email}`, 2);
  return value;
}

export function registerAccountCommands(program: Command): void {
  const account = program.command('account').description('Tài khoản văn thư / clerk accounts');

  account
    .command('add <email>')
    .description('Tạo tài khoản / create an account')
    .requiredOption('--agency <id>', 'mã định danh cơ quan / agency identifier')
    .option('--password-stdin', 'đọc mật khẩu từ stdin / read the password from stdin')
    .option('--permanent', 'không bắt đổi mật khẩu lần đầu (cho script cấp phát) / skip the forced change (provisioning)')
    .action(async (emailArg: string, opts: { agency: string; passwordStdin?: boolean; permanent?: boolean }) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      const email = normalizeEmail(emailArg);
      const directory = new AgencyDirectory(config.agencies);
      const agency = directory.get(opts.agency);
      if (!agency) throw new CliError(`Không có cơ quan ${opts.agency} / No agency ${opts.agency}`, 2);
      if (!directory.belongsTo(email, agency.id)) {
        throw new CliError(`${email} không phải địa chỉ của ${agency.id} / ${email} is not an address of ${agency.id}`, 2);
      }
      const generated = !opts.passwordStdin;
      const password = generated ? generateAcceptablePassword(email, config.docgate.auth.minPasswordLength) : await passwordFromStdin();
      await validatePassword(config, email, password);
      const passwordHash = await hashPassword(password);
      await withStorage(config, async (storage) => {
        if (await storage.accounts.find(email)) throw new CliError(`Tài khoản đã tồn tại: ${email} / Account already exists: ${email}`);
        await storage.writes.run((t) => storage.accounts.create(t, { email, agencyId: agency.id, passwordHash, mustChangePassword: !opts.permanent, now: new Date() }));
      });
      say(`Đã tạo tài khoản ${email} (${agency.id})`, `Account created: ${email} (${agency.id})`);
      if (generated) say(`Mật khẩu tạm thời: ${password}`, `Temporary password: ${password}`);
      if (!opts.permanent) say('Phải đổi mật khẩu trước khi gửi: docgate account passwd', 'The password must be changed before sending: docgate account passwd');
    });

  account
    .command('passwd <email>')
    .description('Đổi mật khẩu / change a password')
    .option('--password-stdin', 'đọc mật khẩu mới từ stdin / read the new password from stdin')
    .option('--temporary', 'đặt lại mật khẩu tạm thời (bắt đổi lần sau) / reset to a temporary password')
    .action(async (emailArg: string, opts: { passwordStdin?: boolean; temporary?: boolean }) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      const email = normalizeEmail(emailArg);
      if (!opts.passwordStdin && !opts.temporary) {
        throw new CliError('Dùng --password-stdin (mật khẩu mới) hoặc --temporary / Use --password-stdin (new password) or --temporary', 2);
      }
      const generated = !opts.passwordStdin;
      const password = generated ? generateAcceptablePassword(email, config.docgate.auth.minPasswordLength) : await passwordFromStdin();
      const mustChange = Boolean(opts.temporary);
      await withStorage(config, async (storage) => {
        const existing = await storage.accounts.find(email);
        if (!existing) throw new CliError(`Không có tài khoản ${email} / No account ${email}`);
        // The current (or temporary) password is compared with the stored hash: "changing" to it is no change.
        await validatePassword(config, email, password, existing.passwordHash);
        const passwordHash = await hashPassword(password);
        await storage.writes.run((t) => storage.accounts.setPassword(t, email, passwordHash, mustChange, new Date()));
      });
      say(`Đã đổi mật khẩu cho ${email}`, `Password changed for ${email}`);
      if (generated) say(`Mật khẩu tạm thời: ${password}`, `Temporary password: ${password}`);
    });

  for (const [name, disabled] of [
    ['lock', true],
    ['unlock', false],
  ] as const) {
    account
      .command(`${name} <email>`)
      .description(disabled ? 'Khóa tài khoản / lock an account' : 'Mở khóa tài khoản (xóa cả khóa do đăng nhập sai) / unlock an account (clears failure locks too)')
      .action(async (emailArg: string) => {
        const config = loadConfigOrExit(program.opts<GlobalOptions>());
        const email = normalizeEmail(emailArg);
        const changed = await withStorage(config, (storage) => storage.writes.run((t) => storage.accounts.setDisabled(t, email, disabled, new Date())));
        if (!changed) throw new CliError(`Không có tài khoản ${email} / No account ${email}`);
        if (disabled) say(`Đã khóa ${email}`, `Locked ${email}`);
        else say(`Đã mở khóa ${email}`, `Unlocked ${email}`);
      });
  }

  account
    .command('list')
    .description('Liệt kê tài khoản / list accounts')
    .option('--agency <id>', 'chỉ cơ quan này / only this agency')
    .option('--json', 'xuất JSON / JSON output')
    .action(async (opts: { agency?: string; json?: boolean }) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      const rows = await withStorage(config, (storage) => storage.accounts.list(opts.agency));
      if (opts.json) {
        process.stdout.write(
          JSON.stringify(
            rows.map((r) => ({ email: r.email, agency: r.agencyId, mustChangePassword: r.mustChangePassword, locked: r.disabled, createdAt: r.createdAt })),
            null,
            2,
          ) + '\n',
        );
        return;
      }
      process.stdout.write('EMAIL\tCƠ QUAN/AGENCY\tTRẠNG THÁI/STATE\n');
      for (const r of rows) {
        const state = r.disabled ? 'khóa/locked' : r.mustChangePassword ? 'mật khẩu tạm/temporary password' : 'hoạt động/active';
        process.stdout.write(`${r.email}\t${r.agencyId}\t${state}\n`);
      }
    });
}
