// An attacker's direct access to a register's database, for the tamper-evidence tests: raw SQL on a
// copy of the register (SQLite file or PostgreSQL database), with the append-only triggers dropped
// first as someone who controls the database would.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import sqlite3 from 'sqlite3';
import { parse, stringify } from 'yaml';

export interface RegisterCopy {
  configDir: string;
  dataDir: string;
  /** Runs statements (separated by ";\n") as the attacker. */
  sql(statements: string): Promise<void>;
  select(sql: string): Promise<Record<string, unknown>[]>;
  dropTriggers(): Promise<void>;
  remove(): Promise<void>;
}

function sqliteRun(file: string, work: (db: sqlite3.Database) => Promise<unknown>): Promise<unknown> {
  const db = new sqlite3.Database(file);
  return work(db).finally(() => new Promise<void>((resolve) => db.close(() => resolve())));
}

/** A copy of the register in `source` (gateway stopped), in its own config and data directories. */
export async function copyRegister(source: { configDir: string; dataDir: string }, pgUrl: string | null): Promise<RegisterCopy> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'docgate-tamper-'));
  const configDir = path.join(root, 'config');
  const dataDir = path.join(root, 'data');
  cpSync(source.configDir, configDir, { recursive: true });
  cpSync(source.dataDir, dataDir, { recursive: true });
  if (!pgUrl) {
    const file = path.join(dataDir, 'docgate.sqlite');
    const exec = (sql: string) => sqliteRun(file, (db) => new Promise<void>((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve()))));
    return {
      configDir,
      dataDir,
      sql: async (sql) => void (await exec(sql)),
      select: async (sql) =>
        (await sqliteRun(file, (db) => new Promise((resolve, reject) => db.all(sql, (err, rows) => (err ? reject(err) : resolve(rows)))))) as Record<
          string,
          unknown
        >[],
      dropTriggers: async () => void (await exec('DROP TRIGGER register_events_no_update; DROP TRIGGER register_events_no_delete;')),
      remove: async () => rmSync(root, { recursive: true, force: true }),
    };
  }
  const name = `docgate_tamper_${Math.random().toString(16).slice(2, 10)}`;
  const source_ = new URL(pgUrl);
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${source_.pathname.slice(1)}`);
  await admin.end();
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  const yamlFile = path.join(configDir, 'docgate.yaml');
  const yaml = parse(readFileSync(yamlFile, 'utf8')) as { database: { url: string } };
  yaml.database.url = url.toString();
  writeFileSync(yamlFile, stringify(yaml));
  const client = async <T>(work: (c: pg.Client) => Promise<T>) => {
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    try {
      return await work(c);
    } finally {
      await c.end();
    }
  };
  return {
    configDir,
    dataDir,
    sql: (sql) => client(async (c) => void (await c.query(sql))),
    select: (sql) => client(async (c) => (await c.query(sql)).rows as Record<string, unknown>[]),
    dropTriggers: () => client(async (c) => void (await c.query('DROP TRIGGER register_events_no_change ON register_events'))),
    remove: async () => {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
