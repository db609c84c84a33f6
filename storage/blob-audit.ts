// The blob store (files or database) against the messages table: rows whose blob is missing or damaged,
// blobs no row refers to. Used by `docgate store check` and by the orphan sweep (storage/blob-sweep.ts).

import type { Sequelize, Transaction } from 'sequelize';
import type { BlobStore } from './blobs.js';
import { query } from './sql.js';

export interface AuditReport {
  /** Rows whose blob file does not exist. */
  missing: string[];
  /** Blob files no row refers to. */
  unreferenced: string[];
  /** Blobs whose size or SHA-256 is not what the rows say. */
  damaged: { sha256: string; problem: string }[];
  blobs: number;
  rows: number;
}

/** The blobs the messages table refers to, with the size the rows record. */
export async function referencedBlobs(sequelize: Sequelize): Promise<Map<string, number>> {
  const rows = await query<{ blob_sha256: string; blob_size: unknown }>(
    sequelize,
    'SELECT blob_sha256, MAX(blob_size) AS blob_size FROM messages GROUP BY blob_sha256',
    {},
  );
  return new Map(rows.map((r) => [String(r.blob_sha256), Number(r.blob_size)]));
}

export async function isReferenced(sequelize: Sequelize, sha256: string, transaction?: Transaction): Promise<boolean> {
  const rows = await query(sequelize, 'SELECT 1 AS found FROM messages WHERE blob_sha256 = :sha256 LIMIT 1', { sha256 }, transaction);
  return rows.length > 0;
}

export async function auditBlobs(sequelize: Sequelize, blobs: BlobStore, options: { hashes?: boolean } = {}): Promise<AuditReport> {
  const referenced = await referencedBlobs(sequelize);
  const files = await blobs.list();
  const onDisk = new Map(files.map((f) => [f.sha256, f]));
  const report: AuditReport = { missing: [], unreferenced: [], damaged: [], blobs: files.length, rows: referenced.size };
  for (const [sha256, size] of referenced) {
    const file = onDisk.get(sha256);
    if (!file) report.missing.push(sha256);
    else if (file.size !== size) report.damaged.push({ sha256, problem: `size ${file.size}, expected ${size}` });
  }
  for (const file of files) {
    if (!referenced.has(file.sha256)) report.unreferenced.push(file.sha256);
  }
  if (options.hashes !== false) {
    const sized = new Set(report.damaged.map((d) => d.sha256));
    for (const file of files) {
      if (sized.has(file.sha256)) continue;
      const digest = await blobs.digest(file.sha256).catch((err: Error) => `unreadable: ${err.message}`);
      if (digest !== file.sha256) report.damaged.push({ sha256: file.sha256, problem: `sha256 ${digest}` });
    }
  }
  return report;
}

export function isClean(report: AuditReport): boolean {
  return report.missing.length === 0 && report.unreferenced.length === 0 && report.damaged.length === 0;
}
