// QRESYNC (RFC 7162 3.2): the SELECT/EXAMINE parameter "QRESYNC (uidvalidity modseq [known-uids
// [(seq-set uid-set)]])", which answers with VANISHED (EARLIER) and FETCH for what changed since the
// client's modseq, and the expunge tombstones behind FETCH (CHANGEDSINCE n VANISHED).

import type { CommandContext } from './command.js';
import { formatFlags } from './flags.js';
import { parseSequenceSet, intervals, pick, formatSet, type SeqRange } from './protocol/sequence.js';
import { BadCommand, type Token } from './protocol/tokens.js';

export interface QresyncParams {
  uidValidity: number;
  modseq: number;
  knownUids: SeqRange[] | null;
}

function positive(t: Token | undefined, what: string, max: number): number {
  if (t?.type !== 'atom' || t.section || !/^[1-9]\d{0,19}$/.test(t.value) || Number(t.value) > max) throw new BadCommand(`Expected ${what}`);
  return Number(t.value);
}

function set(t: Token | undefined, what: string): SeqRange[] {
  if (t?.type !== 'atom' || t.section) throw new BadCommand(`Expected ${what}`);
  const ranges = parseSequenceSet(t.value);
  // RFC 7162 3.2.5: known UIDs and the sequence match data never contain "*".
  if (ranges.some((r) => r.start === '*' || r.end === '*')) throw new BadCommand(`"*" is not allowed in ${what}`);
  return ranges;
}

export function parseQresyncParam(t: Token | undefined): QresyncParams {
  if (t?.type !== 'list' || t.items.length < 2 || t.items.length > 4) throw new BadCommand('QRESYNC needs (uidvalidity modseq [known-uids [seq-match]])');
  const [v, m, known, match] = t.items;
  const params: QresyncParams = {
    uidValidity: positive(v, 'a UIDVALIDITY', 4294967295),
    modseq: positive(m, 'a mod-sequence', Number.MAX_SAFE_INTEGER),
    knownUids: known ? set(known, 'known UIDs') : null,
  };
  // The sequence match data only lets a server narrow VANISHED; it is checked and not needed here.
  if (match) {
    if (match.type !== 'list' || match.items.length !== 2) throw new BadCommand('Expected (known-sequence-set known-uid-set)');
    set(match.items[0], 'the known sequence set');
    set(match.items[1], 'the known UID set');
  }
  return params;
}

/** UIDs named by a client's UID set, existing or not (for VANISHED). */
function namedUids(sorted: number[], ranges: SeqRange[], star: number): number[] {
  return pick(sorted, intervals(ranges, star));
}

/** After the SELECT responses: what the client missed since its modseq (RFC 7162 3.2.5.1). */
export async function resync(ctx: CommandContext, params: QresyncParams): Promise<void> {
  const selected = ctx.session.selected!;
  if (params.uidValidity !== selected.info.uidValidity) return;
  const changes = await ctx.deps.store.changesSince(selected.info.id, params.modseq);
  let vanished = changes.expunged.filter((uid) => !selected.seqOf(uid));
  if (params.knownUids) vanished = namedUids(vanished, params.knownUids, Math.max(selected.uidNext - 1, 1));
  if (vanished.length > 0) await ctx.untagged(`VANISHED (EARLIER) ${formatSet(vanished)}`);
  for (const state of changes.changed) {
    const seq = selected.seqOf(state.uid);
    if (!seq) continue;
    selected.noteAnnounced(state.uid, state.modseq);
    await ctx.untagged(`${seq} FETCH (UID ${state.uid} FLAGS (${formatFlags(state.flags, selected.recent.has(state.uid))}) MODSEQ (${state.modseq}))`);
  }
}

/** FETCH (CHANGEDSINCE n VANISHED): "* VANISHED (EARLIER)" for expunged UIDs in the requested set. */
export async function vanishedSince(ctx: CommandContext, ranges: SeqRange[], since: number): Promise<void> {
  const selected = ctx.session.selected!;
  const changes = await ctx.deps.store.changesSince(selected.info.id, since);
  const gone = changes.expunged.filter((uid) => !selected.seqOf(uid));
  const vanished = namedUids(gone, ranges, Math.max(selected.uidNext - 1, 1));
  if (vanished.length > 0) await ctx.untagged(`VANISHED (EARLIER) ${formatSet(vanished)}`);
}
