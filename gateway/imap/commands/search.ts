// SEARCH / UID SEARCH (RFC 3501 6.4.4) with CHARSET UTF-8, MODSEQ (RFC 7162 3.4) and RETURN (ESEARCH,
// RFC 4731).

import { bilingual, defineCommand, no, ok } from '../command.js';
import { esearchLine, peelReturn } from '../search/esearch.js';
import { parseSearch, SUPPORTED_CHARSETS, usesModseq } from '../search/parse.js';
import { runSearch } from '../search/run.js';
import { enableCondstore } from '../condstore.js';

export const search = defineCommand({
  name: 'SEARCH',
  uid: 'also',
  states: ['selected'],
  schema: {
    program: (c) => {
      const { options, rest } = peelReturn(c.rest());
      return { options, ...parseSearch(rest) };
    },
  },
  notify: (uid) => (uid ? 'all' : 'no-expunge'),
  async handle(ctx, args) {
    if (!SUPPORTED_CHARSETS.includes(args.program.charset)) {
      return no(bilingual('Bang ma khong duoc ho tro', 'Unsupported charset'), `BADCHARSET (${SUPPORTED_CHARSETS.join(' ')})`);
    }
    const withModseq = usesModseq(args.program.key);
    if (withModseq) await enableCondstore(ctx);
    const found = (await runSearch(ctx, args.program.key)).map((f) => ({ id: ctx.uid ? f.meta.uid : f.seq, modseq: f.meta.modseq }));
    if (args.program.options) {
      await ctx.untagged(esearchLine(ctx.tag, ctx.uid, args.program.options, found, withModseq));
      return ok('SEARCH completed');
    }
    const highest = found.reduce((h, f) => Math.max(h, f.modseq), 0);
    const list = found.length > 0 ? ` ${found.map((f) => f.id).join(' ')}` : '';
    await ctx.untagged(`SEARCH${list}${withModseq && found.length > 0 ? ` (MODSEQ ${highest})` : ''}`);
    return ok('SEARCH completed');
  },
});
