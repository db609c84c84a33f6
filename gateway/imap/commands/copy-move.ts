// COPY / MOVE and their UID forms (RFC 3501 6.4.7, RFC 6851, UIDPLUS COPYUID). A move into
// "Đã vào sổ" or "Trả lại" files the document in the register (see ../filing/filing.ts) in the same
// transaction; the sender's notice is announced to its IDLE-ing clerks after the commit.

import { bilingual, defineCommand, no, ok, type CommandContext, type Completion } from '../command.js';
import { mailbox, sequenceSet } from '../protocol/args.js';
import { formatSet, type SeqRange } from '../protocol/sequence.js';
import { resolveSet } from './resolve.js';
import { refusal } from '../store-errors.js';

async function transfer(ctx: CommandContext, set: SeqRange[], targetName: string, move: boolean): Promise<Completion> {
  const { session, deps } = ctx;
  const selected = session.selected!;
  if (move && selected.readOnly) return no(bilingual('Thu muc chi doc', 'Mailbox is read-only'), 'READ-ONLY');
  const target = await deps.store.get(session.user!.agencyId, targetName);
  if (!target) return refusal('no-such-target', 'TRYCREATE');
  const uids = resolveSet(ctx, set).filter((u) => !selected.isPendingExpunge(u));
  if (uids.length === 0) return ok(move ? 'MOVE completed' : 'COPY completed');
  const metas = await deps.store.metas(selected.info.id, uids);
  const filing = await deps.filing.plan(session.user!.email, selected.info, target, metas);
  const result = await deps.store.transfer({ sourceId: selected.info.id, targetId: target.id, uids, move, filing });
  for (const uid of result.targetUids)
    deps.events.publish({ mailboxId: target.id, agencyId: target.agencyId, uid, modseq: result.targetModseq, kind: 'exists' });
  for (const f of result.filed) {
    deps.events.publish({ ...f.notice, kind: 'exists' });
    for (const copy of f.keywords) deps.events.publish({ ...copy, kind: 'flags' });
  }
  if (result.sourceUids.length > 0) await deps.recall?.afterTransfer(session.user!.email, selected.info, target, metas);
  if (result.filed.length > 0)
    deps.log.info('documents filed through IMAP', {
      by: session.user!.email,
      status: result.filed[0].status,
      documents: result.filed.map((f) => f.documentId),
    });
  if (result.sourceUids.length === 0) return ok(move ? 'MOVE completed' : 'COPY completed');
  const copyuid = `COPYUID ${result.targetUidValidity} ${formatSet(result.sourceUids)} ${formatSet(result.targetUids)}`;
  if (!move) return ok('COPY completed', copyuid);
  await ctx.untagged(`OK [${copyuid}] Moved`);
  await selected.removeOwn(result.sourceUids, (line) => ctx.untagged(line));
  for (const uid of result.sourceUids) {
    deps.events.publish({ mailboxId: selected.info.id, agencyId: selected.info.agencyId, uid, modseq: result.expungeModseq ?? 0, kind: 'expunge' });
  }
  return ok('MOVE completed');
}

export const copy = defineCommand({
  name: 'COPY',
  uid: 'also',
  states: ['selected'],
  schema: { set: sequenceSet, mailbox },
  notify: (uid) => (uid ? 'all' : 'no-expunge'),
  async handle(ctx, args) {
    return transfer(ctx, args.set, args.mailbox, false);
  },
});

export const move = defineCommand({
  name: 'MOVE',
  uid: 'also',
  states: ['selected'],
  schema: { set: sequenceSet, mailbox },
  async handle(ctx, args) {
    return transfer(ctx, args.set, args.mailbox, true);
  },
});
