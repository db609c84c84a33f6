// CAPABILITY, NOOP, LOGOUT, CHECK, STARTTLS, ID (RFC 2971), NAMESPACE (RFC 2342), ENABLE (RFC 5161).

import { bilingual, defineCommand, no, ok, bad } from '../command.js';
import { capabilityList } from '../capabilities.js';
import { Cursor } from '../protocol/args.js';
import { BadCommand } from '../protocol/tokens.js';

const ANY = ['not-authenticated', 'authenticated', 'selected'] as const;
const AUTHED = ['authenticated', 'selected'] as const;

export const capability = defineCommand({
  name: 'CAPABILITY',
  states: [...ANY],
  schema: {},
  async handle(ctx) {
    await ctx.untagged(`CAPABILITY ${capabilityList(ctx.session, ctx.deps.config).join(' ')}`);
    return ok('CAPABILITY completed');
  },
});

export const noop = defineCommand({
  name: 'NOOP',
  states: [...ANY],
  schema: {},
  async handle() {
    return ok('NOOP completed');
  },
});

export const check = defineCommand({
  name: 'CHECK',
  states: ['selected'],
  schema: {},
  async handle() {
    // Every write is already durable when its command completes: nothing to checkpoint.
    return ok('CHECK completed');
  },
});

export const logout = defineCommand({
  name: 'LOGOUT',
  states: [...ANY],
  schema: {},
  notify: 'none',
  async handle(ctx) {
    await ctx.untagged(`BYE ${bilingual('Tam biet', 'Logging out')}`);
    ctx.session.logout();
    return ok('LOGOUT completed');
  },
});

export const starttls = defineCommand({
  name: 'STARTTLS',
  states: ['not-authenticated'],
  schema: {},
  async handle(ctx) {
    if (ctx.session.secure) return bad(bilingual('Ket noi da duoc ma hoa', 'TLS is already active'));
    if (!ctx.session.starttlsAvailable) return bad(bilingual('Cong nay khong ho tro STARTTLS', 'STARTTLS is not offered on this port'));
    await ctx.startTls();
    return ok(bilingual('Bat dau TLS', 'Begin TLS negotiation now'));
  },
});

const ID_FIELDS = /^[\x20-\x7e]{1,30}$/;

export const id = defineCommand({
  name: 'ID',
  states: [...ANY],
  schema: {
    params: (c: Cursor) => {
      const t = c.next('ID parameters');
      if (t.type === 'atom' && t.value.toUpperCase() === 'NIL') return null;
      if (t.type !== 'list' || t.items.length % 2 !== 0 || t.items.length > 60) throw new BadCommand('ID takes NIL or a list of field/value pairs');
      const out: Record<string, string | null> = {};
      for (let i = 0; i < t.items.length; i += 2) {
        const key = t.items[i];
        const value = t.items[i + 1];
        if (key.type !== 'string' || !ID_FIELDS.test(key.value)) throw new BadCommand('ID field names are strings of at most 30 characters');
        if (value.type === 'atom' && value.value.toUpperCase() === 'NIL') out[key.value] = null;
        else if (value.type === 'string' && value.value.length <= 1024) out[key.value] = value.value;
        else throw new BadCommand('ID values are strings of at most 1024 octets or NIL');
      }
      return out;
    },
  },
  async handle(ctx, args) {
    if (args.params) ctx.deps.log.debug('imap client id', { id: args.params });
    await ctx.untagged('ID ("name" "docgate" "vendor" "docgate" "support-url" NIL)');
    return ok('ID completed');
  },
});

export const namespace = defineCommand({
  name: 'NAMESPACE',
  states: [...AUTHED],
  schema: {},
  async handle(ctx) {
    // One personal namespace: the agency's folders. No other users' or shared namespaces.
    await ctx.untagged('NAMESPACE (("" "/")) NIL NIL');
    return ok('NAMESPACE completed');
  },
});

const ENABLEABLE = new Set(['CONDSTORE', 'QRESYNC', 'UTF8=ACCEPT']);

export const enable = defineCommand({
  name: 'ENABLE',
  states: [...AUTHED],
  schema: {
    capabilities: (c: Cursor) => {
      const out: string[] = [];
      if (c.atEnd()) throw new BadCommand('ENABLE needs at least one capability');
      while (!c.atEnd()) {
        const t = c.next('capability');
        if (t.type !== 'atom' || t.section) throw new BadCommand('Capabilities are atoms');
        out.push(t.value.toUpperCase());
      }
      return out;
    },
  },
  async handle(ctx, args) {
    if (ctx.session.state === 'selected' && args.capabilities.includes('UTF8=ACCEPT')) {
      return no(bilingual('Bat UTF8=ACCEPT truoc khi chon thu muc', 'Enable UTF8=ACCEPT before selecting a mailbox'));
    }
    const enabled = args.capabilities.filter((cap) => ENABLEABLE.has(cap) && !ctx.session.enabled.has(cap));
    for (const cap of enabled) ctx.session.enabled.add(cap);
    // RFC 7162 3.2.3: QRESYNC implies CONDSTORE.
    if (ctx.session.enabled.has('QRESYNC')) {
      ctx.session.enabled.add('CONDSTORE');
      if (ctx.session.selected) ctx.session.selected.vanished = true;
    }
    if (ctx.session.enabled.has('CONDSTORE')) ctx.session.condstore = true;
    await ctx.untagged(`ENABLED${enabled.map((c) => ` ${c}`).join('')}`);
    return ok('ENABLE completed');
  },
});
