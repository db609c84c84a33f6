// SELECT / EXAMINE (with the CONDSTORE and QRESYNC parameters, RFC 7162), CLOSE, UNSELECT (RFC 3691).

import { bilingual, defineCommand, ok, optional, type CommandContext, type Completion } from '../command.js';
import { returnReasonKeywords } from '../filing/reasons.js';
import { mailbox, type Cursor } from '../protocol/args.js';
import { BadCommand } from '../protocol/tokens.js';
import { SelectedMailbox } from '../selected.js';
import { parseQresyncParam, resync, type QresyncParams } from '../qresync.js';
import { refusal } from '../store-errors.js';

type SelectParam = 'CONDSTORE' | QresyncParams;

function selectParams(c: Cursor): SelectParam[] {
  const t = c.next('select parameters');
  if (t.type !== 'list') throw new BadCommand('Expected a parameter list');
  const out: SelectParam[] = [];
  for (let i = 0; i < t.items.length; i++) {
    const item = t.items[i];
    const name = item.type === 'atom' && !item.section ? item.value.toUpperCase() : '';
    if (name === 'CONDSTORE') out.push('CONDSTORE');
    else if (name === 'QRESYNC' && !out.some((p) => p !== 'CONDSTORE')) out.push(parseQresyncParam(t.items[++i]));
    else throw new BadCommand('Unknown SELECT parameter');
  }
  return out;
}

async function open(ctx: CommandContext, name: string, params: SelectParam[] | undefined, readOnly: boolean): Promise<Completion> {
  const { session, deps } = ctx;
  const qresync = params?.find((p): p is QresyncParams => p !== 'CONDSTORE') ?? null;
  const qresyncOn = session.enabled.has('QRESYNC');
  // RFC 7162 3.2.5: the QRESYNC parameter needs ENABLE QRESYNC first.
  if (qresync && !qresyncOn) return { status: 'BAD', text: 'ENABLE QRESYNC first' };
  // RFC 7162 3.2.11: the boundary between the old mailbox's responses and the new one's.
  if (qresyncOn && session.selected) await ctx.untagged('OK [CLOSED] Previous mailbox closed');
  // A failed SELECT leaves no mailbox selected (RFC 3501 6.3.1).
  session.deselect();
  const info = await deps.store.get(session.user!.agencyId, name);
  if (!info) return refusal('no-such-mailbox');
  if (params?.includes('CONDSTORE')) session.condstore = true;
  const states = await deps.store.states(info.id);
  // EXAMINE shows the same \Recent messages SELECT would, but leaves them for a read-write session to claim.
  const uids = states.map((s) => s.uid);
  const recent = readOnly ? deps.recent.peek(info.id, uids) : deps.recent.claim(info.id, uids);
  const selected = new SelectedMailbox(info, readOnly, states, recent);
  const unsubscribe = deps.events.subscribe((change) => {
    if (change.kind !== 'resync' && change.mailboxId !== info.id) return;
    // A feed notice of a change this session has already seen (its own, echoed back) needs no re-read.
    if (change.kind === 'remote' && change.modseq <= selected.highestModseq) return;
    selected.dirty = true;
    session.idleWake?.();
  });
  session.select(selected, unsubscribe);
  selected.vanished = qresyncOn;

  selected.knowKeywords(returnReasonKeywords());
  for (const s of states) selected.knowKeywords(s.flags);
  for (const line of selected.flagLines()) await ctx.untagged(line);
  await ctx.untagged(`${states.length} EXISTS`);
  await ctx.untagged(`${recent.length} RECENT`);
  const firstUnseen = states.findIndex((s) => !s.flags.includes('\\Seen'));
  if (firstUnseen !== -1) await ctx.untagged(`OK [UNSEEN ${firstUnseen + 1}] First unseen`);
  await ctx.untagged(`OK [UIDVALIDITY ${info.uidValidity}] UIDs valid`);
  await ctx.untagged(`OK [UIDNEXT ${info.uidNext}] Predicted next UID`);
  await ctx.untagged(`OK [HIGHESTMODSEQ ${selected.highestModseq}] Highest`);
  if (qresync) await resync(ctx, qresync);
  return ok(
    bilingual(readOnly ? 'Da mo thu muc (chi doc)' : 'Da mo thu muc', readOnly ? 'EXAMINE completed' : 'SELECT completed'),
    readOnly ? 'READ-ONLY' : 'READ-WRITE',
  );
}

export const select = defineCommand({
  name: 'SELECT',
  states: ['authenticated', 'selected'],
  schema: { mailbox, params: optional<SelectParam[]>(selectParams) },
  notify: 'none',
  async handle(ctx, args) {
    return open(ctx, args.mailbox, args.params, false);
  },
});

export const examine = defineCommand({
  name: 'EXAMINE',
  states: ['authenticated', 'selected'],
  schema: { mailbox, params: optional<SelectParam[]>(selectParams) },
  notify: 'none',
  async handle(ctx, args) {
    return open(ctx, args.mailbox, args.params, true);
  },
});

export const close = defineCommand({
  name: 'CLOSE',
  states: ['selected'],
  schema: {},
  notify: 'none',
  async handle(ctx) {
    const selected = ctx.session.selected!;
    // CLOSE expunges silently (RFC 3501 6.4.2); other sessions learn of it through the events.
    if (!selected.readOnly) {
      const removed = await ctx.deps.store.expunge(selected.info.id);
      for (const uid of removed.uids)
        ctx.deps.events.publish({ mailboxId: selected.info.id, agencyId: selected.info.agencyId, uid, modseq: removed.modseq, kind: 'expunge' });
    }
    ctx.session.deselect();
    return ok('CLOSE completed');
  },
});

export const unselect = defineCommand({
  name: 'UNSELECT',
  states: ['selected'],
  schema: {},
  notify: 'none',
  async handle(ctx) {
    ctx.session.deselect();
    return ok('UNSELECT completed');
  },
});
