// Register anchors: the event chain's head (seq, hash, count, time) as a small canonical JSON file,
// signed with the gateway key (detached CMS, DER) into data/anchors/<UTC time>.json + .p7s, and mailed
// as a signed message to configured addresses outside the system. A later rewrite of history, even by
// someone who controls the database, no longer matches the heads the anchors hold. Anyone checks one with
// `openssl cms -verify -binary -inform DER -content X.json -in X.p7s -CAfile data/signing/ca.crt -purpose any`.

import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config/load.js';
import type { Logger } from '../../config/log.js';
import type { Storage } from '../../storage/index.js';
import { lockChainHead } from '../../storage/register/events.js';
import { adminActor, recordAdminAction } from '../../storage/register/admin.js';
import { canonicalJson } from '../../storage/register/chain.js';
import type { SigningIdentity } from '../signing/identity.js';
import { signDetached, signedMessage } from '../signing/smime.js';

export const ANCHOR_FORMAT = 'docgate-register-anchor-v1';

export interface AnchorContent {
  format: typeof ANCHOR_FORMAT;
  hostname: string;
  /** The last event's seq (the count of events, seq being gap-free from 1). */
  seq: number;
  hash: string;
  count: number;
  /** When the head was read (ISO 8601, UTC). */
  at: string;
}

export interface WrittenAnchor {
  content: AnchorContent;
  json: string;
  p7s: string;
  mailedTo: string[];
}

function anchorsDir(config: Config): string {
  return path.join(config.dataDir, 'anchors');
}

/** 2026-12-02T03:47:03.123Z → 20261202T034703123Z (sorts by time, safe in any file system). */
function fileStem(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, '');
}

async function writeAtomically(file: string, data: Buffer): Promise<void> {
  const temp = `${file}.tmp`;
  await writeFile(temp, data, { mode: 0o644 });
  await rename(temp, file);
}

function anchorMail(config: Config, identity: SigningIdentity, a: { content: AnchorContent; bytes: Buffer; name: string }, at: Date): Buffer {
  const from = config.docgate.register.anchor.from ?? `postmaster@${config.docgate.hostname}`;
  const entity = Buffer.from(
    [
      'Content-Type: multipart/mixed; boundary="docgate-anchor"',
      '',
      '--docgate-anchor',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      `Mốc xác thực sổ văn bản của ${config.docgate.hostname}: sự kiện số ${a.content.seq}, băm ${a.content.hash}. Hãy lưu thư này ngoài hệ thống.`,
      `Register anchor of ${config.docgate.hostname}: event ${a.content.seq}, hash ${a.content.hash}. Keep this message outside the system.`,
      '',
      '--docgate-anchor',
      `Content-Type: application/json; name="${a.name}"`,
      `Content-Disposition: attachment; filename="${a.name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      (a.bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n'),
      '--docgate-anchor--',
      '',
    ].join('\r\n'),
    'utf8',
  );
  const headers = [
    `From: ${from}`,
    `To: ${config.docgate.register.anchor.mailTo.join(', ')}`,
    `Subject: docgate register anchor ${a.content.seq} ${a.content.at}`,
    `Date: ${at.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <anchor-${fileStem(at)}@${config.docgate.hostname}>`,
  ];
  return signedMessage(identity, headers, entity, at);
}

/**
 * Reads the head, writes and signs the anchor, mails it when configured, and records the act as an
 * administrator's event (after the head it anchors).
 */
export async function writeAnchor(
  config: Config,
  storage: Storage,
  identity: SigningIdentity,
  options: { actor?: string; now?: Date; log?: Logger } = {},
): Promise<WrittenAnchor> {
  const at = options.now ?? new Date();
  const head = await storage.writes.run((t) => lockChainHead(storage.db.sequelize, t));
  const content: AnchorContent = {
    format: ANCHOR_FORMAT,
    hostname: config.docgate.hostname,
    seq: head.seq,
    hash: head.hash,
    count: head.seq,
    at: at.toISOString(),
  };
  const bytes = Buffer.from(`${canonicalJson(content)}\n`, 'utf8');
  const dir = anchorsDir(config);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const stem = path.join(dir, fileStem(at));
  await writeAtomically(`${stem}.p7s`, signDetached(identity, bytes, at));
  await writeAtomically(`${stem}.json`, bytes);
  const mailTo = config.docgate.register.anchor.mailTo;
  if (mailTo.length > 0 && config.docgate.register.anchor.smtp) {
    const raw = anchorMail(config, identity, { content, bytes, name: `${path.basename(stem)}.json` }, at);
    const { default: mailer } = await import('nodemailer');
    const transport = mailer.createTransport(config.docgate.register.anchor.smtp);
    try {
      await transport.sendMail({ envelope: { from: config.docgate.register.anchor.from ?? `postmaster@${config.docgate.hostname}`, to: mailTo }, raw });
    } finally {
      transport.close();
    }
  }
  await recordAdminAction(storage, {
    actor: options.actor ?? adminActor(),
    action: 'register-anchor',
    subject: `${path.basename(stem)}.json`,
    note: `seq ${content.seq} ${content.hash}${mailTo.length > 0 ? ` mailed to ${mailTo.join(', ')}` : ''}`,
    at,
  });
  options.log?.info('register anchor written', { seq: content.seq, file: `${stem}.json`, mailed: mailTo.length });
  return { content, json: `${stem}.json`, p7s: `${stem}.p7s`, mailedTo: mailTo };
}

/** The anchor files, oldest first. */
export async function listAnchors(config: Config): Promise<string[]> {
  const names = await readdir(anchorsDir(config)).catch(() => [] as string[]);
  return names
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => path.join(anchorsDir(config), n));
}

export async function readAnchor(file: string): Promise<{ bytes: Buffer; signature: Buffer | null }> {
  const bytes = await readFile(file);
  const signature = await readFile(file.replace(/\.json$/, '.p7s')).catch(() => null);
  return { bytes, signature };
}
