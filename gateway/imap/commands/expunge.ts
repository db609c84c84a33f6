// EXPUNGE and UID EXPUNGE (UIDPLUS, RFC 4315): removes \Deleted messages (of the given UIDs).

import { bilingual, defineCommand, no, ok, optional } from '../command.js';
import { sequenceSet } from '../protocol/args.js';
import { resolveUidSet, type SeqRange } from '../protocol/sequence.js';

export const expunge = defineCommand({
  name: 'EXPUNGE',
  uid: 'also',
  states: ['selected'],
  schema: { set: optional<SeqRange[]>(sequenceSet) },
  async handle(ctx, args) {
    const selected = ctx.session.selected!;
    if (selected.readOnly) return no(bilingual('Thu muc chi doc', 'Mailbox is read-only'), 'READ-ONLY');
    if (ctx.uid !== (args.set !== undefined)) return { status: 'BAD', text: 'UID EXPUNGE takes a UID set; EXPUNGE takes none' };
    const uids = args.set ? resolveUidSet(args.set, selected.uids) : undefined;
    if (uids && uids.length === 0) return ok('EXPUNGE completed');
    const removed = await ctx.deps.store.expunge(selected.info.id, uids);
    await selected.removeOwn(removed.uids, (line) => ctx.untagged(line));
    for (const uid of removed.uids) {
      ctx.deps.events.publish({ mailboxId: selected.info.id, agencyId: selected.info.agencyId, uid, modseq: removed.modseq, kind: 'expunge' });
    }
    return ok('EXPUNGE completed');
  },
});
