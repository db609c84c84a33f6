// LIST and LSUB (RFC 3501 6.3.8-9) with special-use attributes (RFC 6154) and \HasChildren /
// \HasNoChildren. Patterns are matched on decoded names: '*' matches across levels, '%' within one.

import type { MailboxInfo } from '../../../storage/mailbox/store.js';
import { defineCommand, ok, type CommandContext, type Completion } from '../command.js';
import { astring, mailboxFromWire, type Cursor, type ParseContext } from '../protocol/args.js';
import { mailboxValue } from '../protocol/response.js';
import { BadCommand } from '../protocol/tokens.js';
import { compilePattern, matchPattern } from '../protocol/wildcard.js';
import { listExtended, parseListRequest } from './list-extended.js';

export function listPattern(c: Cursor, ctx: ParseContext): string | null {
  const t = c.next('mailbox pattern');
  const raw = t.type === 'string' || (t.type === 'atom' && !t.section) ? t.value : null;
  if (raw === null) throw new BadCommand('Expected a mailbox pattern');
  if (raw === '') return '';
  // A pattern that is not valid modified UTF-7 matches no mailbox (null): LIST answers OK with nothing.
  try {
    return mailboxFromWire(raw, ctx);
  } catch (err) {
    if (err instanceof BadCommand && err.status === 'NO') return null;
    throw err;
  }
}

export function reference(c: Cursor, ctx: ParseContext): string {
  const raw = astring(c, 'reference');
  return raw === '' ? '' : mailboxFromWire(raw, ctx);
}

interface Row {
  name: string;
  attributes: string[];
  /** LSUB only: shown when a '%' (not a '*') reaches it. */
  parentOnly?: boolean;
}

function rows(all: MailboxInfo[], subscriptions: string[] | null): Row[] {
  const onlySubscribed = subscriptions !== null;
  const names = new Set(all.map((m) => m.name));
  const subscribed = new Set(subscriptions ?? []);
  const out: Row[] = [];
  // Levels that exist only as parents are listed as \Noselect (RFC 3501 6.3.8).
  const parents = new Set<string>();
  for (const m of all) {
    const levels = m.name.split('/');
    for (let i = 1; i < levels.length; i++) parents.add(levels.slice(0, i).join('/'));
  }
  for (const m of all) {
    if (onlySubscribed && !subscribed.has(m.name)) continue;
    const attributes = [[...names].some((n) => n.startsWith(`${m.name}/`)) ? '\\HasChildren' : '\\HasNoChildren'];
    if (m.specialUse) attributes.push(m.specialUse);
    out.push({ name: m.name, attributes });
  }
  if (!onlySubscribed) for (const p of parents) if (!names.has(p)) out.push({ name: p, attributes: ['\\Noselect', '\\HasChildren'] });
  if (onlySubscribed) {
    // A subscribed name whose mailbox is gone stays subscribed (RFC 3501 6.3.6) and cannot be selected.
    for (const name of subscribed) if (!names.has(name)) out.push({ name, attributes: ['\\Noselect'] });
    // LSUB with '%': an unsubscribed parent of a subscribed mailbox is listed \Noselect (RFC 3501 6.3.9).
    const shown = new Set<string>();
    for (const name of subscribed) {
      const levels = name.split('/');
      for (let i = 1; i < levels.length; i++) {
        const p = levels.slice(0, i).join('/');
        if (!subscribed.has(p) && !shown.has(p)) {
          shown.add(p);
          out.push({ name: p, attributes: ['\\Noselect'], parentOnly: true });
        }
      }
    }
  }
  return out;
}

/** The reference and the pattern as one pattern (RFC 3501 6.3.8). */
export function fullPattern(ref: string, pattern: string): string {
  return ref && !pattern.startsWith('/') ? `${ref.replace(/\/$/, '')}/${pattern}` : pattern;
}

/** A linear-time matcher for one pattern; INBOX matches case-insensitively (RFC 3501 5.1). */
export function mailboxMatcher(full: string): (name: string) => boolean {
  const pattern = compilePattern(full);
  const inboxPattern = compilePattern(full.replace(/^inbox(?=\/|$)/i, 'INBOX'));
  return (name) => matchPattern(pattern, name) || (name.startsWith('INBOX') && matchPattern(inboxPattern, name));
}

async function list(ctx: CommandContext, ref: string, pattern: string | null, lsub: boolean): Promise<Completion> {
  const verb = lsub ? 'LSUB' : 'LIST';
  if (pattern === null) return ok(`${verb} completed`);
  if (pattern === '') {
    await ctx.untagged(`${verb} (\\Noselect) "/" ""`);
    return ok(`${verb} completed`);
  }
  const full = fullPattern(ref, pattern);
  const matches = mailboxMatcher(full);
  const agencyId = ctx.session.user!.agencyId;
  const all = await ctx.deps.store.list(agencyId);
  for (const row of rows(all, lsub ? await ctx.deps.store.subscriptions(agencyId) : null)) {
    if (!matches(row.name)) continue;
    if (row.parentOnly && full.includes('*')) continue;
    await ctx.untagged([`${verb} (${row.attributes.join(' ')}) "/" `, ...mailboxValue(row.name, ctx.session.utf8)]);
  }
  return ok(`${verb} completed`);
}

export const listCommand = defineCommand({
  name: 'LIST',
  states: ['authenticated', 'selected'],
  schema: { request: parseListRequest },
  async handle(ctx, args) {
    if (args.request.extended) return listExtended(ctx, args.request);
    return list(ctx, args.request.reference, args.request.patterns[0], false);
  },
});

export const lsub = defineCommand({
  name: 'LSUB',
  states: ['authenticated', 'selected'],
  schema: { reference, pattern: listPattern },
  async handle(ctx, args) {
    return list(ctx, args.reference, args.pattern, true);
  },
});
