// The register as evidence, on SQLite and PostgreSQL: a register filled by real SMTP submissions and
// administrators' CLI actions verifies clean; then, each on its own copy, an attacker with the database
// (triggers dropped) flips a byte of a stored message, edits a register row, a document, a file row and
// an event, deletes an event, swaps two, and rewrites the chain with recomputed hashes: `register
// verify` finds each and names the event and field. The signed anchor verifies with openssl.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { silentLogger } from '../../config/log.js';
import { FileBlobStore } from '../../storage/blobs.js';
import { openDatabase } from '../../storage/db.js';
import { toDate } from '../../storage/models.js';
import { chainHash, type ChainedContent, type EventKind } from '../../storage/register/chain.js';
import { columnText } from '../../storage/register/snapshots.js';
import { verifyRegister, type RegisterBreak } from '../../storage/register/verify.js';
import { cliFor, runCli } from '../helpers/child.js';
import { makePdf } from '../helpers/documents.js';
import { AGENCIES } from '../helpers/env.js';
import { addClerk, startTestGateway, transport, type TestGateway } from '../helpers/gateway.js';
import { createTempDatabase, type TempDatabase } from '../helpers/postgres.js';
import { copyRegister, type RegisterCopy } from '../helpers/register-tamper.js';

interface VerifyJson {
  ok: boolean;
  events: number;
  documents: number;
  blobs: number;
  anchors: number;
  head: { seq: number; hash: string };
  break: { kind: string; seq: number | null; field: string; expected: string; found: string; subject: string | null } | null;
}

async function send(tg: TestGateway, from: string, to: string[], form: string, attachments: { filename: string; content: Buffer }[] = []): Promise<string> {
  const client = transport(tg.starttlsPort, from);
  const info = await client.sendMail({ from, to, subject: 'Văn bản', text: form, attachments });
  client.close();
  const trackingId = /(DG\d{8}-[A-Z2-9]{10})/.exec(info.response)?.[1];
  if (!trackingId) throw new Error(`not accepted: ${info.response}`);
  return trackingId;
}

function contentOf(r: Record<string, unknown>): ChainedContent {
  const text = (v: unknown) => columnText(v);
  return {
    seq: Number(r.seq),
    kind: String(r.kind) as EventKind,
    documentId: text(r.document_id),
    entryId: r.entry_id === null ? null : Number(r.entry_id),
    agencyId: text(r.agency_id),
    status: String(r.status),
    actor: text(r.actor),
    note: text(r.note),
    subject: text(r.subject),
    at: toDate(r.at),
    entryState: text(r.entry_state),
    documentState: text(r.document_state),
    documentSha256: String(r.document_sha256),
  };
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`docgate register verify (${dialect})`, function () {
    this.timeout(480_000);
    let tg: TestGateway;
    let temp: TempDatabase | null = null;
    let decision: string;
    let copy: RegisterCopy | null = null;
    const dirs = () => ({ configDir: tg.env.configDir, dataDir: tg.env.dataDir });

    before(async () => {
      if (dialect === 'postgres') temp = await createTempDatabase();
      tg = await startTestGateway({
        docgate: { ...(temp ? { database: { url: temp.url } } : {}), register: { anchor: { at: null } }, notices: { receipts: false } },
      });
      await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
      await addClerk(tg.gateway, AGENCIES.snv.address, AGENCIES.snv.id);
      decision = await send(
        tg,
        AGENCIES.ubnd.address,
        [AGENCIES.snv.address, AGENCIES.stttt.address],
        'Số ký hiệu: 05/QĐ-UBND\nNgày ký: 01/11/2026\nNgười ký: Nguyễn Văn An\nLoại văn bản: Quyết định\nTrích yếu: V/v triển khai chuyển đổi số\n',
        [{ filename: 'Kế-hoạch.pdf', content: makePdf('Ke hoach') }],
      );
      await send(tg, AGENCIES.snv.address, [AGENCIES.ubnd.address], 'Số ký hiệu: 12/BC-SNV\nNgày ký: 15/10/2026\nTrích yếu: Báo cáo quý III\n');
      // The CLI opens the database on its own: the gateway is stopped so that copies are consistent.
      await tg.gateway.close();
      const cli = cliFor(dirs());
      for (const args of [
        ['account', 'lock', AGENCIES.snv.address, '--actor', 'thanh.tra:Le Van Binh'],
        ['account', 'unlock', AGENCIES.snv.address],
        ['register', 'anchor', '--actor', 'thanh.tra:Le Van Binh'],
      ]) {
        const r = await cli(args);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(0);
      }
    });
    afterEach(async () => {
      await copy?.remove();
      copy = null;
    });
    after(async () => {
      tg?.env.cleanup();
      await temp?.drop();
    });

    const verify = async (target: { configDir: string; dataDir: string }, extra: string[] = []) => {
      const r = await runCli(['register', 'verify', '--json', ...extra, '--config', target.configDir, '--data', target.dataDir]);
      return { code: r.code, result: JSON.parse(r.stdout) as VerifyJson, stderr: r.stderr };
    };
    const tamper = async () => (copy = await copyRegister(dirs(), temp?.url ?? null));
    const scalar = async (c: RegisterCopy, sql: string) => Object.values((await c.select(sql))[0])[0];

    it('a clean register verifies: every event, document, blob and the anchor', async () => {
      const { code, result } = await verify(dirs());
      expect(code, JSON.stringify(result)).to.equal(0);
      expect(result.ok).to.equal(true);
      expect(result.documents).to.equal(2);
      expect(result.blobs).to.equal(2);
      expect(result.anchors).to.equal(1);
      // 2 documents (1 sổ đi + 2 and 1 sổ đến events), 2 account actions, the anchor.
      expect(result.events).to.equal(5 + 2 + 1);
      const text = await runCli(['register', 'verify', '--config', tg.env.configDir, '--data', tg.env.dataDir]);
      expect(text.code).to.equal(0);
      expect(text.stdout).to.match(/^Sổ nguyên vẹn: 8 sự kiện .* \/ Register intact: 8 events/);
    });

    it('administrators’ actions are events naming the actor (--actor, or the OS user), never a password', async () => {
      const c = await tamper();
      const rows = await c.select("SELECT status, actor, subject, note FROM register_events WHERE kind = 'admin' ORDER BY seq");
      expect(rows.map((r) => [r.status, r.actor, r.subject])).to.deep.equal([
        ['account-lock', 'thanh.tra:Le Van Binh', AGENCIES.snv.address],
        ['account-unlock', `admin:${os.userInfo().username}`, AGENCIES.snv.address],
        ['register-anchor', 'thanh.tra:Le Van Binh', rows[2].subject],
      ]);
      expect(String(rows[2].subject)).to.match(/^\d{8}T\d{9}Z\.json$/);
    });

    it('the anchor is a detached DER signature that openssl cms -verify accepts, over the chain head', async () => {
      const dir = path.join(tg.env.dataDir, 'anchors');
      const json = readdirSync(dir).find((f) => f.endsWith('.json'))!;
      const file = path.join(dir, json);
      const out = execFileSync(
        'openssl',
        [
          'cms',
          '-verify',
          '-binary',
          '-inform',
          'DER',
          '-content',
          file,
          '-in',
          file.replace(/\.json$/, '.p7s'),
          '-CAfile',
          path.join(tg.env.dataDir, 'signing/ca.crt'),
          '-purpose',
          'any',
          '-out',
          '/dev/null',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      expect(out.toString()).to.equal('');
      const anchor = JSON.parse(readFileSync(file, 'utf8')) as { seq: number; hash: string; count: number };
      expect(anchor.seq).to.equal(7);
      expect(anchor.count).to.equal(7);
      const c = await tamper();
      expect(await scalar(c, 'SELECT hash FROM register_events WHERE seq = 7')).to.equal(anchor.hash);
    });

    it('a byte flipped in a stored message: the blob of the document, with its event', async () => {
      const c = await tamper();
      const sha = String(await scalar(c, `SELECT m.blob_sha256 FROM documents d JOIN messages m ON m.id = d.message_id WHERE d.id = '${decision}'`));
      const seq = Number(await scalar(c, `SELECT MAX(seq) FROM register_events WHERE document_id = '${decision}' AND document_state IS NOT NULL`));
      const blob = path.join(c.dataDir, 'blobs', sha.slice(0, 2), sha.slice(2, 4), sha);
      const bytes = readFileSync(blob);
      bytes[Math.floor(bytes.length / 2)] ^= 0x01;
      writeFileSync(blob, bytes);
      const { code, result } = await verify(c);
      expect(code).to.equal(6);
      expect(result.break).to.include({ kind: 'blob', seq, field: 'blob.sha256', expected: sha, subject: `documents ${decision}` });
      expect(result.break!.found)
        .to.match(/^[0-9a-f]{64}$/)
        .and.not.equal(sha);
    });

    it('an edited register entry (số đến): its row, field and the event that recorded it', async () => {
      const c = await tamper();
      const id = Number(await scalar(c, `SELECT id FROM register_entries WHERE document_id = '${decision}' AND agency_id = '${AGENCIES.snv.id}'`));
      const seq = Number(await scalar(c, `SELECT MAX(seq) FROM register_events WHERE entry_id = ${id} AND entry_state IS NOT NULL`));
      await c.sql(`UPDATE register_entries SET number = 99 WHERE id = ${id}`);
      const { code, result } = await verify(c);
      expect(code).to.equal(5);
      expect(result.break).to.deep.equal({ kind: 'row', seq, field: 'register_entries.number', expected: '1', found: '99', subject: `register_entries ${id}` });
      // Vietnamese first in the text report.
      const text = await runCli(['register', 'verify', '--config', c.configDir, '--data', c.dataDir]);
      expect(text.code).to.equal(5);
      expect(text.stdout).to.match(/^SAI LỆCH \/ BREAK: dòng sổ khác/);
      expect(text.stdout).to.include(`sự kiện số / event seq: ${seq}`).and.include('trường / field: register_entries.number');
    });

    it('an edited document (trích yếu) and an edited file hash', async () => {
      const c = await tamper();
      await c.sql(`UPDATE documents SET summary = 'V/v khác' WHERE id = '${decision}'`);
      let { code, result } = await verify(c);
      expect(code).to.equal(5);
      expect(result.break).to.include({ kind: 'row', field: 'documents.summary', expected: '"V/v triển khai chuyển đổi số"', found: '"V/v khác"' });
      await c.sql(`UPDATE documents SET summary = 'V/v triển khai chuyển đổi số' WHERE id = '${decision}'`);
      ({ code } = await verify(c));
      expect(code).to.equal(0);
      await c.sql(`UPDATE document_files SET sha256 = '${'0'.repeat(64)}' WHERE document_id = '${decision}'`);
      ({ code, result } = await verify(c));
      expect(code).to.equal(5);
      expect(result.break).to.include({ kind: 'row', field: 'documents.files[0].sha256', found: `"${'0'.repeat(64)}"` });
    });

    it('an edited event: its seq and the hash that no longer matches', async () => {
      const c = await tamper();
      await c.dropTriggers();
      const stored = String(await scalar(c, 'SELECT hash FROM register_events WHERE seq = 2'));
      await c.sql("UPDATE register_events SET note = 'sửa lại' WHERE seq = 2");
      const { code, result } = await verify(c);
      expect(code).to.equal(4);
      expect(result.break).to.include({ kind: 'chain', seq: 2, field: 'hash', found: stored });
    });

    it('the triggers refuse UPDATE and DELETE of an event', async () => {
      const c = await tamper();
      for (const sql of ["UPDATE register_events SET note = 'x' WHERE seq = 1", 'DELETE FROM register_events WHERE seq = 1']) {
        let error: Error | null = null;
        await c.sql(sql).catch((err: Error) => (error = err));
        expect(error, sql).to.be.an('error');
        expect(String(error)).to.include('append-only');
      }
    });

    it('a deleted event: the missing seq', async () => {
      const c = await tamper();
      await c.dropTriggers();
      await c.sql('DELETE FROM register_events WHERE seq = 3');
      const { code, result } = await verify(c);
      expect(code).to.equal(4);
      expect(result.break).to.include({ kind: 'chain', seq: 3, field: 'seq', expected: '3', found: '4' });
    });

    it('two events swapped: the broken link at the first of them', async () => {
      const c = await tamper();
      await c.dropTriggers();
      const hash1 = String(await scalar(c, 'SELECT hash FROM register_events WHERE seq = 1'));
      await c.sql(
        'UPDATE register_events SET seq = -1 WHERE seq = 2;\nUPDATE register_events SET seq = 2 WHERE seq = 3;\nUPDATE register_events SET seq = 3 WHERE seq = -1',
      );
      const { code, result } = await verify(c);
      expect(code).to.equal(4);
      expect(result.break).to.include({ kind: 'chain', seq: 2, field: 'prev_hash', expected: hash1 });
    });

    /** The first break as verifyRegister finds it with the chain cut into `stretches` (2 and 3 walked by worker threads). */
    const walkIn = async (c: RegisterCopy, stretches: number): Promise<RegisterBreak | null> => {
      const yaml = parse(readFileSync(path.join(c.configDir, 'docgate.yaml'), 'utf8')) as { database?: { url?: string } };
      const db = await openDatabase(yaml.database?.url ?? 'sqlite:docgate.sqlite', c.dataDir, silentLogger);
      try {
        const result = await verifyRegister(db.sequelize, new FileBlobStore(path.join(c.dataDir, 'blobs')), {
          anchors: [],
          blobs: false,
          split: { stretches, minEvents: 0 },
        });
        if (!result.break) expect(result.events).to.equal(8);
        return result.break;
      } finally {
        await db.close();
      }
    };

    it('the chain split over worker threads names the same first break as one walk, in any stretch', async () => {
      const c = await tamper();
      // 8 events in 3 stretches: 1–3 on this thread, 4–6 and 7–8 in workers.
      expect(await walkIn(c, 3)).to.equal(null);
      await c.dropTriggers();
      const stored7 = String(await scalar(c, 'SELECT hash FROM register_events WHERE seq = 7'));
      await c.sql("UPDATE register_events SET note = 'sửa lại' WHERE seq = 7");
      const late = await walkIn(c, 3);
      expect(late).to.include({ kind: 'chain', seq: 7, field: 'hash', found: stored7 });
      expect(late).to.deep.equal(await walkIn(c, 1));
      // A second break in an earlier stretch is the first one.
      const stored2 = String(await scalar(c, 'SELECT hash FROM register_events WHERE seq = 2'));
      await c.sql("UPDATE register_events SET note = 'sửa lại' WHERE seq = 2");
      const early = await walkIn(c, 3);
      expect(early).to.include({ kind: 'chain', seq: 2, field: 'hash', found: stored2 });
      expect(early).to.deep.equal(await walkIn(c, 1));
    });

    it('events missing at a stretch boundary: named as one walk names them', async () => {
      const c = await tamper();
      await c.dropTriggers();
      // The last event of the second stretch (4–6): the walk of 4–6 names the next one present.
      await c.sql('DELETE FROM register_events WHERE seq = 6');
      const end = await walkIn(c, 3);
      expect(end).to.include({ kind: 'chain', seq: 6, field: 'seq', expected: '6', found: '7' });
      expect(end).to.deep.equal(await walkIn(c, 1));
      // The first event of the last stretch (7–8) as well: the break is still the lowest, 6.
      await c.sql('DELETE FROM register_events WHERE seq = 7');
      const both = await walkIn(c, 3);
      expect(both).to.include({ kind: 'chain', seq: 6, field: 'seq', expected: '6', found: '8' });
      expect(both).to.deep.equal(await walkIn(c, 1));
      // Swapped across a boundary (3 and 4): the broken link at the first of them.
      const d = await copyRegister(dirs(), temp?.url ?? null);
      try {
        await d.dropTriggers();
        await d.sql(
          'UPDATE register_events SET seq = -1 WHERE seq = 3;\nUPDATE register_events SET seq = 3 WHERE seq = 4;\nUPDATE register_events SET seq = 4 WHERE seq = -1',
        );
        const swapped = await walkIn(d, 3);
        expect(swapped).to.include({ kind: 'chain', seq: 3, field: 'prev_hash' });
        expect(swapped).to.deep.equal(await walkIn(d, 1));
      } finally {
        await d.remove();
      }
    });

    it('a history rewritten with recomputed hashes passes the chain but not the signed anchor', async () => {
      const c = await tamper();
      await c.dropTriggers();
      await c.sql("UPDATE register_events SET note = 'viết lại' WHERE seq = 2");
      const rows = await c.select('SELECT * FROM register_events ORDER BY seq');
      let prev = String(rows[0].hash);
      for (const r of rows.slice(1)) {
        const hash = chainHash(contentOf(r), prev);
        await c.sql(`UPDATE register_events SET prev_hash = '${prev}', hash = '${hash}' WHERE seq = ${Number(r.seq)}`);
        prev = hash;
      }
      await c.sql(`UPDATE register_chain_head SET hash = '${prev}' WHERE id = 1`);
      const anchor = JSON.parse(
        readFileSync(
          path.join(
            c.dataDir,
            'anchors',
            readdirSync(path.join(c.dataDir, 'anchors')).find((f) => f.endsWith('.json'))!,
          ),
          'utf8',
        ),
      ) as {
        hash: string;
      };
      const { code, result } = await verify(c);
      expect(code).to.equal(7);
      expect(result.break).to.include({ kind: 'anchor', seq: 7, field: 'hash', expected: anchor.hash });
      // Without its anchor, the rewritten chain is consistent: the anchor is what proves the rewrite.
      for (const f of readdirSync(path.join(c.dataDir, 'anchors'))) writeFileSync(path.join(c.dataDir, 'anchors', f), '');
      const { code: unsigned, result: unsignedResult } = await verify(c);
      expect(unsigned).to.equal(7);
      expect(unsignedResult.break).to.include({ kind: 'anchor', field: 'signature' });
    });
  });
}
