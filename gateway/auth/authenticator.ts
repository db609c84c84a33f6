// Clerk authentication shared by SMTP and IMAP: scrypt verification, lockout per account+address after
// repeated failures and per address across accounts (password spraying), administrator locks, and the
// forced change of a temporary password (Điều 10.2). Locks and their end are logged. Time comes from
// the injected clock only, so lockout windows are tested without waiting.

import { createHash } from 'node:crypto';
import type { Config } from '../../config/load.js';
import { ANY_ACCOUNT, type AccountRepository } from '../../storage/accounts/repository.js';
import { hashPassword, verifyPassword } from '../../storage/accounts/password.js';
import type { AccountRow, AuthFailureRow } from '../../storage/rows.js';
import type { WriteQueue } from '../../storage/write-queue.js';
import type { Logger } from '../../config/log.js';

export type AuthFailure = 'invalid' | 'locked' | 'disabled' | 'must-change';

/** `account` comes with `must-change` (the password was right): the web portal lets it change the password. */
export type AuthResult = { ok: true; account: AccountRow } | { ok: false; failure: AuthFailure; retryAfterMs?: number; account?: AccountRow };

/** Reply texts: Vietnamese (ASCII, for SMTP and IMAP) then English. */
export const AUTH_FAILURE_TEXT: Record<AuthFailure, { vi: string; en: string }> = {
  invalid: { vi: 'Sai ten dang nhap hoac mat khau', en: 'Invalid user name or password' },
  locked: {
    vi: 'Tai khoan tam khoa do dang nhap sai nhieu lan, vui long thu lai sau',
    en: 'Account temporarily locked after repeated failures, try again later',
  },
  disabled: { vi: 'Tai khoan da bi khoa boi quan tri vien', en: 'Account locked by the administrator' },
  'must-change': {
    vi: 'Mat khau tam thoi phai duoc doi tren cong web truoc khi su dung',
    en: 'The temporary password must be changed on the web portal before use',
  },
};

const CACHE_TTL_MS = 5 * 60_000;
const CACHE_MAX = 10_000;

export interface AuthenticatorDeps {
  config: Config;
  accounts: AccountRepository;
  writes: WriteQueue;
  log: Logger;
  now: () => Date;
}

export class Authenticator {
  /**
   * Successful verifications, keyed by a digest of address, password and stored hash: a client that
   * logs in for every message does not pay scrypt each time, and a password change invalidates it.
   */
  private readonly verified = new Map<string, number>();
  private dummyHash: Promise<string> | null = null;

  constructor(private readonly deps: AuthenticatorDeps) {}

  private cacheKey(email: string, password: string, hash: string): string {
    return createHash('sha256').update(email).update('\0').update(password).update('\0').update(hash).digest('base64');
  }

  private async passwordMatches(email: string, password: string, hash: string): Promise<boolean> {
    const key = this.cacheKey(email, password, hash);
    const now = Date.now();
    const expires = this.verified.get(key);
    if (expires !== undefined && expires > now) return true;
    const ok = await verifyPassword(password, hash);
    if (ok) {
      if (this.verified.size >= CACHE_MAX) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(key, now + CACHE_TTL_MS);
    }
    return ok;
  }

  /** Spends the same scrypt work for an unknown account as for a known one. */
  private async burnTime(password: string): Promise<void> {
    this.dummyHash ??= hashPassword('docgate-timing-equaliser');
    await verifyPassword(password, await this.dummyHash);
  }

  /** A lock still in force, or null; a lock found expired is logged as ended and cleared, so once. */
  private async activeLock(row: AuthFailureRow | null, now: Date): Promise<Date | null> {
    if (!row?.lockedUntil) return null;
    if (row.lockedUntil.getTime() > now.getTime()) return row.lockedUntil;
    const anyAccount = row.email === ANY_ACCOUNT;
    this.deps.log.info(anyAccount ? 'address lock ended' : 'account lock ended', {
      ...(anyAccount ? {} : { user: row.email }),
      remoteAddress: row.remoteAddress,
      lockedUntil: row.lockedUntil.toISOString(),
    });
    await this.deps.writes.run((t) => this.deps.accounts.endLock(t, row.email, row.remoteAddress));
    return null;
  }

  async authenticate(username: string, password: string, remoteAddress: string): Promise<AuthResult> {
    const email = username.trim().toLowerCase();
    const now = this.deps.now();
    const limits = this.deps.config.docgate.auth;
    const [failure, budget] = await Promise.all([this.deps.accounts.failure(email, remoteAddress), this.deps.accounts.failure(ANY_ACCOUNT, remoteAddress)]);
    // Both locks are looked at (and an expired one logged) before either answers.
    const locks = [await this.activeLock(budget, now), await this.activeLock(failure, now)].filter((d): d is Date => d !== null);
    if (locks.length > 0) {
      const until = Math.max(...locks.map((d) => d.getTime()));
      return { ok: false, failure: 'locked', retryAfterMs: until - now.getTime() };
    }
    const account = email.length <= 254 && email !== ANY_ACCOUNT ? await this.deps.accounts.find(email) : null;
    const matches = account ? await this.passwordMatches(email, password, account.passwordHash) : (await this.burnTime(password), false);
    if (!account || !matches) {
      const window = { windowMs: limits.failureWindow, lockMs: limits.lockDuration };
      const [pair, address] = await this.deps.writes.run(async (t) => [
        await this.deps.accounts.recordFailure(t, email, remoteAddress, now, { ...window, maxFailures: limits.maxFailures }),
        await this.deps.accounts.recordFailure(t, ANY_ACCOUNT, remoteAddress, now, { ...window, maxFailures: limits.maxFailuresPerAddress }),
      ]);
      this.deps.log.info('authentication failed', { user: email.slice(0, 254), remoteAddress });
      // Neither lock was in force before this failure: reaching the limit now is a new lock.
      if (pair.failures >= limits.maxFailures) {
        this.deps.log.warn('account temporarily locked', {
          user: email.slice(0, 254),
          remoteAddress,
          failures: pair.failures,
          until: pair.lockedUntil!.toISOString(),
        });
      }
      if (address.failures >= limits.maxFailuresPerAddress) {
        this.deps.log.warn('address temporarily locked: failed logins across accounts', {
          remoteAddress,
          failures: address.failures,
          until: address.lockedUntil!.toISOString(),
        });
      }
      return { ok: false, failure: 'invalid' };
    }
    // The address budget is not reset by a success: one valid account must not let a sprayer go on.
    if (failure) await this.deps.writes.run((t) => this.deps.accounts.clearFailures(t, email, remoteAddress));
    if (account.disabled) return { ok: false, failure: 'disabled' };
    if (account.mustChangePassword) return { ok: false, failure: 'must-change', account };
    return { ok: true, account };
  }
}
