// STORE / UID STORE (RFC 3501 6.4.6) with CONDSTORE's UNCHANGEDSINCE and MODIFIED (RFC 7162 3.2).

import { enableCondstore } from '../condstore.js';
import { bilingual, defineCommand, no, ok } from '../command.js';
import { formatFlags } from '../flags.js';
import { flagList, number, sequenceSet, type Cursor } from '../protocol/args.js';
import { formatSet } from '../protocol/sequence.js';
import { BadCommand } from '../protocol/tokens.js';
import type { FlagOperation } from '../../../storage/mailbox/store.js';
import { resolveSet } from './resolve.js';

function modifiers(c: Cursor): { unchangedSince?: number } {
  const t = c.peek();
  if (t?.type !== 'list') return {};
  c.next('store modifiers');
  if (t.items.length !== 2 || t.items[0].type !== 'atom' || t.items[0].value.toUpperCase() !== 'UNCHANGEDSINCE') {
    throw new BadCommand('Only UNCHANGEDSINCE is supported as a STORE modifier');
  }
  return { unchangedSince: number(new (c.constructor as typeof Cursor)([t.items[1]]), 'mod-sequence') };
}

function action(c: Cursor): { op: FlagOperation; silent: boolean } {
  const t = c.next('store action');
  const m = t.type === 'atom' ? /^([+-]?)FLAGS(\.SILENT)?$/i.exec(t.value) : null;
  if (!m) throw new BadCommand('Expected FLAGS, +FLAGS or -FLAGS');
  return { op: m[1] === '+' ? 'add' : m[1] === '-' ? 'remove' : 'set', silent: Boolean(m[2]) };
}

export const store = defineCommand({
  name: 'STORE',
  uid: 'also',
  states: ['selected'],
  schema: { set: sequenceSet, modifiers, action, flags: (c) => flagList(c, { allowSingle: true }) },
  notify: (uid) => (uid ? 'all' : 'no-expunge'),
  async handle(ctx, args) {
    const session = ctx.session;
    const selected = session.selected!;
    if (selected.readOnly) return no(bilingual('Thu muc chi doc', 'Mailbox is read-only'), 'READ-ONLY');
    const uids = resolveSet(ctx, args.set);
    if (args.modifiers.unchangedSince !== undefined) await enableCondstore(ctx);
    const result = await ctx.deps.store.storeFlags(selected.info.id, uids, args.action.op, args.flags, args.modifiers.unchangedSince);
    const changed = new Set(result.changed.map((s) => s.uid));
    await selected.announceKeywords(
      result.present.flatMap((s) => s.flags),
      (line) => ctx.untagged(line),
    );
    for (const s of result.present) {
      const seq = selected.seqOf(s.uid);
      if (!seq) continue;
      selected.noteAnnounced(s.uid, s.modseq);
      const items: string[] = [];
      // RFC 7162 3.2.4: with QRESYNC enabled every FETCH response carries the UID.
      if (ctx.uid || session.enabled.has('QRESYNC')) items.push(`UID ${s.uid}`);
      if (!args.action.silent || (session.condstore && changed.has(s.uid))) {
        if (!args.action.silent) items.push(`FLAGS (${formatFlags(s.flags, selected.recent.has(s.uid))})`);
        if (session.condstore) items.push(`MODSEQ (${s.modseq})`);
        await ctx.untagged(`${seq} FETCH (${items.join(' ')})`);
      }
    }
    for (const s of result.changed) {
      ctx.deps.events.publish({ mailboxId: selected.info.id, agencyId: selected.info.agencyId, uid: s.uid, modseq: s.modseq, kind: 'flags' });
    }
    if (result.conflicts.length > 0) {
      const numbers = ctx.uid ? result.conflicts : result.conflicts.map((u) => selected.seqOf(u)).filter((n) => n > 0);
      return ok('Conditional STORE failed for some messages', `MODIFIED ${formatSet(numbers.sort((a, b) => a - b))}`);
    }
    return ok('STORE completed');
  },
});
