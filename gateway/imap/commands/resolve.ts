// Sequence set → UIDs for the selected mailbox (UID commands use UIDs, others sequence numbers).

import type { CommandContext } from '../command.js';
import { resolveSequenceNumbers, resolveUidSet, type SeqRange } from '../protocol/sequence.js';

export function resolveSet(ctx: CommandContext, ranges: SeqRange[]): number[] {
  const uids = ctx.session.selected!.uids;
  return ctx.uid ? resolveUidSet(ranges, uids) : resolveSequenceNumbers(ranges, uids);
}
