// Running a parsed search over the selected mailbox, shared by SEARCH (with or without ESEARCH RETURN)
// and SORT: the matching messages in mailbox order, with their metadata and a lazy message view.

import type { MessageContent, MessageMeta } from '../../../storage/mailbox/store.js';
import type { CommandContext } from '../command.js';
import { MessageView } from '../fetch/message-view.js';
import { matches, matchesCached, type SearchSubject } from './evaluate.js';
import type { SearchKey } from './parse.js';

const BATCH = 500;

export interface Found {
  meta: MessageMeta;
  seq: number;
  /** The message's bytes on demand (SORT reads header fields). */
  view(): Promise<MessageView | null>;
}

export async function runSearch(ctx: CommandContext, key: SearchKey): Promise<Found[]> {
  const { session, deps } = ctx;
  const selected = session.selected!;
  const uids = [...selected.uids];
  const env = { uids, timeZone: deps.config.docgate.timezone };
  const found: Found[] = [];
  for (let i = 0; i < uids.length; i += BATCH) {
    const metas = await deps.store.metas(selected.info.id, uids.slice(i, i + BATCH));
    let contents: Promise<Map<number, MessageContent>> | null = null;
    const loadContents = () => (contents ??= deps.store.contents(metas.map((m) => m.messageRowId)));
    for (const meta of metas) {
      const seq = selected.seqOf(meta.uid);
      if (!seq) continue;
      const subject: SearchSubject = {
        meta,
        seq,
        recent: selected.recent.has(meta.uid),
        fieldCache: deps.fields,
        view: async () => {
          const content = (await loadContents()).get(meta.messageRowId);
          return content ? new MessageView(deps.store, content, deps.headers) : null;
        },
      };
      const decided = matchesCached(key, subject, env);
      if (decided ?? (await matches(key, subject, env))) found.push({ meta, seq, view: subject.view });
    }
  }
  return found;
}
