// The IMAP server on the in-memory MailboxStore, with no SMTP listener and no database: imapflow and
// a raw wire client drive folders, APPEND, FETCH, STORE, SEARCH, COPY/MOVE and EXPUNGE, and the
// refusals storage signals by code reach the wire as the bilingual ASCII texts of gateway/imap/store-errors.ts.

import { AgencyDirectory } from '../../config/agencies.js';
import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { loadConfig } from '../../config/load.js';
import { silentLogger } from '../../config/log.js';
import type { AuthResult } from '../../gateway/auth/authenticator.js';
import { MailboxEvents } from '../../gateway/events.js';
import type { ImapDeps } from '../../gateway/imap/command.js';
import { HeaderCache } from '../../gateway/imap/fetch/header-cache.js';
import { ConnectionLimits, RecentTracker } from '../../gateway/imap/limits.js';
import { DecodedFieldCache } from '../../gateway/imap/search/field-cache.js';
import { startImapListener, type RunningImapListener } from '../../gateway/imap/server.js';
import { makeSelfSignedCertificate } from '../../gateway/tls.js';
import { Lru } from '../../storage/lru.js';
import { FOLDERS } from '../../storage/mailbox/folders.js';
import { MemoryMailboxStore } from '../../storage/mailbox/memory-store.js';
import { AGENCIES, createTestEnv, type TestEnv } from '../helpers/env.js';
import { ImapWire } from '../helpers/imap-wire.js';

const USER = AGENCIES.snv.address;
const PASSWORD = 'Mat-khau-bo-nho-2026';

/** One clerk, checked by password; the accounts table and its lockout are the SQL-backed tests' business. */
const authenticator = {
  async authenticate(username: string, password: string): Promise<AuthResult> {
    if (username.toLowerCase() !== USER || password !== PASSWORD) return { ok: false, failure: 'invalid' };
    const at = new Date();
    return {
      ok: true,
      account: {
        id: 1,
        email: USER,
        agencyId: AGENCIES.snv.id,
        passwordHash: '',
        mustChangePassword: false,
        disabled: false,
        role: 'clerk',
        removedAt: null,
        passwordChangedAt: null,
        createdAt: at,
        updatedAt: at,
      },
    };
  },
};

describe('IMAP on the in-memory mailbox store (no SMTP, no SQLite)', function () {
  this.timeout(60_000);
  let env: TestEnv;
  let store: MemoryMailboxStore;
  let listener: RunningImapListener;

  const client = () =>
    new ImapFlow({
      host: '127.0.0.1',
      port: listener.port,
      secure: true,
      tls: { rejectUnauthorized: false },
      auth: { user: USER, pass: PASSWORD },
      logger: false,
    });

  before(async () => {
    env = createTestEnv({ imap: true });
    const config = loadConfig({ configDir: env.configDir, dataDir: env.dataDir });
    const spoolDir = path.join(env.dataDir, 'spool');
    mkdirSync(spoolDir, { recursive: true });
    store = new MemoryMailboxStore();
    store.ensureAgencyFolders(AGENCIES.snv.id, new Date());
    const imap = config.docgate.imap;
    const deps: ImapDeps = {
      config,
      agencies: new AgencyDirectory(config.agencies),
      store,
      authenticator,
      events: new MailboxEvents(),
      // Messages appended over IMAP carry no register document, so no COPY/MOVE ever files one.
      filing: { plan: async () => undefined },
      limits: new ConnectionLimits({ connections: imap.maxConnections, perAddress: imap.maxConnectionsPerAddress, perAccount: imap.maxConnectionsPerAccount }),
      recent: new RecentTracker(),
      headers: new HeaderCache(1024 * 1024),
      fields: new DecodedFieldCache(1000),
      rendered: new Lru<string, Buffer>(1024 * 1024, (b) => b.length),
      log: silentLogger,
      now: () => new Date(),
      spoolDir,
    };
    const tls = makeSelfSignedCertificate('docgate.test');
    const implicit = imap.listeners.find((l) => l.tls === 'implicit')!;
    listener = await startImapListener(implicit, { cert: Buffer.from(tls.cert), key: Buffer.from(tls.key) }, deps, silentLogger);
  });
  after(async () => {
    await listener?.close();
    env.cleanup();
  });

  it('lists the standard folders, appends, fetches the exact bytes, stores flags, searches, copies, moves and expunges', async () => {
    const c = client();
    await c.connect();
    try {
      const names = (await c.list()).map((m) => m.path);
      expect(names).to.include.members(Object.values(FOLDERS).map((f) => f.name));
      await c.mailboxCreate('cong-viec');
      const raw = (n: number) => Buffer.from(`From: a@ubnd.hatinh.gov.vn\r\nSubject: Van ban ${n}\r\nMessage-ID: <${n}@test>\r\n\r\nNoi dung ${n}\r\n`);
      const appended = [await c.append('cong-viec', raw(1), ['\\Seen']), await c.append('cong-viec', raw(2)), await c.append('cong-viec', raw(3))];
      expect(appended.map((a) => a && a.uid)).to.deep.equal([1, 2, 3]);

      const lock = await c.getMailboxLock('cong-viec');
      try {
        expect((c.mailbox as { exists: number }).exists).to.equal(3);
        const fetched = await c.fetchOne('2', { source: true, flags: true, envelope: true }, { uid: true });
        expect(fetched && fetched.source!.equals(raw(2))).to.equal(true);
        expect(fetched && fetched.envelope!.subject).to.equal('Van ban 2');
        await c.messageFlagsAdd('1:2', ['\\Flagged'], { uid: true });
        expect(await c.search({ flagged: true }, { uid: true })).to.deep.equal([1, 2]);
        expect(await c.search({ seen: false }, { uid: true })).to.deep.equal([2, 3]);
        expect(await c.search({ subject: 'Van ban 3' }, { uid: true })).to.deep.equal([3]);
        const copied = await c.messageCopy('1', FOLDERS.registered.name, { uid: true });
        expect(copied && copied.uidMap && [...copied.uidMap.entries()]).to.deep.equal([[1, 1]]);
        const moved = await c.messageMove('3', FOLDERS.returned.name, { uid: true });
        expect(moved && moved.uidMap && [...moved.uidMap.entries()]).to.deep.equal([[3, 1]]);
        await c.messageFlagsAdd('2', ['\\Deleted'], { uid: true });
        await c.messageDelete('2', { uid: true });
        expect(await c.search({ all: true }, { uid: true })).to.deep.equal([1]);
      } finally {
        lock.release();
      }
      const status = await c.status(FOLDERS.registered.name, { messages: true, unseen: true });
      expect(status).to.include({ messages: 1, unseen: 0 });
      const archived = await c.getMailboxLock(FOLDERS.returned.name);
      try {
        const m = await c.fetchOne('1', { source: true }, { uid: true });
        expect(m && m.source!.equals(raw(3))).to.equal(true);
      } finally {
        archived.release();
      }
      // The store saw it all: the same UIDs and flags the client was told.
      const box = (await store.get(AGENCIES.snv.id, 'cong-viec'))!;
      expect((await store.states(box.id)).map((s) => [s.uid, s.flags])).to.deep.equal([[1, ['\\Seen', '\\Flagged']]]);
    } finally {
      await c.logout();
    }
  });

  it('turns storage refusal codes into the same NO [code] texts as before', async () => {
    const w = await ImapWire.connect(listener.port, { tls: true });
    await w.greeting();
    expect((await w.login(USER, PASSWORD)).tagged).to.match(/^A001 OK/);
    expect((await w.command('CREATE "trung"')).tagged).to.equal('A002 OK CREATE completed');
    expect((await w.command('CREATE "trung"')).tagged).to.equal('A003 NO [ALREADYEXISTS] Thu muc da ton tai / Mailbox already exists');
    expect((await w.command('DELETE "khong-co"')).tagged).to.equal('A004 NO [NONEXISTENT] Thu muc khong ton tai / No such mailbox');
    expect((await w.command('RENAME "khong-co" "moi"')).tagged).to.equal('A005 NO [NONEXISTENT] Thu muc khong ton tai / No such mailbox');
    expect((await w.command('DELETE "&ARAA4w- v&AOA-o s&HtU-"')).tagged).to.equal(
      'A006 NO [CANNOT] Khong the xoa hay doi ten thu muc he thong / System folders cannot be deleted or renamed',
    );
    expect((await w.command('SUBSCRIBE "khong-co"')).tagged).to.equal('A007 NO [NONEXISTENT] Thu muc khong ton tai / No such mailbox');
    expect((await w.command('SELECT "khong-co"')).tagged).to.equal('A008 NO [NONEXISTENT] Thu muc khong ton tai / No such mailbox');
    expect((await w.command('STATUS "khong-co" (MESSAGES)')).tagged).to.equal('A009 NO [NONEXISTENT] Thu muc khong ton tai / No such mailbox');
    expect((await w.command('APPEND "khong-co" {3+}\r\nabc')).tagged).to.equal('A010 NO [TRYCREATE] Thu muc khong ton tai / No such mailbox');
    expect((await w.command('SELECT INBOX')).tagged).to.match(/^A011 OK \[READ-WRITE\]/);
    expect((await w.command('COPY 1:* "khong-co"')).tagged).to.equal('A012 NO [TRYCREATE] Thu muc dich khong ton tai / Target mailbox does not exist');
    w.close();
  });
});
