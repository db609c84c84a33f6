// LIST-EXTENDED (RFC 5258) and LIST-STATUS (RFC 5819): "LIST (selection) ref (patterns) RETURN (...)".
// A LIST with none of the extended syntax keeps the RFC 3501 path in list.ts untouched.

import type { MailboxInfo } from '../../../storage/mailbox/store.js';
import { ok, type CommandContext, type Completion } from '../command.js';
import { Cursor, type ParseContext } from '../protocol/args.js';
import { mailboxValue } from '../protocol/response.js';
import { BadCommand } from '../protocol/tokens.js';
import { fullPattern, listPattern, mailboxMatcher, reference } from './list-pattern.js';
import { statusItems, statusValues } from './status.js';

// Bounds on what one client command can ask for.
const MAX_PATTERNS = 32;

export interface ListRequest {
  extended: boolean;
  subscribedOnly: boolean;
  recursive: boolean;
  reference: string;
  /** null: a pattern that is not modified UTF-7, which matches no mailbox. */
  patterns: (string | null)[];
  returnSubscribed: boolean;
  returnChildren: boolean;
  returnSpecialUse: boolean;
  status: string[] | null;
}

function atomsOf(t: import('../protocol/tokens.js').Token, what: string): string[] {
  if (t.type !== 'list') throw new BadCommand(`Expected ${what}`);
  return t.items.map((i) => (i.type === 'atom' && !i.section ? i.value.toUpperCase() : ''));
}

export function parseListRequest(c: Cursor, ctx: ParseContext): ListRequest {
  const req: ListRequest = {
    extended: false,
    subscribedOnly: false,
    recursive: false,
    reference: '',
    patterns: [],
    returnSubscribed: false,
    returnChildren: false,
    returnSpecialUse: false,
    status: null,
  };
  if (c.peek()?.type === 'list') {
    req.extended = true;
    let selective = false;
    for (const opt of atomsOf(c.next('selection options'), 'selection options')) {
      if (opt === 'SUBSCRIBED') req.subscribedOnly = req.returnSubscribed = selective = true;
      else if (opt === 'RECURSIVEMATCH') req.recursive = true;
      else if (opt === 'REMOTE')
        continue; // no remote mailboxes here
      else if (opt === 'SPECIAL-USE') selective = true;
      else throw new BadCommand('Unknown LIST selection option');
    }
    // RFC 5258 3.1: RECURSIVEMATCH alone (or with only REMOTE) is an error.
    if (req.recursive && !selective) throw new BadCommand('RECURSIVEMATCH needs another selection option');
  }
  req.reference = reference(c, ctx);
  const p = c.peek();
  if (p?.type === 'list') {
    req.extended = true;
    c.next('patterns');
    if (p.items.length === 0 || p.items.length > MAX_PATTERNS) throw new BadCommand('Expected 1 to 32 mailbox patterns');
    const inner = new Cursor(p.items);
    while (!inner.atEnd()) req.patterns.push(listPattern(inner, ctx));
  } else req.patterns.push(listPattern(c, ctx));
  if (c.peekAtom() === 'RETURN') {
    req.extended = true;
    c.next('RETURN');
    const t = c.next('return options');
    if (t.type !== 'list') throw new BadCommand('Expected return options');
    const inner = new Cursor(t.items);
    while (!inner.atEnd()) {
      const opt = inner.peekAtom();
      inner.next('return option');
      if (opt === 'SUBSCRIBED') req.returnSubscribed = true;
      else if (opt === 'CHILDREN') req.returnChildren = true;
      else if (opt === 'SPECIAL-USE') req.returnSpecialUse = true;
      else if (opt === 'STATUS' && req.status === null) req.status = statusItems(inner);
      else throw new BadCommand('Unknown LIST return option');
    }
  }
  return req;
}

interface Candidate {
  name: string;
  info: MailboxInfo | null;
  subscribed: boolean;
  /** Known only from a subscription (the name, or a level above it, has no mailbox): SUBSCRIBED selection only. */
  ghost: boolean;
}

export async function listExtended(ctx: CommandContext, req: ListRequest): Promise<Completion> {
  const agencyId = ctx.session.user!.agencyId;
  const all = await ctx.deps.store.list(agencyId);
  const subscriptions = new Set(req.subscribedOnly || req.returnSubscribed ? await ctx.deps.store.subscriptions(agencyId) : []);
  const candidates: Candidate[] = all.map((info) => ({ name: info.name, info, subscribed: subscriptions.has(info.name), ghost: false }));
  const known = new Set(candidates.map((c) => c.name));
  const add = (name: string, ghost: boolean) => {
    if (known.has(name)) return;
    known.add(name);
    candidates.push({ name, info: null, subscribed: subscriptions.has(name), ghost });
  };
  // Levels that exist only as parents: \NonExistent (RFC 5258 3.4).
  const addParents = (name: string, ghost: boolean) => {
    const levels = name.split('/');
    for (let i = 1; i < levels.length; i++) add(levels.slice(0, i).join('/'), ghost);
  };
  for (const m of all) addParents(m.name, false);
  // Subscribed names without a mailbox (deleted after SUBSCRIBE): \NonExistent \Subscribed (RFC 5258 3.4).
  if (req.subscribedOnly) {
    for (const name of subscriptions) {
      add(name, true);
      addParents(name, true);
    }
  }
  const matchers = req.patterns.filter((p): p is string => p !== null).map((pattern) => mailboxMatcher(fullPattern(req.reference, pattern)));
  const matches = (name: string) => matchers.some((m) => m(name));
  const selected = (c: Candidate) => (req.subscribedOnly ? c.subscribed : !c.ghost);
  for (const c of candidates) {
    if (!matches(c.name)) continue;
    const descendants = candidates.filter((d) => d.name.startsWith(`${c.name}/`));
    // RFC 5258 3.5: CHILDINFO when a descendant meets the selection but is not listed itself.
    const childInfo = req.recursive && req.subscribedOnly && descendants.some((d) => selected(d) && !matches(d.name));
    if (!selected(c) && !childInfo) continue;
    const attributes: string[] = [];
    if (!c.info) attributes.push('\\NonExistent');
    if (req.returnChildren || !req.subscribedOnly) {
      attributes.push(descendants.some((d) => d.info) ? '\\HasChildren' : '\\HasNoChildren');
    }
    if (c.info?.specialUse) attributes.push(c.info.specialUse);
    if (req.returnSubscribed && c.subscribed) attributes.push('\\Subscribed');
    const extra = childInfo ? ' (CHILDINFO ("SUBSCRIBED"))' : '';
    await ctx.untagged([`LIST (${attributes.join(' ')}) "/" `, ...mailboxValue(c.name, ctx.session.utf8), extra]);
    // RFC 5819: STATUS for each selectable listed mailbox, right after its LIST line.
    if (req.status && c.info) {
      const values = await statusValues(ctx, c.info, req.status);
      await ctx.untagged(['STATUS ', ...mailboxValue(c.name, ctx.session.utf8), ` (${values.join(' ')})`]);
    }
  }
  return ok('LIST completed');
}
