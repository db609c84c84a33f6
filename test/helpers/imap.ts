// IMAP test fixtures: a gateway with IMAP listeners and clerks, documents delivered through the real
// SMTP listener (nodemailer), and the exact bytes IMAP must serve for them (trace prefix + blob).

import { ImapFlow } from 'imapflow';
import MailComposer from 'nodemailer/lib/mail-composer';
import { AGENCIES } from './env.js';
import { addClerk, startTestGateway, transport, TEST_PASSWORD, type TestGateway } from './gateway.js';
import { ImapWire } from './imap-wire.js';
import { storedMessage } from './submit.js';
import { noticesSettled } from './notices.js';
import type { TestEnvOptions } from './env.js';

export const CLERKS = {
  ubnd: AGENCIES.ubnd.address,
  snv: AGENCIES.snv.address,
  snv2: `vanthu2@${AGENCIES.snv.domain}`,
  snv3: `vanthu3@${AGENCIES.snv.domain}`,
  stttt: AGENCIES.stttt.address,
} as const;

export async function startImapGateway(options: TestEnvOptions & { now?: () => Date } = {}): Promise<TestGateway> {
  const tg = await startTestGateway({ ...options, imap: true });
  await addClerk(tg.gateway, CLERKS.ubnd, AGENCIES.ubnd.id);
  await addClerk(tg.gateway, CLERKS.snv, AGENCIES.snv.id);
  await addClerk(tg.gateway, CLERKS.snv2, AGENCIES.snv.id);
  await addClerk(tg.gateway, CLERKS.snv3, AGENCIES.snv.id);
  await addClerk(tg.gateway, CLERKS.stttt, AGENCIES.stttt.id);
  return tg;
}

export interface DeliveredDocument {
  trackingId: string;
  /** What the sender submitted (CRLF line ends, as nodemailer sends it). */
  submitted: Buffer;
  /** What IMAP serves the first recipient: its copy's trace prefix (with its số đến) + the stored blob. */
  served: Buffer;
}

export async function composeDocument(options: {
  subject: string;
  text: string;
  to?: string[];
  attachments?: { filename: string; content: Buffer }[];
}): Promise<Buffer> {
  const composer = new MailComposer({
    from: `Văn thư UBND <${CLERKS.ubnd}>`,
    to: options.to ?? [CLERKS.snv],
    subject: options.subject,
    messageId: `<${Date.now()}.${Math.random().toString(36).slice(2)}@ubnd.hatinh.gov.vn>`,
    text: options.text,
    attachments: options.attachments ?? [],
  });
  const built = await composer.compile().build();
  return Buffer.from(built.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

/** Sends a document from UBND to SNV (default) through the SMTP listener and returns its bytes. */
export async function deliver(
  tg: TestGateway,
  options: { subject: string; text: string; to?: string[]; attachments?: { filename: string; content: Buffer }[] },
): Promise<DeliveredDocument> {
  const to = options.to ?? [CLERKS.snv];
  const submitted = await composeDocument({ ...options, to });
  const client = transport(tg.starttlsPort, CLERKS.ubnd);
  const info = await client.sendMail({ envelope: { from: CLERKS.ubnd, to }, raw: submitted });
  client.close();
  const trackingId = /(DG\d{8}-[A-Z2-9]{10})/.exec(info.response)?.[1];
  if (!trackingId) throw new Error(`not accepted: ${info.response}`);
  // The first recipient's own copy: its trace block carries its số đến.
  const doc = await tg.gateway.storage.register.findDocument(trackingId);
  // Receipts and 01 notices land in the sender's Thông báo after the 250: let them settle first.
  await noticesSettled(tg, trackingId);
  const agency = Object.values(AGENCIES).find((a) => to[0].toLowerCase().endsWith(`@${a.domain}`));
  return { trackingId, submitted, served: await storedMessage(tg, doc!, agency?.id) };
}

export async function loggedIn(tg: TestGateway, user: string, options: { tls?: boolean } = {}): Promise<ImapWire> {
  const wire = await ImapWire.connect(tg.imapTlsPort, { tls: options.tls ?? true });
  await wire.greeting();
  const r = await wire.login(user, TEST_PASSWORD);
  if (!/^A\d+ OK/.test(r.tagged)) throw new Error(`login failed: ${r.tagged}`);
  return wire;
}

/** The literal that follows `marker` in a response (e.g. "BODY[] {123}\r\n..."). */
/** An imapflow client for a clerk over implicit TLS (the test certificate is self-signed). */
export function imapflowClient(tg: TestGateway, user: string = CLERKS.snv): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port: tg.imapTlsPort,
    secure: true,
    tls: { rejectUnauthorized: false },
    auth: { user, pass: TEST_PASSWORD },
    logger: false,
  });
}

export function literalAfter(raw: Buffer, marker: string): Buffer {
  const text = raw.toString('latin1');
  const at = text.indexOf(marker);
  if (at === -1) throw new Error(`no ${marker} in response: ${text.slice(0, 300)}`);
  const m = /^\{(\d+)\}\r\n/.exec(text.slice(at + marker.length));
  if (!m) throw new Error(`no literal after ${marker}: ${text.slice(at, at + 100)}`);
  const start = at + marker.length + m[0].length;
  return raw.subarray(start, start + Number(m[1]));
}

export { TEST_PASSWORD };
