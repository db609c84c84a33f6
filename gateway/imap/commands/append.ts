// APPEND (RFC 3501 6.3.11) with MULTIAPPEND (RFC 3502: several messages, all or none), UIDPLUS's APPENDUID, UTF8=ACCEPT's "UTF8 (literal8)" form and
// APPENDLIMIT. The literal arrives in a spool file (or memory when small), becomes a blob exactly as
// sent (a literal8 carrying NUL is converted first, append-binary.ts) but for forged X-Docgate-* fields,
// renamed, and recorded as a client copy (append-policy.ts); its MIME structure is computed once and stored for FETCH.

import { parseMimeFile, structureOf } from '../../../policies/mime/parser.js';
import { readHeaderBlock } from '../../intake/header-block.js';
import { readFile, rm, unlink } from 'node:fs/promises';
import { spoolBuffer } from '../../../storage/mailbox/spool-file.js';
import { convertBinaryMessage } from './append-binary.js';
import { appendRefusal, CLIENT_APPEND_ORIGIN, neutraliseAppended } from './append-policy.js';
import { existingSentCopy, flagSentCopy } from './append-sent-copy.js';
import { bilingual, defineCommand, no, ok } from '../command.js';
import { fileSource, renderUnstored } from '../fetch/rendering.js';
import { dateTime, flag, mailbox, type Cursor } from '../protocol/args.js';
import type { Literal } from '../protocol/framer.js';
import { BadCommand } from '../protocol/tokens.js';
import { compressSet } from '../search/esearch.js';
import type { AppendInput } from '../../../storage/mailbox/store.js';
import { refusal } from '../store-errors.js';

interface AppendArgs {
  flags: string[];
  date: Date | null;
  literal: Literal;
}

/** One or more messages (MULTIAPPEND); the framer bounds how many literals one APPEND carries. */
function appendMessages(c: Cursor): AppendArgs[] {
  const out: AppendArgs[] = [];
  do out.push(appendRest(c));
  while (!c.atEnd());
  return out;
}

function appendRest(c: Cursor): AppendArgs {
  let flags: string[] = [];
  let date: Date | null = null;
  let t = c.next('message literal');
  if (t.type === 'list') {
    flags = t.items.map((item) => {
      if (item.type !== 'atom' || item.section) throw new BadCommand('Flags are atoms');
      const f = flag(item.value);
      return f;
    });
    t = c.next('message literal');
  }
  if (t.type === 'string' && !t.literal) {
    date = dateTime(t.value);
    t = c.next('message literal');
  }
  if (t.type === 'atom' && t.value.toUpperCase() === 'UTF8') {
    const inner = c.next('UTF8 literal');
    if (inner.type !== 'list' || inner.items.length !== 1) throw new BadCommand('Expected UTF8 (literal8)');
    t = inner.items[0];
  }
  if (t.type !== 'string' || !t.literal) throw new BadCommand('The message must be a literal');
  return { flags, date, literal: t.literal };
}

export const append = defineCommand({
  name: 'APPEND',
  states: ['authenticated', 'selected'],
  schema: { mailbox, messages: appendMessages },
  async handle(ctx, args) {
    const { store, events, config } = ctx.deps;
    const target = await store.get(ctx.session.user!.agencyId, args.mailbox);
    if (!target) return refusal('no-such-mailbox', 'TRYCREATE');
    const folderRefusal = appendRefusal(target.name);
    if (folderRefusal) return no(bilingual(folderRefusal.vi, folderRefusal.en), 'CANNOT');
    // Every message is checked before any is stored: MULTIAPPEND is all or nothing.
    for (const message of args.messages) {
      const literal = message.literal;
      const size = literal.kind === 'file' ? literal.file.size : literal.data.length;
      if (size === 0) return no(bilingual('Thu rong', 'Empty message'), 'CANNOT');
      if (size > config.docgate.imap.maxAppendSize) return no(bilingual('Thu qua lon', 'Message too large'), 'TOOBIG');
    }
    // A literal8 with NUL (RFC 3516 4.4) is converted to base64 parts before anything is stored.
    const mime = { maxDepth: config.docgate.mime.maxDepth, maxParts: config.docgate.mime.maxParts };
    const converted: (Buffer | null)[] = [];
    for (const message of args.messages) {
      const literal = message.literal;
      if (!(literal.binary && literal.nul)) {
        converted.push(null);
        continue;
      }
      const data = await convertBinaryMessage(literal.kind === 'file' ? await readFile(literal.file.path) : literal.data, mime);
      if (!data) return no(bilingual('Khong the chuyen doi thu nhi phan', 'NUL outside a MIME part body cannot be stored'), 'CANNOT');
      if (data.length > config.docgate.imap.maxAppendSize) return no(bilingual('Thu qua lon', 'Message too large'), 'TOOBIG');
      converted.push(data);
    }
    const inputs: AppendInput[] = [];
    let sentCopy: number | null = null;
    for (const [i, message] of args.messages.entries()) {
      const literal = message.literal;
      const data = converted[i];
      const spooled = data
        ? await spoolBuffer(ctx.deps.spoolDir, 'imap-append', data)
        : literal.kind === 'file'
          ? literal.file
          : await spoolBuffer(ctx.deps.spoolDir, 'imap-append', literal.data);
      let parsed = await parseMimeFile(spooled.path, { decode: false, ...mime });
      // Forged X-Docgate-* fields are renamed as at SMTP intake; the offsets then move: parse again.
      const file = await neutraliseAppended(spooled, parsed.root.bodyStart, ctx.deps.spoolDir);
      if (file !== spooled) {
        if (spooled !== (literal.kind === 'file' ? literal.file : null)) await unlink(spooled.path).catch(() => undefined);
        parsed = await parseMimeFile(file.path, { decode: false, ...mime });
      }
      if (args.messages.length === 1) sentCopy = await existingSentCopy(store, target, parsed.root);
      const structure = structureOf(parsed.root);
      const header = await readHeaderBlock(file.path, parsed.root.bodyStart);
      // ENVELOPE / BODYSTRUCTURE rendered now, stored with the message: FETCH serves the stored bytes.
      const content = { prefix: Buffer.alloc(0), blobSha256: file.sha256, size: file.size, structure, header };
      inputs.push({
        mailboxId: target.id,
        tempPath: file.path,
        sha256: file.sha256,
        size: file.size,
        structure,
        header,
        rendered: await renderUnstored(fileSource(file.path), content),
        origin: CLIENT_APPEND_ORIGIN,
        flags: message.flags,
        internalDate: message.date ?? ctx.deps.now(),
      });
    }
    // A mail client's copy of a document docgate already filed in "Văn bản đi": answer with that one.
    if (sentCopy !== null) {
      // The spooled literal would otherwise be adopted as a blob; here it is not needed.
      await rm(inputs[0].tempPath, { force: true });
      await flagSentCopy(store, events, target, sentCopy, args.messages[0].flags);
      return ok('APPEND completed', `APPENDUID ${target.uidValidity} ${sentCopy}`);
    }
    if (inputs.length === 1) {
      const result = await store.append(inputs[0]);
      events.publish({ mailboxId: target.id, agencyId: target.agencyId, uid: result.uid, modseq: result.modseq, kind: 'exists' });
      return ok('APPEND completed', `APPENDUID ${result.uidValidity} ${result.uid}`);
    }
    const result = await store.appendMany(inputs);
    for (const uid of result.uids) events.publish({ mailboxId: target.id, agencyId: target.agencyId, uid, modseq: result.modseq, kind: 'exists' });
    return ok('APPEND completed', `APPENDUID ${result.uidValidity} ${compressSet(result.uids)}`);
  },
});
