// docgate account add|passwd|lock|unlock|remove|list: clerk accounts, scriptable (passwords on stdin).
// Administrator actions are logged (stderr, JSON lines) as well as printed.

import type { Command } from 'commander';
import { AgencyDirectory } from '../../config/agencies.js';
import type { Config } from '../../config/load.js';
import { silentLogger } from '../../config/log.js';
import { hashPassword } from '../../storage/accounts/password.js';
import { checkNewPassword, generateAcceptablePassword, passwordRulesOf } from '../../storage/accounts/password-rules.js';
import { openStorage, type Storage } from '../../storage/index.js';
import { ANY_ACCOUNT, type ActiveLock } from '../../storage/accounts/repository.js';
import type { AccountRole, AccountRow } from '../../storage/rows.js';
import { adminActor, recordAdminAction } from '../../storage/register/admin.js';
import { CliError, cliLogger, loadConfigOrExit, readStdin, say, type GlobalOptions } from './context.js';

export async function withStorage<T>(config: Config, work: (storage: Storage) => Promise<T>): Promise<T> {
  const storage = await openStorage(config, silentLogger);
  try {
    return await work(storage);
  } finally {
    await storage.close();
  }
}

/** Administrators' actions are register events naming who acted (storage/register/admin.ts). */
const ACTOR_HELP = 'người thực hiện, ghi vào sổ / who acts, for the register (default admin:<OS user>)';

async function passwordFromStdin(): Promise<string> {
  const text = await readStdin();
  const first = text.split(/\r?\n/)[0];
  if (!first) throw new CliError('Không nhận được mật khẩu trên stdin / No password on stdin', 2);
  return first;
}

/** The shared rule set (storage/accounts/password-rules.ts); `currentHash` refuses keeping the same password. */
async function validatePassword(
  config: Config,
  email: string,
  password: string,
  currentHash: string | null = null,
  previousHashes: string[] = [],
): Promise<void> {
  const problem = await checkNewPassword({ email, password, rules: passwordRulesOf(config.docgate.auth), currentHash, previousHashes });
  if (problem) throw new CliError(`Mật khẩu không hợp lệ: ${problem.vi} / Password refused: ${problem.en}`, 2);
}

function roleOf(text: string): AccountRole {
  if (text === 'clerk' || text === 'admin') return text;
  throw new CliError(`Vai trò không hợp lệ: ${text} (clerk, admin) / Unknown role: ${text} (clerk, admin)`, 2);
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
    .option('--role <role>', 'vai trò trên cổng web: clerk (văn thư) hoặc admin (quản trị) / portal role: clerk or admin', 'clerk')
    .option('--actor <name>', ACTOR_HELP)
    .action(async (emailArg: string, opts: { agency: string; passwordStdin?: boolean; permanent?: boolean; actor?: string; role: string }) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      const email = normalizeEmail(emailArg);
      const role = roleOf(opts.role);
      const directory = new AgencyDirectory(config.agencies);
      const agency = directory.get(opts.agency);
      if (!agency) throw new CliError(`Không có cơ quan ${opts.agency} / No agency ${opts.agency}`, 2);
      if (!directory.belongsTo(email, agency.id)) {
        throw new CliError(`${email} không phải địa chỉ của ${agency.id} / ${email} is not an address of ${agency.id}`, 2);
      }
      const generated = !opts.passwordStdin;
      const password = generated ? generateAcceptablePassword(email, passwordRulesOf(config.docgate.auth)) : await passwordFromStdin();
      await validatePassword(config, email, password);
      const passwordHash = await hashPassword(password);
      await withStorage(config, async (storage) => {
        if (await storage.accounts.find(email)) throw new CliError(`Tài khoản đã tồn tại: ${email} / Account already exists: ${email}`);
        await storage.writes.run(async (t) => {
          await storage.accounts.create(t, { email, agencyId: agency.id, passwordHash, mustChangePassword: !opts.permanent, now: new Date(), role });
          await recordAdminAction(
            storage,
            { actor: adminActor(opts.actor), action: 'account-add', subject: email, agencyId: agency.id, note: opts.permanent ? 'permanent password' : null },
            t,
          );
        });
      });
      say(`Đã tạo tài khoản ${email} (${agency.id})`, `Account created: ${email} (${agency.id})`);
      if (role === 'admin') say('Vai trò: quản trị (cổng web)', 'Role: administrator (web portal)');
      if (generated) say(`Mật khẩu tạm thời: ${password}`, `Temporary password: ${password}`);
      if (!opts.permanent)
        say('Phải đổi mật khẩu trước khi gửi: docgate account passwd', 'The password must be changed before sending: docgate account passwd');
    });

  account
    .command('passwd <email>')
    .description('Đổi mật khẩu / change a password')
    .option('--password-stdin', 'đọc mật khẩu mới từ stdin / read the new password from stdin')
    .option('--temporary', 'đặt lại mật khẩu tạm thời (bắt đổi lần sau) / reset to a temporary password')
    .option('--actor <name>', ACTOR_HELP)
    .action(async (emailArg: string, opts: { passwordStdin?: boolean; temporary?: boolean; actor?: string }) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      const email = normalizeEmail(emailArg);
      if (!opts.passwordStdin && !opts.temporary) {
        throw new CliError('Dùng --password-stdin (mật khẩu mới) hoặc --temporary / Use --password-stdin (new password) or --temporary', 2);
      }
      const generated = !opts.passwordStdin;
      const password = generated ? generateAcceptablePassword(email, passwordRulesOf(config.docgate.auth)) : await passwordFromStdin();
      const mustChange = Boolean(opts.temporary);
      await withStorage(config, async (storage) => {
        const existing = await storage.accounts.find(email);
        if (!existing) throw new CliError(`Không có tài khoản ${email} / No account ${email}`);
        if (existing.removedAt) throw new CliError(`Tài khoản ${email} đã bị xóa / Account ${email} was removed`);
        // The current (or temporary) password is compared with the stored hash: "changing" to it is no change.
        const history = await storage.accounts.previousPasswordHashes(existing.id, config.docgate.auth.passwordHistory - 1);
        await validatePassword(config, email, password, existing.passwordHash, history);
        const passwordHash = await hashPassword(password);
        await storage.writes.run(async (t) => {
          await storage.accounts.setPassword(t, email, passwordHash, mustChange, new Date());
          const note = mustChange ? 'temporary password set' : 'password changed';
          await recordAdminAction(storage, { actor: adminActor(opts.actor), action: 'account-passwd', subject: email, agencyId: existing.agencyId, note }, t);
        });
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
      .description(
        disabled ? 'Khóa tài khoản / lock an account' : 'Mở khóa tài khoản (xóa cả khóa do đăng nhập sai) / unlock an account (clears failure locks too)',
      )
      .option('--actor <name>', ACTOR_HELP)
      .action(async (emailArg: string, opts: { actor?: string }) => {
        const config = loadConfigOrExit(program.opts<GlobalOptions>());
        const email = normalizeEmail(emailArg);
        const changed = await withStorage(config, async (storage) => {
          const existing = await storage.accounts.find(email);
          if (existing?.removedAt) throw new CliError(`Tài khoản ${email} đã bị xóa / Account ${email} was removed`);
          return storage.writes.run(async (t) => {
            const done = await storage.accounts.setDisabled(t, email, disabled, new Date());
            if (done) {
              const action = disabled ? 'account-lock' : 'account-unlock';
              await recordAdminAction(storage, { actor: adminActor(opts.actor), action, subject: email, agencyId: existing?.agencyId ?? null }, t);
            }
            return done;
          });
        });
        if (!changed) throw new CliError(`Không có tài khoản ${email} / No account ${email}`);
        cliLogger('info').info(disabled ? 'account locked by administrator' : 'account unlocked by administrator (temporary locks cleared)', { user: email });
        if (disabled) say(`Đã khóa ${email}`, `Locked ${email}`);
        else say(`Đã mở khóa ${email}`, `Unlocked ${email}`);
      });
  }

  account
    .command('role <email> <role>')
    .description('Vai trò trên cổng web: clerk (văn thư) hoặc admin (quản trị) / portal role: clerk or admin')
    .action(async (emailArg: string, roleArg: string) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      const email = normalizeEmail(emailArg);
      const role = roleOf(roleArg);
      const changed = await withStorage(config, (storage) => storage.writes.run((t) => storage.accounts.setRole(t, email, role, new Date())));
      if (!changed) throw new CliError(`Không có tài khoản ${email} / No account ${email}`);
      cliLogger('info').info('account role changed by administrator', { user: email, role });
      say(`${email}: vai trò ${role}`, `${email}: role ${role}`);
    });

  account
    .command('remove <email>')
    .description('Xóa tài khoản: không đăng nhập được nữa, giữ lịch sử và sổ / remove an account: no login any more, history and register kept')
    .option('--actor <name>', ACTOR_HELP)
    .action(async (emailArg: string, opts: { actor?: string }) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      const email = normalizeEmail(emailArg);
      const changed = await withStorage(config, (storage) =>
        storage.writes.run(async (t) => {
          const done = await storage.accounts.remove(t, email, new Date());
          if (done) await recordAdminAction(storage, { actor: adminActor(opts.actor), action: 'account-remove', subject: email }, t);
          return done;
        }),
      );
      if (!changed) throw new CliError(`Không có tài khoản ${email} / No account ${email}`);
      cliLogger('info').info('account removed by administrator', { user: email });
      say(
        `Đã xóa tài khoản ${email} (không đăng nhập được nữa; lịch sử và sổ văn bản được giữ)`,
        `Removed ${email} (can no longer log in; history and register kept)`,
      );
    });

  account
    .command('list')
    .description('Liệt kê tài khoản / list accounts')
    .option('--agency <id>', 'chỉ cơ quan này / only this agency')
    .option('--json', 'xuất JSON / JSON output')
    .action(async (opts: { agency?: string; json?: boolean }) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      const now = new Date();
      const [rows, locks] = await withStorage(config, (storage) => Promise.all([storage.accounts.list(opts.agency), storage.accounts.activeLocks(now)]));
      const lockOf = (email: string) => temporaryLock(locks.filter((l) => l.email === email));
      if (opts.json) {
        process.stdout.write(
          JSON.stringify(
            rows.map((r) => {
              const lock = lockOf(r.email);
              return {
                email: r.email,
                agency: r.agencyId,
                role: r.role,
                mustChangePassword: r.mustChangePassword,
                locked: r.disabled,
                removed: r.removedAt !== null,
                removedAt: r.removedAt,
                temporarilyLockedUntil: lock?.until ?? null,
                temporarilyLockedFrom: lock?.addresses ?? [],
                createdAt: r.createdAt,
              };
            }),
            null,
            2,
          ) + '\n',
        );
        return;
      }
      process.stdout.write('EMAIL\tCƠ QUAN/AGENCY\tTRẠNG THÁI/STATE\n');
      for (const r of rows) process.stdout.write(`${r.email}\t${r.agencyId}\t${stateOf(r, lockOf(r.email))}${r.role === 'admin' ? ' (admin)' : ''}\n`);
      const addressLocks = locks.filter((l) => l.email === ANY_ACCOUNT);
      for (const l of addressLocks) {
        process.stdout.write(
          `# địa chỉ ${l.remoteAddress} tạm khóa (đăng nhập sai nhiều tài khoản) đến ${l.lockedUntil.toISOString()} / address ${l.remoteAddress} locked (failures across accounts) until ${l.lockedUntil.toISOString()}\n`,
        );
      }
    });
}

/** The latest end of an account's temporary locks and the client addresses they apply to. */
function temporaryLock(locks: ActiveLock[]): { until: string; addresses: string[] } | null {
  if (locks.length === 0) return null;
  const until = new Date(Math.max(...locks.map((l) => l.lockedUntil.getTime())));
  return { until: until.toISOString(), addresses: locks.map((l) => l.remoteAddress) };
}

function stateOf(r: AccountRow, lock: { until: string; addresses: string[] } | null): string {
  if (r.removedAt) return 'đã xóa/removed';
  if (r.disabled) return 'khóa/locked';
  if (lock) return `tạm khóa đến/temporarily locked until ${lock.until} (${lock.addresses.join(', ')})`;
  return r.mustChangePassword ? 'mật khẩu tạm/temporary password' : 'hoạt động/active';
}
