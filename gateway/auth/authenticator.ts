// Clerk authentication shared by SMTP and IMAP: scrypt verification, lockout per account+address after
// repeated failures, administrator locks, and the forced change of a temporary password (Điều 10.2).

import { createHash } from 'node:crypto';
import type { Config } from '../../config/load.js';
import type { AccountRepository } from '../../storage/accounts/repository.js';
import { hashPassword, verifyPassword } from '../../storage/accounts/password.js';
import type { AccountRow } from '../../storage/rows.js';
import type { WriteQueue } from '../../storage/write-queue.js';
import type { Logger } from '../../config/log.js';

export type AuthFailure = 'invalid' | 'locked' | 'disabled' | 'must-change';

export type AuthResult = { ok: true; account: AccountRow } | { ok: false; failure: AuthFailure; retryAfterMs?: number };

/** Reply texts: Vietnamese (ASCII, for SMTP and IMAP) then English. */
export const AUTH_FAILURE_TEXT: Record<AuthFailure, { vi: string; en: string }> = {
  invalid: { vi: 'Sai ten dang nhap hoac mat khau', en: 'Invalid user name or password' },
  locked: { vi: 'Tai khoan tam khoa do dang nhap sai nhieu lan, vui long thu lai sau', en: 'Account temporarily locked after repeated failures, try again later' },
  disabled: { vi: 'Tai khoan da bi khoa boi quan tri vien', en: 'Account locked by the administrator' },
  'must-change': {
    vi: 'Mat khau tam thoi phai duoc doi truoc khi su dung (docgate account passwd)',
    en: 'The temporary password must be changed before use (docgate account passwd)',
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

  async authenticate(username: string, password: string, remoteAddress: string): Promise<AuthResult> {
    const email = username.trim().toLowerCase();
    const now = this.deps.now();
    const limits = this.deps.config.docgate.auth;
    const failure = await this.deps.accounts.failure(email, remoteAddress);
    if (failure?.lockedUntil && failure.lockedUntil.getTime() > now.getTime()) {
      return { ok: false, failure: 'locked', retryAfterMs: failure.lockedUntil.getTime() - now.getTime() };
    }
    const account = email.length <= 254 ? await this.deps.accounts.find(email) : null;
    const matches = account ? await this.passwordMatches(email, password, account.passwordHash) : (await this.burnTime(password), false);
    if (!account || !matches) {
      await this.deps.writes.run((t) =>
        this.deps.accounts.recordFailure(t, email, remoteAddress, now, {
          maxFailures: limits.maxFailures,
          windowMs: limits.failureWindow,
          lockMs: limits.lockDuration,
        }),
      );
      this.deps.log.info('authentication failed', { user: email.slice(0, 254), remoteAddress });
      return { ok: false, failure: 'invalid' };
    }
    if (failure) await this.deps.writes.run((t) => this.deps.accounts.clearFailures(t, email, remoteAddress));
    if (account.disabled) return { ok: false, failure: 'disabled' };
    if (account.mustChangePassword) return { ok: false, failure: 'must-change' };
    return { ok: true, account };
  }
}
