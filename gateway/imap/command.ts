// What a command module declares ({ name, states, schema, handle }) and what its handler gets. The
// dispatcher validates state and arguments centrally (imap-core's validateCommand, typed), so a
// handler only ever sees well-formed arguments in a state where the command is allowed.

import type { AgencyDirectory } from '../../config/agencies.js';
import type { Config } from '../../config/load.js';
import type { MailboxStore } from '../../storage/mailbox/store.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { MailboxEvents } from '../events.js';
import type { GatewayMetrics } from '../metrics/metrics.js';
import type { Logger } from '../../config/log.js';
import type { HeaderCache } from './fetch/header-cache.js';
import type { DecodedFieldCache } from './search/field-cache.js';
import type { Lru } from '../../storage/lru.js';
import type { FilingService } from './filing/filing.js';
import type { RecallService } from '../notify/recall.js';
import type { ArgParser, Cursor, ParseContext } from './protocol/args.js';
import type { Chunk } from './protocol/response.js';
import type { ConnectionLimits, RecentTracker } from './limits.js';
import type { ImapState, Session } from './session.js';

type CompletionStatus = 'OK' | 'NO' | 'BAD';

export interface Completion {
  status: CompletionStatus;
  code?: string;
  text: string;
}

/** After the command: which pending mailbox changes may be announced (RFC 3501 7.4.1). */
export type NotifyPolicy = 'all' | 'no-expunge' | 'none';

export interface ImapDeps {
  config: Config;
  /** agencies.yaml as in force now (reloaded without a restart). */
  agencies: AgencyDirectory;
  store: MailboxStore;
  /** Only authenticate() is used: a protocol test may log clerks in without the accounts table. */
  authenticator: Pick<Authenticator, 'authenticate'>;
  events: MailboxEvents;
  /** Only plan() is used: over a store without a register (memory), nothing is ever filed. */
  filing: Pick<FilingService, 'plan'>;
  /** The recall workflow's folders (gateway/notify/recall.ts), run after a COPY/MOVE committed. */
  recall?: Pick<RecallService, 'afterTransfer'>;
  limits: ConnectionLimits;
  recent: RecentTracker;
  log: Logger;
  now: () => Date;
  /** Top-level header blocks shared by all connections (ENVELOPE, SEARCH). */
  headers: HeaderCache;
  /** Decoded header field values shared by all connections (SEARCH). */
  fields: DecodedFieldCache;
  /** Rendered ENVELOPE / BODY / BODYSTRUCTURE by "<message id>/<item>", shared by all connections. */
  rendered: Lru<string, Buffer>;
  /** Where APPEND literals are spooled before they become blobs. */
  spoolDir: string;
  /** Counts connections and commands (gateway/metrics); absent in protocol tests. */
  metrics?: Pick<GatewayMetrics, 'imapOpened' | 'imapCommand'>;
}

export interface CommandContext {
  tag: string;
  /** Command name as dispatched (upper case, without UID). */
  name: string;
  /** Called as "UID <name>". */
  uid: boolean;
  session: Session;
  deps: ImapDeps;
  /** Sends "* <chunks>\r\n". */
  untagged(chunks: Chunk[] | string): Promise<void>;
  /** Sends several untagged responses in one write (a FETCH of thousands of messages). */
  untaggedLines(lines: Chunk[][]): Promise<void>;
  /** Sends untagged responses already formatted as whole lines (protocol/line-buffer.ts). */
  untaggedBytes(buffers: Buffer[]): Promise<void>;
  /** Sends "+ <text>\r\n". */
  continuation(text: string): Promise<void>;
  /** Reads one raw line from the client (IDLE's DONE, an AUTHENTICATE response); null on close. */
  readLine(): Promise<Buffer | null>;
  /** Upgrades the connection to TLS after the tagged OK was sent. */
  startTls(): Promise<void>;
  /** Announces pending mailbox changes now (NOOP, IDLE). */
  notify(policy: NotifyPolicy): Promise<void>;
}

export interface CommandDefinition<A> {
  name: string;
  /** Also callable as "UID <name>" (FETCH, STORE, SEARCH, COPY, MOVE, EXPUNGE). */
  uid?: 'also' | 'only';
  states: ImapState[];
  schema: { [K in keyof A]: ArgParser<A[K]> };
  notify?: NotifyPolicy | ((uid: boolean) => NotifyPolicy);
  handle(ctx: CommandContext, args: A): Promise<Completion>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommand = CommandDefinition<any>;

export function defineCommand<A>(definition: CommandDefinition<A>): AnyCommand {
  return definition;
}

/** Parses the remaining tokens with the schema; extra arguments are an error. */
export function parseArguments(definition: AnyCommand, cursor: Cursor, ctx: ParseContext): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [name, parser] of Object.entries(definition.schema as Record<string, ArgParser<unknown>>)) {
    args[name] = parser(cursor, ctx);
  }
  return args;
}

/** Wraps a parser for a trailing optional argument. */
export function optional<T>(parser: ArgParser<T>): ArgParser<T | undefined> {
  return (c, ctx) => (c.atEnd() ? undefined : parser(c, ctx));
}

export const ok = (text: string, code?: string): Completion => ({ status: 'OK', text, ...(code ? { code } : {}) });
export const no = (text: string, code?: string): Completion => ({ status: 'NO', text, ...(code ? { code } : {}) });
export const bad = (text: string, code?: string): Completion => ({ status: 'BAD', text, ...(code ? { code } : {}) });

/** "Vietnamese without diacritics / English", as every docgate reply. */
export function bilingual(vi: string, en: string): string {
  return `${vi} / ${en}`;
}
