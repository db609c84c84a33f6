// Turning CONDSTORE on with a CONDSTORE-enabling command (RFC 7162 3.1): when that happens with a
// mailbox selected, the client learns the mailbox's HIGHESTMODSEQ it could not have seen at SELECT.

import type { CommandContext } from './command.js';

export async function enableCondstore(ctx: CommandContext): Promise<void> {
  const { session } = ctx;
  if (session.condstore) return;
  session.condstore = true;
  if (session.selected) await ctx.untagged(`OK [HIGHESTMODSEQ ${session.selected.highestModseq}] Highest`);
}
