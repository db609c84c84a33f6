// STATUS (RFC 3501 6.3.10) with HIGHESTMODSEQ (RFC 7162) and SIZE (RFC 8438).

import type { MailboxInfo } from '../../../storage/mailbox/store.js';
import { defineCommand, ok, type CommandContext } from '../command.js';
import { mailbox, type Cursor } from '../protocol/args.js';
import { mailboxValue } from '../protocol/response.js';
import { BadCommand } from '../protocol/tokens.js';
import { refusal } from '../store-errors.js';

const ITEMS = new Set(['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'HIGHESTMODSEQ', 'SIZE', 'DELETED']);

export function statusItems(c: Cursor): string[] {
  const t = c.next('status items');
  if (t.type !== 'list' || t.items.length === 0) throw new BadCommand('Expected a list of status items');
  return t.items.map((item) => {
    const name = item.type === 'atom' ? item.value.toUpperCase() : '';
    if (!ITEMS.has(name)) throw new BadCommand('Unknown status item');
    return name;
  });
}

/** The STATUS values of one mailbox, shared with LIST RETURN (STATUS) (RFC 5819). */
export async function statusValues(ctx: CommandContext, info: MailboxInfo, items: string[]): Promise<string[]> {
  const { store } = ctx.deps;
  const needCounts = items.some((i) => ['MESSAGES', 'UNSEEN', 'SIZE', 'DELETED'].includes(i));
  const counts = needCounts ? await store.counts(info.id) : null;
  const values: string[] = [];
  for (const item of items) {
    if (item === 'MESSAGES') values.push(`MESSAGES ${counts!.messages}`);
    else if (item === 'UNSEEN') values.push(`UNSEEN ${counts!.unseen}`);
    else if (item === 'SIZE') values.push(`SIZE ${counts!.size}`);
    else if (item === 'DELETED') values.push(`DELETED ${counts!.deleted}`);
    else if (item === 'UIDNEXT') values.push(`UIDNEXT ${info.uidNext}`);
    else if (item === 'UIDVALIDITY') values.push(`UIDVALIDITY ${info.uidValidity}`);
    else if (item === 'HIGHESTMODSEQ') values.push(`HIGHESTMODSEQ ${info.highestModseq}`);
    else if (item === 'RECENT') {
      const uids = (await store.states(info.id)).map((s) => s.uid);
      values.push(`RECENT ${ctx.deps.recent.unclaimed(info.id, uids)}`);
    }
  }
  return values;
}

export const status = defineCommand({
  name: 'STATUS',
  states: ['authenticated', 'selected'],
  schema: { mailbox, items: statusItems },
  async handle(ctx, args) {
    const { store } = ctx.deps;
    const info = await store.get(ctx.session.user!.agencyId, args.mailbox);
    if (!info) return refusal('no-such-mailbox');
    const values = await statusValues(ctx, info, args.items);
    await ctx.untagged(['STATUS ', ...mailboxValue(info.name, ctx.session.utf8), ` (${values.join(' ')})`]);
    return ok('STATUS completed');
  },
});
