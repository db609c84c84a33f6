// CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE. The agency's special folders cannot be deleted or
// renamed; names are NFC, '/'-separated, with no empty level and no wildcard characters.

import { FOLDERS } from '../../../storage/mailbox/folders.js';
import { bilingual, defineCommand, no, ok } from '../command.js';
import { mailbox } from '../protocol/args.js';
import { refusal } from '../store-errors.js';

const MAX_NAME_BYTES = 500;

function invalidName(name: string): string | null {
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) return 'Mailbox name too long';
  if (/[%*\x00-\x1f\x7f]/.test(name)) return 'Mailbox names may not contain wildcards or control characters';
  if (name.split('/').some((level) => level.length === 0 || level !== level.trim())) return 'Mailbox name has an empty level';
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
    if (problem) return no(bilingual('Ten thu muc khong hop le', problem), 'CANNOT');
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
    if (problem) return no(bilingual('Ten thu muc khong hop le', problem), 'CANNOT');
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
