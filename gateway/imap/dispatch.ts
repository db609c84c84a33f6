// Central command validation and execution: tag, name, UID prefix, state, arguments by the command's
// schema, then the handler; its completion becomes the tagged response, preceded by whatever mailbox
// changes the command may announce. Bad input is BAD, refusals are NO, nothing escapes as a crash.

import { unlink } from 'node:fs/promises';
import { MailboxStoreError } from '../../storage/mailbox/store.js';
import { refusal } from './store-errors.js';
import type { Logger } from '../../config/log.js';
import { bilingual, parseArguments, type AnyCommand, type CommandContext, type Completion, type ImapDeps, type NotifyPolicy } from './command.js';
import { COMMANDS } from './commands/index.js';
import type { Chunk } from './protocol/response.js';
import type { Session } from './session.js';
import { Cursor } from './protocol/args.js';
import type { Frame, Literal } from './protocol/framer.js';
import { BadCommand, tokenize } from './protocol/tokens.js';

const TAG = /^[\x21-\x7e]{1,64}$/;
/** Commands after which the mailbox is checked even without a change event (other processes). */
const FORCED_SYNC = new Set(['NOOP', 'CHECK', 'IDLE']);
const REGISTRY = new Map<string, AnyCommand>(COMMANDS.map((c) => [c.name, c]));

function completionLine(tag: string, c: Completion): string {
  const text = c.text.replace(/[^\x20-\x7e]/g, '?');
  return `${tag} ${c.status}${c.code ? ` [${c.code}]` : ''} ${text}`;
}

/** What the dispatcher needs of its connection (implemented by ImapConnection). */
export interface DispatchConnection {
  readonly session: Session;
  readonly closed: boolean;
  write(chunks: Chunk[]): Promise<void>;
  writeRaw(buffers: Buffer[]): Promise<void>;
  readLine(): Promise<Buffer | null>;
  upgradeToTls(): Promise<void>;
  close(): void;
}

/**
 * Untagged lines as few chunks as possible: the text between byte chunks and literal streams becomes one
 * string, so a FETCH of thousands of messages is encoded and written a few times, not per message.
 */
function joinLines(lines: Chunk[][]): Chunk[] {
  const out: Chunk[] = [];
  let text = '';
  for (let i = 0; i < lines.length; i++) {
    text += i > 0 ? '\r\n* ' : '* ';
    for (const chunk of lines[i]) {
      if (typeof chunk === 'string') text += chunk;
      else {
        if (text) out.push(text);
        text = '';
        out.push(chunk);
      }
    }
  }
  if (text) out.push(text);
  return out;
}

export class Dispatcher {
  constructor(
    private readonly conn: DispatchConnection,
    private readonly deps: ImapDeps,
    private readonly log: Logger,
  ) {}

  async dispatch(frame: Frame): Promise<void> {
    if (frame.kind === 'refused') return this.refused(frame);
    if (frame.kind === 'line') {
      await this.conn.write([`* BAD ${bilingual('Dong lenh khong hop le', 'Unexpected line')}`]);
      return;
    }
    const files = frame.parts.flatMap((p) => (!Buffer.isBuffer(p) && p.kind === 'file' ? [p.file.path] : []));
    try {
      await this.command(frame.parts);
    } finally {
      // APPEND adopted its file into the blob store; anything else left behind is dropped.
      for (const file of files) await unlink(file).catch(() => undefined);
    }
  }

  private async refused(frame: Extract<Frame, { kind: 'refused' }>): Promise<void> {
    const tag = frame.tag && TAG.test(frame.tag) && !frame.tag.includes('+') ? frame.tag : '*';
    const text =
      frame.reason === 'line-too-long'
        ? bilingual('Dong lenh qua dai', 'Command line too long')
        : bilingual('Du lieu literal vuot gioi han', 'Literal exceeds the size limit');
    if (frame.fatal) {
      await this.conn.write([`* BYE [TOOBIG] ${text}`]).catch(() => undefined);
      this.conn.close();
      return;
    }
    await this.conn.write([`${tag} BAD [TOOBIG] ${text}`]);
  }

  private async command(parts: (Buffer | Literal)[]): Promise<void> {
    const session = this.conn.session;
    // A command that does not even tokenize still gets its tag back when the tag itself is readable.
    const head = Buffer.isBuffer(parts[0]) ? parts[0].subarray(0, 80).toString('latin1') : '';
    let tag = /^([\x21-\x7e]{1,64}) /.exec(head)?.[1] ?? '*';
    if (/[(){%*"\\+\]]/.test(tag)) tag = '*';
    try {
      const tokens = tokenize(parts);
      const first = tokens[0];
      if (first?.type !== 'atom' || first.section || !TAG.test(first.value) || first.value.includes('+')) throw new BadCommand('Invalid tag');
      tag = first.value;
      const cursor = new Cursor(tokens.slice(1));
      let name = cursor.peekAtom();
      if (!name) throw new BadCommand('Missing command');
      cursor.next('command');
      let uid = false;
      if (name === 'UID') {
        uid = true;
        name = cursor.peekAtom();
        if (!name) throw new BadCommand('Missing command after UID');
        cursor.next('command');
      }
      const definition = REGISTRY.get(name);
      if (!definition || (uid && !definition.uid) || (!uid && definition.uid === 'only')) {
        throw new BadCommand(bilingual('Lenh khong duoc ho tro', `Unknown command ${uid ? 'UID ' : ''}${name.slice(0, 40)}`));
      }
      if (session.state === 'not-authenticated') {
        session.unauthenticatedCommands++;
        if (session.unauthenticatedCommands > this.deps.config.docgate.imap.maxUnauthenticatedCommands) {
          await this.conn.write([`* BYE ${bilingual('Qua nhieu lenh truoc khi dang nhap', 'Too many commands before login')}`]);
          this.conn.close();
          return;
        }
      }
      this.deps.metrics?.imapCommand(uid ? `UID ${definition.name}` : definition.name);
      if (!definition.states.includes(session.state)) {
        throw new BadCommand(bilingual('Lenh khong hop le o trang thai nay', `${name} is not allowed in this state`));
      }
      const args = parseArguments(definition, cursor, { utf8: session.utf8 });
      if (!cursor.atEnd()) throw new BadCommand(bilingual('Thua tham so', 'Unexpected extra arguments'));
      let tls = false;
      const ctx: CommandContext = {
        tag,
        name,
        uid,
        session,
        deps: this.deps,
        untagged: (chunks) => this.conn.write(typeof chunks === 'string' ? [`* ${chunks}`] : ['* ', ...chunks]),
        untaggedLines: (lines) => (lines.length === 0 ? Promise.resolve() : this.conn.write(joinLines(lines))),
        untaggedBytes: (buffers) => (buffers.length === 0 ? Promise.resolve() : this.conn.writeRaw(buffers)),
        continuation: (text) => this.conn.write([`+ ${text}`]),
        readLine: () => this.conn.readLine(),
        startTls: async () => {
          tls = true;
        },
        notify: (policy) => this.notify(policy),
      };
      const completion = await this.run(definition, ctx, args);
      const policy = typeof definition.notify === 'function' ? definition.notify(uid) : (definition.notify ?? 'all');
      if (completion.status !== 'BAD') await this.notify(policy, FORCED_SYNC.has(name)).catch((err) => this.log.warn('imap notify failed', { err }));
      await this.conn.write([completionLine(tag, completion)]);
      if (tls) await this.conn.upgradeToTls();
      if (session.state === 'logout') this.conn.close();
    } catch (err) {
      if (err instanceof BadCommand) {
        await this.conn.write([completionLine(tag, { status: err.status, code: err.code ?? undefined, text: err.message })]);
        return;
      }
      throw err;
    }
  }

  private async run(definition: AnyCommand, ctx: CommandContext, args: Record<string, unknown>): Promise<Completion> {
    try {
      return await definition.handle(ctx, args);
    } catch (err) {
      if (err instanceof BadCommand) throw err;
      if (err instanceof MailboxStoreError) return refusal(err.code);
      if (this.conn.closed) throw err;
      this.log.error('imap command failed', { command: definition.name, err });
      return { status: 'NO', code: 'SERVERBUG', text: bilingual('Loi may chu, vui long thu lai', 'Internal server error, try again') };
    }
  }

  /** Announces pending changes of the selected mailbox. */
  async notify(policy: NotifyPolicy, force = true): Promise<void> {
    const session = this.conn.session;
    const selected = session.selected;
    if (policy === 'none' || !selected || session.state !== 'selected') return;
    if (!force && !selected.needsSync()) return;
    await selected.sync(this.deps.store, this.deps.recent, (line) => this.conn.write([`* ${line}`]), {
      expunge: policy === 'all',
      condstore: session.condstore,
    });
  }
}
