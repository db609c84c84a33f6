// FETCH / UID FETCH (RFC 3501 6.4.5) with CHANGEDSINCE and MODSEQ (RFC 7162). Messages are handled
// in batches (metadata and stored descriptors in one query each); bodies above a few KiB are streamed
// from the blob store as literals; non-PEEK body fetches set \Seen first so FLAGS can be reported.

import { enableCondstore } from '../condstore.js';
import { bilingual, defineCommand, no, ok, optional, type CommandContext } from '../command.js';
import { binaryContent, binaryLiteralHead, UnknownCte } from '../fetch/binary.js';
import { filterFields } from '../fetch/header-block.js';
import { parseFetchItems, type FetchItem, type SectionSpec } from '../fetch/items.js';
import { locatePart, MessageView, type Range } from '../fetch/message-view.js';
import { renderItem } from '../fetch/rendering.js';
import { formatFlags } from '../flags.js';
import { formatDateTime, number, sequenceSet, type Cursor } from '../protocol/args.js';
import { LineBuffer } from '../protocol/line-buffer.js';
import { literalStream, type Chunk } from '../protocol/response.js';
import { BadCommand } from '../protocol/tokens.js';
import type { ImapRendering, MessageMeta, RenderedItem } from '../../../storage/mailbox/store.js';
import { resolveSet } from './resolve.js';
import { vanishedSince } from '../qresync.js';

const BATCH = 250;
const FLUSH_BYTES = 256 * 1024;
const STREAM_ABOVE = 64 * 1024;

/** "(CHANGEDSINCE n)" and QRESYNC's "(CHANGEDSINCE n VANISHED)", in either order. */
function changedSince(c: Cursor): { since: number; vanished: boolean } {
  const t = c.next('fetch modifiers');
  if (t.type !== 'list' || t.items.length < 2 || t.items.length > 3) throw new BadCommand('Expected (CHANGEDSINCE n [VANISHED])');
  let since: number | null = null;
  let vanished = false;
  for (let i = 0; i < t.items.length; i++) {
    const item = t.items[i];
    const name = item.type === 'atom' && !item.section ? item.value.toUpperCase() : '';
    if (name === 'CHANGEDSINCE' && since === null && i + 1 < t.items.length)
      since = number(new (c.constructor as typeof Cursor)([t.items[++i]]), 'mod-sequence');
    else if (name === 'VANISHED' && !vanished) vanished = true;
    else throw new BadCommand('Only CHANGEDSINCE and VANISHED are supported as FETCH modifiers');
  }
  if (since === null) throw new BadCommand('VANISHED needs CHANGEDSINCE');
  return { since, vanished };
}

type Content = { bytes: Buffer } | { range: Range } | null;

async function sectionContent(view: MessageView, spec: SectionSpec): Promise<Content> {
  const root = await view.structure();
  if (spec.part.length === 0) {
    if (spec.kind === '') return { range: { start: 0, end: view.size } };
    if (spec.kind === 'HEADER') return { range: view.headerRange(root, true) };
    if (spec.kind === 'TEXT') return { range: view.bodyRange(root, true) };
    return { bytes: filterFields(await view.topHeader(), spec.fields, spec.kind === 'HEADER.FIELDS.NOT') };
  }
  const node = locatePart(root, spec.part);
  if (!node) return null;
  const top = node === root;
  if (spec.kind === '') return { range: view.bodyRange(node, top) };
  if (spec.kind === 'MIME') return { range: view.headerRange(node, top) };
  const message = node.message;
  if (!message) return { bytes: Buffer.alloc(0) };
  if (spec.kind === 'HEADER') return { range: view.headerRange(message, false) };
  if (spec.kind === 'TEXT') return { range: view.bodyRange(message, false) };
  return { bytes: filterFields(await view.read(view.headerRange(message, false)), spec.fields, spec.kind === 'HEADER.FIELDS.NOT') };
}

function clip(content: Content, partial: { start: number; length: number } | null): Content {
  if (!content || !partial) return content;
  if ('bytes' in content) return { bytes: content.bytes.subarray(partial.start, partial.start + partial.length) };
  const start = Math.min(content.range.end, content.range.start + partial.start);
  return { range: { start, end: Math.min(content.range.end, start + partial.length) } };
}

async function literal(ctx: CommandContext, view: MessageView, content: Content): Promise<Chunk[]> {
  if (!content) return ['NIL'];
  if ('bytes' in content) return [`{${content.bytes.length}}\r\n`, content.bytes];
  const size = Math.max(0, content.range.end - content.range.start);
  if (size <= STREAM_ABOVE) {
    const bytes = await view.read(content.range);
    return [`{${bytes.length}}\r\n`, bytes];
  }
  return literalStream(size, () => ctx.deps.store.stream(view.content, content.range.start, content.range.end));
}

/** Renderings made by this FETCH for rows that lacked them, saved after each batch. */
type Unsaved = Map<number, ImapRendering>;

/**
 * ENVELOPE, BODY and BODYSTRUCTURE of a stored message never change: served from the stored rendering
 * (messages.imap_*, made at APPEND or on an earlier FETCH). A row without it is rendered here, once for
 * every connection (the shared cache, like Dovecot's cache file), and the store keeps it.
 */
async function rendered(ctx: CommandContext, view: MessageView, kind: RenderedItem, unsaved: Unsaved): Promise<Buffer> {
  const stored = view.content.rendered[kind];
  if (stored) return stored;
  const key = `${view.content.id}/${kind}`;
  const bytes = ctx.deps.rendered.get(key) ?? (await renderItem(view, kind));
  ctx.deps.rendered.set(key, bytes);
  view.content.rendered[kind] = bytes;
  const entry = unsaved.get(view.content.id) ?? {};
  entry[kind] = bytes;
  unsaved.set(view.content.id, entry);
  return bytes;
}

/** Saves renderings without holding up the response; a failure only means rendering again next time. */
function save(ctx: CommandContext, unsaved: Unsaved): void {
  if (unsaved.size === 0) return;
  const items = [...unsaved].map(([messageRowId, r]) => ({ messageRowId, rendered: r }));
  unsaved.clear();
  ctx.deps.store.saveRenderings(items).catch((err) => ctx.deps.log.warn('imap rendering not saved', { err }));
}

const INDEX_ITEMS = new Set(['UID', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'MODSEQ']);

function needsContent(items: FetchItem[]): boolean {
  return items.some((i) => !INDEX_ITEMS.has(i.kind));
}

/** Keywords among the messages' flags (system flags start with a backslash), each once. */
function keywordsOf(metas: MessageMeta[]): string[] {
  const out = new Set<string>();
  for (const meta of metas) for (const flag of meta.flags) if (flag.charCodeAt(0) !== 0x5c) out.add(flag);
  return [...out];
}

/**
 * FETCH of index items only (a client's flag resync, `UID FETCH 1:* (UID FLAGS)`): one lookup in the
 * shared mailbox index for the whole set, then a synchronous walk that writes each line straight into
 * a byte buffer (flags pre-serialised by the index, sequence numbers by walking the session's sorted
 * UIDs, no per-message promise or string) and sends it a few hundred KiB at a time, like Dovecot
 * answering from its index.
 */
async function fetchFromIndex(ctx: CommandContext, uids: number[], items: FetchItem[], since: number | undefined): Promise<void> {
  const selected = ctx.session.selected!;
  let metas = await ctx.deps.store.metas(selected.info.id, uids);
  if (since !== undefined) metas = metas.filter((m) => m.modseq > since);
  const wantsFlags = items.some((i) => i.kind === 'FLAGS');
  if (wantsFlags) await selected.announceKeywords(keywordsOf(metas), (line) => ctx.untagged(line));
  const condstore = ctx.session.condstore;
  const internalDate = items.some((i) => i.kind === 'INTERNALDATE');
  const size = items.some((i) => i.kind === 'RFC822.SIZE');
  // Items in the order asked for, after UID FLAGS MODSEQ (as renderMessage orders them).
  const tail = items.filter((i) => i.kind === 'INTERNALDATE' || i.kind === 'RFC822.SIZE').map((i) => i.kind);
  const recent = selected.recent;
  const numbering = selected.uids;
  const out = new LineBuffer();
  let j = 0;
  let last = 0;
  for (const meta of metas) {
    const uid = meta.uid;
    let seq: number;
    if (uid > last) {
      // metas come in UID order: the sequence number is found by walking forward.
      while (j < numbering.length && numbering[j] < uid) j++;
      seq = j < numbering.length && numbering[j] === uid ? j + 1 : 0;
      last = uid;
    } else seq = selected.seqOf(uid);
    if (!seq) continue;
    const flags = wantsFlags ? (meta.flagText ?? formatFlags(meta.flags)) : '';
    // Room for the line: UID, FLAGS and MODSEQ with their numbers take under 100 bytes, each INTERNALDATE
    // or RFC822.SIZE asked for under 48 (a client may repeat them), flags as UTF-8 at most 3 per character.
    out
      .begin(100 + tail.length * 48 + flags.length * 3)
      .int(seq)
      .text(' FETCH (UID ')
      .int(uid);
    if (wantsFlags) {
      selected.noteAnnouncedNumbered(uid, meta.modseq);
      out.text(' FLAGS (').text(flags);
      if (recent.size > 0 && recent.has(uid)) out.text(flags === '' ? '\\Recent' : ' \\Recent');
      out.text(')');
    }
    if (condstore) out.text(' MODSEQ (').int(meta.modseq).text(')');
    if (internalDate || size)
      for (const kind of tail) {
        if (kind === 'INTERNALDATE') out.text(' INTERNALDATE "').text(formatDateTime(meta.internalDate)).text('"');
        else out.text(' RFC822.SIZE ').int(meta.size);
      }
    out.text(')').end();
    if (out.full) await ctx.untaggedBytes(out.take());
  }
  await ctx.untaggedBytes(out.take());
}

async function renderMessage(
  ctx: CommandContext,
  meta: MessageMeta,
  view: MessageView | null,
  items: FetchItem[],
  showFlags: boolean,
  unsaved: Unsaved,
): Promise<Chunk[]> {
  const selected = ctx.session.selected!;
  const out: Chunk[] = [];
  const add = (...chunks: Chunk[]) => {
    if (out.length > 0) out.push(' ');
    out.push(...chunks);
  };
  for (const item of items) {
    switch (item.kind) {
      case 'UID':
      case 'MODSEQ':
      case 'FLAGS':
        break;
      case 'INTERNALDATE':
        add(`INTERNALDATE "${formatDateTime(meta.internalDate)}"`);
        break;
      case 'RFC822.SIZE':
        add(`RFC822.SIZE ${meta.size}`);
        break;
      case 'ENVELOPE':
        add('ENVELOPE ', await rendered(ctx, view!, 'ENVELOPE', unsaved));
        break;
      case 'BODY':
      case 'BODYSTRUCTURE':
        add(`${item.kind} `, await rendered(ctx, view!, item.kind, unsaved));
        break;
      case 'RFC822':
        add('RFC822 ', ...(await literal(ctx, view!, { range: { start: 0, end: view!.size } })));
        break;
      case 'RFC822.HEADER':
        add('RFC822.HEADER ', ...(await literal(ctx, view!, { range: view!.headerRange(await view!.structure(), true) })));
        break;
      case 'RFC822.TEXT':
        add('RFC822.TEXT ', ...(await literal(ctx, view!, { range: view!.bodyRange(await view!.structure(), true) })));
        break;
      case 'binary': {
        const decoded = await binaryContent(view!, item.part);
        const label = `BINARY[${item.part.join('.')}]${item.partial ? `<${item.partial.start}>` : ''} `;
        if (!decoded) add(label, 'NIL');
        else {
          const bytes = item.partial ? decoded.subarray(item.partial.start, item.partial.start + item.partial.length) : decoded;
          add(label, binaryLiteralHead(bytes), bytes);
        }
        break;
      }
      case 'binary-size': {
        const decoded = await binaryContent(view!, item.part);
        add(`BINARY.SIZE[${item.part.join('.')}] ${decoded ? decoded.length : 'NIL'}`);
        break;
      }
      case 'section': {
        const content = clip(await sectionContent(view!, item.section), item.partial);
        add(`BODY[${item.section.label}]${item.partial ? `<${item.partial.start}>` : ''} `, ...(await literal(ctx, view!, content)));
        break;
      }
    }
  }
  const head: string[] = [`UID ${meta.uid}`];
  if (showFlags) head.push(`FLAGS (${formatFlags(meta.flags, selected.recent.has(meta.uid))})`);
  if (ctx.session.condstore) head.push(`MODSEQ (${meta.modseq})`);
  const seq = selected.seqOf(meta.uid);
  return [`${seq} FETCH (${head.join(' ')}${out.length > 0 ? ' ' : ''}`, ...out, ')'];
}

export const fetch = defineCommand({
  name: 'FETCH',
  uid: 'also',
  states: ['selected'],
  schema: { set: sequenceSet, items: (c) => parseFetchItems(c.next('fetch attributes')), modifiers: optional(changedSince) },
  notify: (uid) => (uid ? 'all' : 'no-expunge'),
  async handle(ctx, args) {
    const { session, deps } = ctx;
    const selected = session.selected!;
    const items = args.items;
    const since = args.modifiers?.since;
    if (args.modifiers?.vanished) {
      // RFC 7162 3.2.6: VANISHED only in UID FETCH, once QRESYNC is enabled.
      if (!ctx.uid || !session.enabled.has('QRESYNC')) return { status: 'BAD', text: 'VANISHED needs UID FETCH and ENABLE QRESYNC' };
      await vanishedSince(ctx, args.set, since!);
    }
    if (since !== undefined || items.some((i) => i.kind === 'MODSEQ')) await enableCondstore(ctx);
    const uids = resolveSet(ctx, args.set);
    const setsSeen =
      !selected.readOnly && items.some((i) => ((i.kind === 'section' || i.kind === 'binary') && !i.peek) || i.kind === 'RFC822' || i.kind === 'RFC822.TEXT');
    const wantsFlags = items.some((i) => i.kind === 'FLAGS');
    const contentNeeded = needsContent(items);
    if (!contentNeeded && !setsSeen) {
      await fetchFromIndex(ctx, uids, items, since);
      return ok(bilingual('Hoan tat', 'FETCH completed'));
    }
    const unsaved: Unsaved = new Map();
    for (let i = 0; i < uids.length; i += BATCH) {
      let metas = await deps.store.metas(selected.info.id, uids.slice(i, i + BATCH));
      if (since !== undefined) metas = metas.filter((m) => m.modseq > since);
      const seenNow = new Set<number>();
      if (setsSeen) {
        const unseen = metas.filter((m) => !m.flags.includes('\\Seen')).map((m) => m.uid);
        if (unseen.length > 0) {
          const result = await deps.store.storeFlags(selected.info.id, unseen, 'add', ['\\Seen']);
          const byUid = new Map(result.changed.map((s) => [s.uid, s]));
          metas = metas.map((m) => {
            const s = byUid.get(m.uid);
            if (!s) return m;
            seenNow.add(m.uid);
            deps.events.publish({ mailboxId: selected.info.id, agencyId: selected.info.agencyId, uid: m.uid, modseq: s.modseq, kind: 'flags' });
            return { ...m, flags: s.flags, flagText: undefined, modseq: s.modseq };
          });
        }
      }
      if (wantsFlags || seenNow.size > 0)
        await selected.announceKeywords(
          metas.flatMap((m) => m.flags),
          (line) => ctx.untagged(line),
        );
      const contents = contentNeeded ? await deps.store.contents(metas.map((m) => m.messageRowId)) : null;
      // Responses are written a few hundred KiB at a time, not one write per message.
      let lines: Chunk[][] = [];
      let pending = 0;
      for (const meta of metas) {
        if (!selected.seqOf(meta.uid)) continue;
        const content = contents?.get(meta.messageRowId);
        const view = content ? new MessageView(deps.store, content, deps.headers) : null;
        if (contentNeeded && !view) continue;
        const showFlags = wantsFlags || seenNow.has(meta.uid);
        if (showFlags) selected.noteAnnounced(meta.uid, meta.modseq);
        let line: Chunk[];
        try {
          line = await renderMessage(ctx, meta, view, items, showFlags, unsaved);
        } catch (err) {
          if (!(err instanceof UnknownCte)) throw err;
          save(ctx, unsaved);
          await ctx.untaggedLines(lines);
          return no(bilingual('Kieu ma hoa khong ho tro', 'Unknown Content-Transfer-Encoding'), 'UNKNOWN-CTE');
        }
        lines.push(line);
        pending += line.reduce((n, c) => n + (typeof c === 'string' || Buffer.isBuffer(c) ? c.length : 0), 0);
        if (pending >= FLUSH_BYTES) {
          await ctx.untaggedLines(lines);
          lines = [];
          pending = 0;
        }
      }
      await ctx.untaggedLines(lines);
      save(ctx, unsaved);
    }
    return ok(bilingual('Hoan tat', 'FETCH completed'));
  },
});
