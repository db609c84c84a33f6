// CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE. The agency's special folders cannot be deleted or
// renamed; names are NFC, '/'-separated, with no empty, '.' or '..' level and no wildcard characters.

import { FOLDERS } from '../../../storage/mailbox/folders.js';
import { bilingual, defineCommand, no, ok } from '../command.js';
import { mailbox } from '../protocol/args.js';
import { refusal } from '../store-errors.js';

const MAX_NAME_BYTES = 500;

/** Why a new mailbox name is refused, in ASCII Vietnamese then English, or null when it is fine. */
function invalidName(name: string): { vi: string; en: string } | null {
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) return { vi: 'Ten thu muc qua dai', en: 'Mailbox name too long' };
  if (/[%*\x00-\x1f\x7f]/.test(name))
    return { vi: 'Ten thu muc chua ky tu dai dien hoac ky tu dieu khien', en: 'Mailbox names may not contain wildcards or control characters' };
  const levels = name.split('/');
  if (levels.some((level) => level.length === 0 || level !== level.trim())) return { vi: 'Ten thu muc co cap rong', en: 'Mailbox name has an empty level' };
  // "." and ".." read as path steps by clients, exports and any file-backed store: never a level name.
  if (levels.some((level) => level === '.' || level === '..'))
    return { vi: "Ten thu muc khong duoc chua cap '.' hoac '..'", en: "Mailbox name may not contain '.' or '..' levels" };
  return null;
}

export const create = defineCommand({
  name: 'CREATE',
  states: ['authenticated', 'selected'],
  schema: { mailbox },
  async handle(ctx, args) {
    // A trailing delimiter only says the client means to create children (RFC 3501 6.3.3).
    const name = args.mailbox.replace(/\/$/, '');
    const problem = invalidName(name);
    if (problem) return no(bilingual(`Ten thu muc khong hop le: ${problem.vi}`, problem.en), 'CANNOT');
    if (name === FOLDERS.inbox.name) return refusal('mailbox-exists');
    const agencyId = ctx.session.user!.agencyId;
    // Missing parents are created too, so LIST always shows a selectable hierarchy.
    const levels = name.split('/');
    for (let i = 1; i < levels.length; i++) {
      const parent = levels.slice(0, i).join('/');
      if (!(await ctx.deps.store.get(agencyId, parent))) await ctx.deps.store.create(agencyId, parent, ctx.deps.now());
    }
    await ctx.deps.store.create(agencyId, name, ctx.deps.now());
    return ok('CREATE completed');
  },
});

export const del = defineCommand({
  name: 'DELETE',
  states: ['authenticated', 'selected'],
  schema: { mailbox },
  async handle(ctx, args) {
    if (ctx.session.selected?.info.name === args.mailbox) ctx.session.deselect();
    await ctx.deps.store.delete(ctx.session.user!.agencyId, args.mailbox);
    return ok('DELETE completed');
  },
});

export const rename = defineCommand({
  name: 'RENAME',
  states: ['authenticated', 'selected'],
  schema: { from: mailbox, to: mailbox },
  async handle(ctx, args) {
    const problem = invalidName(args.to);
    if (problem) return no(bilingual(`Ten thu muc khong hop le: ${problem.vi}`, problem.en), 'CANNOT');
    if (args.from === FOLDERS.inbox.name) return no(bilingual('Khong the doi ten INBOX', 'INBOX cannot be renamed here'), 'CANNOT');
    await ctx.deps.store.rename(ctx.session.user!.agencyId, args.from, args.to);
    return ok('RENAME completed');
  },
});

export const subscribe = defineCommand({
  name: 'SUBSCRIBE',
  states: ['authenticated', 'selected'],
  schema: { mailbox },
  async handle(ctx, args) {
    await ctx.deps.store.setSubscribed(ctx.session.user!.agencyId, args.mailbox, true);
    return ok('SUBSCRIBE completed');
  },
});

export const unsubscribe = defineCommand({
  name: 'UNSUBSCRIBE',
  states: ['authenticated', 'selected'],
  schema: { mailbox },
  async handle(ctx, args) {
    await ctx.deps.store.setSubscribed(ctx.session.user!.agencyId, args.mailbox, false);
    return ok('UNSUBSCRIBE completed');
  },
});
