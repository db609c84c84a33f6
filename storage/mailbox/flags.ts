// STORE's flag arithmetic, the flags column (a JSON array) and STATUS counts, shared by every MailboxStore.

import type { FlagOperation } from './store.js';

export function parseFlags(json: unknown): string[] {
  try {
    const value: unknown = JSON.parse(String(json));
    return Array.isArray(value) ? value.filter((f): f is string => typeof f === 'string') : [];
  } catch {
    return [];
  }
}

/** Applies a STORE operation; keywords compare case-insensitively (RFC 3501 2.3.2). */
export function applyFlags(current: string[], op: FlagOperation, flags: string[]): string[] {
  const key = (f: string) => f.toLowerCase();
  if (op === 'set') return dedupe(flags);
  if (op === 'add') return dedupe([...current, ...flags]);
  const removed = new Set(flags.map(key));
  return current.filter((f) => !removed.has(key(f)));
}

function dedupe(flags: string[]): string[] {
  const seen = new Set<string>();
  return flags.filter((f) => {
    const k = f.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function sameFlags(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a.map((f) => f.toLowerCase()));
  return b.every((f) => set.has(f.toLowerCase()));
}

/** STATUS figures of a mailbox's messages. */
export function countsOf(all: { flags: string[]; size: number }[]): { messages: number; unseen: number; deleted: number; size: number } {
  let unseen = 0;
  let deleted = 0;
  let size = 0;
  for (const m of all) {
    if (!m.flags.includes('\\Seen')) unseen++;
    if (m.flags.includes('\\Deleted')) deleted++;
    size += m.size;
  }
  return { messages: all.length, unseen, deleted, size };
}
