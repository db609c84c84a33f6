// SEARCH / UID SEARCH (RFC 3501 6.4.4) with CHARSET UTF-8 and MODSEQ (RFC 7162 3.4).

import { bilingual, defineCommand, no, ok } from '../command.js';
import { MessageView } from '../fetch/message-view.js';
import { matches, matchesCached, type SearchSubject } from '../search/evaluate.js';
import { parseSearch, SUPPORTED_CHARSETS, usesModseq } from '../search/parse.js';

const BATCH = 500;

export const search = defineCommand({
  name: 'SEARCH',
  uid: 'also',
  states: ['selected'],
  schema: { program: (c) => parseSearch(c.rest()) },
  notify: (uid) => (uid ? 'all' : 'no-expunge'),
  async handle(ctx, args) {
    const { session, deps } = ctx;
    const selected = session.selected!;
    if (!SUPPORTED_CHARSETS.includes(args.program.charset)) {
      return no(bilingual('Bang ma khong duoc ho tro', 'Unsupported charset'), `BADCHARSET (${SUPPORTED_CHARSETS.join(' ')})`);
    }
    const withModseq = usesModseq(args.program.key);
    if (withModseq) session.condstore = true;
    const uids = [...selected.uids];
    const env = { uids, timeZone: deps.config.docgate.timezone };
    const found: number[] = [];
    let highest = 0;
    for (let i = 0; i < uids.length; i += BATCH) {
      const metas = await deps.store.metas(selected.info.id, uids.slice(i, i + BATCH));
      let contents: Promise<Map<number, import('../../../storage/mailbox/store.js').MessageContent>> | null = null;
      const loadContents = () => (contents ??= deps.store.contents(metas.map((m) => m.messageId)));
      for (const meta of metas) {
        const seq = selected.seqOf(meta.uid);
        if (!seq) continue;
        const subject: SearchSubject = {
          meta,
          seq,
          recent: selected.recent.has(meta.uid),
          fieldCache: deps.fields,
          view: async () => {
            const content = (await loadContents()).get(meta.messageId);
            return content ? new MessageView(deps.store, content, deps.headers) : null;
          },
        };
        const decided = matchesCached(args.program.key, subject, env);
        if (decided ?? (await matches(args.program.key, subject, env))) {
          found.push(ctx.uid ? meta.uid : seq);
          highest = Math.max(highest, meta.modseq);
        }
      }
    }
    const list = found.length > 0 ? ` ${found.join(' ')}` : '';
    await ctx.untagged(`SEARCH${list}${withModseq && found.length > 0 ? ` (MODSEQ ${highest})` : ''}`);
    return ok('SEARCH completed');
  },
});
