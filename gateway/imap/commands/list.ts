// LIST and LSUB (RFC 3501 6.3.8-9) with special-use attributes (RFC 6154) and \HasChildren /
// \HasNoChildren. Patterns are matched on decoded names: '*' matches across levels, '%' within one.

import type { MailboxInfo } from '../../../storage/mailbox/store.js';
import { defineCommand, ok, type CommandContext, type Completion } from '../command.js';
import { mailboxValue } from '../protocol/response.js';
import { listExtended, parseListRequest } from './list-extended.js';
import { fullPattern, listPattern, mailboxMatcher, reference } from './list-pattern.js';

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
