// SORT / UID SORT (RFC 5256) with RETURN (ESORT, RFC 5267) and DISPLAYFROM/DISPLAYTO (RFC 5957):
// "SORT [RETURN (...)] (criteria) charset search-keys". Ties fall back to mailbox order.

import { bilingual, defineCommand, no, ok } from '../command.js';
import { enableCondstore } from '../condstore.js';
import { splitHeader, type RawField } from '../fetch/header-block.js';
import { BadCommand } from '../protocol/tokens.js';
import { esearchLine, peelReturn } from '../search/esearch.js';
import { parseSearch, SUPPORTED_CHARSETS, usesModseq } from '../search/parse.js';
import { runSearch } from '../search/run.js';
import { CRITERIA, META_ONLY, sortKey, type SortCriterion } from '../sort/keys.js';

// A client can repeat criteria; more than this is not a real sort order.
const MAX_CRITERIA = 16;

interface Order {
  criterion: SortCriterion;
  reverse: boolean;
}

function parseCriteria(token: import('../protocol/tokens.js').Token | undefined): Order[] {
  if (token?.type !== 'list' || token.items.length === 0) throw new BadCommand('SORT needs a list of sort criteria');
  if (token.items.length > MAX_CRITERIA * 2) throw new BadCommand('Too many sort criteria');
  const out: Order[] = [];
  let reverse = false;
  for (const item of token.items) {
    const name = item.type === 'atom' && !item.section ? item.value.toUpperCase() : '';
    if (name === 'REVERSE' && !reverse) {
      reverse = true;
      continue;
    }
    if (!CRITERIA.has(name)) throw new BadCommand('Unknown sort criterion');
    out.push({ criterion: name as SortCriterion, reverse });
    reverse = false;
  }
  if (reverse) throw new BadCommand('REVERSE needs a sort criterion');
  return out;
}

export const sort = defineCommand({
  name: 'SORT',
  uid: 'also',
  states: ['selected'],
  schema: {
    program: (c) => {
      const { options, rest } = peelReturn(c.rest());
      const order = parseCriteria(rest[0]);
      const charset = rest[1];
      if (charset?.type !== 'atom' && charset?.type !== 'string') throw new BadCommand('SORT needs a charset');
      const program = parseSearch(rest.slice(2));
      return { options, order, key: program.key, charset: charset.value.toUpperCase() };
    },
  },
  notify: (uid) => (uid ? 'all' : 'no-expunge'),
  async handle(ctx, args) {
    const { order, key, options, charset } = args.program;
    if (!SUPPORTED_CHARSETS.includes(charset)) {
      return no(bilingual('Bang ma khong duoc ho tro', 'Unsupported charset'), `BADCHARSET (${SUPPORTED_CHARSETS.join(' ')})`);
    }
    const withModseq = usesModseq(key);
    if (withModseq) await enableCondstore(ctx);
    const found = await runSearch(ctx, key);
    const needHeader = order.some((o) => !META_ONLY.has(o.criterion));
    const rows: { id: number; seq: number; modseq: number; keys: (string | number)[] }[] = [];
    for (const f of found) {
      let header: RawField[] | null = null;
      if (needHeader) {
        const view = await f.view();
        header = view ? splitHeader(await view.topHeader()) : null;
      }
      rows.push({ id: ctx.uid ? f.meta.uid : f.seq, seq: f.seq, modseq: f.meta.modseq, keys: order.map((o) => sortKey(o.criterion, f.meta, header)) });
    }
    rows.sort((a, b) => {
      for (let i = 0; i < order.length; i++) {
        const x = a.keys[i];
        const y = b.keys[i];
        if (x !== y) return (x < y ? -1 : 1) * (order[i].reverse ? -1 : 1);
      }
      return a.seq - b.seq;
    });
    if (options) {
      await ctx.untagged(esearchLine(ctx.tag, ctx.uid, options, rows, withModseq));
      return ok('SORT completed');
    }
    const highest = rows.reduce((h, r) => Math.max(h, r.modseq), 0);
    const list = rows.length > 0 ? ` ${rows.map((r) => r.id).join(' ')}` : '';
    await ctx.untagged(`SORT${list}${withModseq && rows.length > 0 ? ` (MODSEQ ${highest})` : ''}`);
    return ok('SORT completed');
  },
});
