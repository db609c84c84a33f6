// The schema of docgate.yaml and agencies.yaml (policy.yaml's is policies/policy-file.ts). Types here are the boundary types used everywhere else.
// Custom rules carry their Vietnamese and English text (bilingual()) so errors.ts can report both.

import { z } from 'zod';
import { bilingual } from './errors.js';
import { durationSchema as duration, sizeSchema as size } from './units.js';

const port = z.number().int().min(0).max(65535);
const host = z.string().min(1);

const listener = z.strictObject({
  host: host.default('127.0.0.1'),
  port,
  tls: z.enum(['starttls', 'implicit']),
});

const smtpListener = listener.extend({
  /**
   * Early-talker detection: wait this long before the 220 greeting and refuse (421) a client that talks
   * first. It matters on a port-25 style listener that takes mail from other servers; every docgate
   * listener today is authenticated submission, where it only slows down each connection, hence 0.
   */
  greetDelay: duration.default(0),
});
const webListener = z.strictObject({ host: host.default('127.0.0.1'), port });

const databaseUrl = z
  .string()
  .refine(
    (url) => /^sqlite:/.test(url) || /^postgres(ql)?:\/\//.test(url),
    bilingual('phải bắt đầu bằng sqlite: hoặc postgres://', 'must start with sqlite: or postgres://'),
  );

const urgency = z.enum(['normal', 'urgent', 'very-urgent', 'flash']);

// An HTTP webhook of an SMS gateway: the body is a JSON template whose strings may hold {phone} {text}
// {agency} {soKyHieu} {documentId} {leader} {secret}; header values may hold {secret}, read from
// secretFile (relative to the config directory), never written in docgate.yaml.
const smsWebhook = z.strictObject({
  url: z.string().regex(/^https?:\/\/\S+$/, bilingual('URL phải là http:// hoặc https://', 'URL must be http:// or https://')),
  method: z.enum(['POST', 'PUT']).default('POST'),
  headers: z.record(z.string(), z.string()).default({}),
  secretFile: z.string().optional(),
  body: z.record(z.string(), z.unknown()).default({ to: '{phone}', text: '{text}' }),
  /** gsm7: one 160-character part without diacritics; ucs2: Vietnamese with diacritics, up to 3 parts of 67. */
  encoding: z.enum(['gsm7', 'ucs2']).default('gsm7'),
  timeout: duration.default(10_000),
  /** HTTP statuses that mean "sent" (default: any 2xx). */
  okStatuses: z.array(z.number().int().min(100).max(599)).optional(),
});

// The alert e-mail goes through an SMTP server, as a relay target (credentials in a file).
const alertMail = z.strictObject({
  url: z.string().regex(/^(smtp|smtps|lmtp):\/\/[^\s/]+/, bilingual('URL phải là smtp://, smtps:// hoặc lmtp://', 'URL must be smtp://, smtps:// or lmtp://')),
  from: z.string().min(3),
  username: z.string().optional(),
  passwordFile: z.string().optional(),
  caFile: z.string().optional(),
  timeout: duration.default(30_000),
});
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, bilingual('giờ phải có dạng HH:MM', 'time must look like HH:MM'));
const plainAddress = z.string().regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, bilingual('địa chỉ thư không hợp lệ', 'invalid e-mail address'));
/** Whole years a book keeps a document (from its registration); null keeps it for good. */
const retentionYears = z.number().int().min(1).max(200).nullable().default(null);

const docgateFields = z.strictObject({
  hostname: z.string().min(1).default('docgate.localhost'),
  timezone: z
    .string()
    .default('Asia/Ho_Chi_Minh')
    .refine(
      (tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      },
      bilingual('múi giờ không hợp lệ', 'unknown time zone'),
    ),
  database: z.strictObject({ url: databaseUrl.default('sqlite:docgate.sqlite') }).prefault({}),
  // Where raw messages live (storage/blobs.ts): `files` under data/blobs (a shared directory when several
  // processes share a data directory), or `postgres`, bytea chunks in the database itself (PostgreSQL only).
  blobs: z.enum(['files', 'postgres']).default('files'),
  // Blobs no row refers to (a failed commit, a crash) are removed once older than the grace period,
  // which must exceed any transaction's life; interval 0 sweeps only at start.
  blobSweep: z.strictObject({ interval: duration.default(6 * 3600_000), grace: duration.default(3600_000) }).prefault({}),
  tls: z
    .strictObject({
      cert: z.string().default('tls/cert.pem'),
      key: z.string().default('tls/key.pem'),
      selfSigned: z.boolean().default(true),
    })
    .prefault({}),
  // The gateway's own signing identity (receipts, register anchors): a configured key and certificate
  // issued by a real CA in production; at first start, with selfSigned, a local CA and a certificate from it.
  signing: z
    .strictObject({
      cert: z.string().default('signing/gateway.crt'),
      key: z.string().default('signing/gateway.key'),
      /** The CA certificate a verifier trusts (`openssl cms -verify -CAfile`); with selfSigned, the local CA made at first start. */
      ca: z.string().default('signing/ca.crt'),
      selfSigned: z.boolean().default(true),
    })
    .prefault({}),
  smtp: z
    .strictObject({
      listeners: z.array(smtpListener).min(1),
      maxMessageSize: size.default(25 * 1024 * 1024),
      maxRecipients: z.number().int().min(1).max(10_000).default(100),
      maxLineLength: z.number().int().min(78).max(1_000_000).default(998),
      maxHeaderSize: size.default(256 * 1024),
      maxCommandLength: size.default(4096),
      maxCommands: z.number().int().min(10).default(2000),
      maxUnauthenticatedCommands: z.number().int().min(3).default(10),
      idleTimeout: duration.default(300_000),
      maxConnections: z.number().int().min(1).default(500),
      maxConnectionsPerAddress: z.number().int().min(1).default(50),
      banner: z.string().default('docgate - Cong van dien tu / Official document gateway'),
      /** MAIL FROM: `account` = only the clerk's own address (the register records it); `agency` = any address of the clerk's agency. */
      senderAddress: z.enum(['account', 'agency']).default('account'),
    })
    .prefault({ listeners: [] }),
  imap: z
    .strictObject({
      listeners: z.array(listener).default([]),
      /** Bytes of one command line, literals excluded. */
      maxCommandLength: size.default(64 * 1024),
      /** Largest literal in a command other than APPEND. */
      maxLiteralSize: size.default(64 * 1024),
      /** Largest APPEND message (also announced as APPENDLIMIT). */
      maxAppendSize: size.default(25 * 1024 * 1024),
      /** Autologout timer (RFC 3501 5.4: at least 30 minutes once authenticated). */
      idleTimeout: duration.default(30 * 60_000),
      /** Before login: a connection that does not authenticate in this time is closed. */
      preAuthTimeout: duration.default(60_000),
      maxConnections: z.number().int().min(1).default(1000),
      maxConnectionsPerAddress: z.number().int().min(1).default(100),
      maxConnectionsPerAccount: z.number().int().min(1).default(20),
      maxAuthFailures: z.number().int().min(1).default(3),
      maxUnauthenticatedCommands: z.number().int().min(3).default(20),
    })
    .prefault({}),
  // Prometheus metrics, /healthz and /readyz (gateway/metrics/admin.ts); keep it on loopback or behind a firewall.
  admin: z
    .strictObject({
      enabled: z.boolean().default(true),
      host: host.default('127.0.0.1'),
      port: port.default(9464),
    })
    .prefault({}),
  auth: z
    .strictObject({
      maxFailures: z.number().int().min(1).default(5),
      /** Failed logins from one client address across all accounts (password spraying) before it is locked. */
      maxFailuresPerAddress: z.number().int().min(1).default(20),
      failureWindow: duration.default(15 * 60_000),
      lockDuration: duration.default(15 * 60_000),
      minPasswordLength: z.number().int().min(8).default(10),
      /** Character classes a new password mixes at least (of lowercase, uppercase, digits, other characters). */
      passwordClasses: z.number().int().min(1).max(4).default(3),
      /** A new password may not be one of the account's last N (the current one included). */
      passwordHistory: z.number().int().min(0).max(50).default(5),
    })
    .prefault({}),
  // The web portal (gateway/web): HTTPS only, with the TLS material of SMTP and IMAP.
  web: z
    .strictObject({
      listeners: z.array(webListener).default([]),
      /** A session unused this long ends (the clerk logs in again). */
      idleTimeout: duration.default(30 * 60_000),
      /** A session ends this long after its login, however busy. */
      absoluteTimeout: duration.default(12 * 3600_000),
      /** Login attempts per client address per minute (beside the shared lockout of auth:). */
      loginRateLimit: z.number().int().min(1).default(10),
      /**
       * What mail-client autoconfiguration announces: the public host name (default: the listener's
       * address, or `hostname` for a wildcard one) and ports (default: the listeners' own).
       */
      publicHost: host.optional(),
      publicPorts: z
        .strictObject({ smtpImplicit: port.optional(), smtpStarttls: port.optional(), imapImplicit: port.optional(), imapStarttls: port.optional() })
        .prefault({}),
    })
    .prefault({}),
  mime: z
    .strictObject({
      maxDepth: z.number().int().min(2).max(100).default(20),
      maxParts: z.number().int().min(2).max(100_000).default(500),
      memoryLimit: size.default(1024 * 1024),
    })
    .prefault({}),
  inspection: z
    .strictObject({
      /** Bytes of whole files that policy checks may hold in memory at once, all submissions together. */
      memoryBudget: size.default(32 * 1024 * 1024),
      /** Messages at least this large are parsed and checked at most `largeConcurrency` at a time. */
      largeMessage: size.default(2 * 1024 * 1024),
      largeConcurrency: z.number().int().min(1).max(256).default(4),
      /**
       * Threads that parse and check submissions below largeMessage beside the main thread; 0 (the default):
       * on the main thread. Off by default because on the 2-core machine it was measured on it cost more CPU
       * per message than it freed (README, "Inspection threads").
       */
      threads: z.number().int().min(0).max(64).default(0),
    })
    .prefault({}),
  trust: z
    .strictObject({
      anchors: z.string().default('trust/anchors'),
      intermediates: z.string().default('trust/intermediates'),
      crl: z.string().default('trust/crl'),
    })
    .prefault({}),
  demo: z.strictObject({ seedAccounts: z.boolean().default(false) }).prefault({}),
  // Relay to agencies' own servers (gateway/relay): the waits between attempts (the last one repeats),
  // when a job gives up, when the sender is warned (Postfix's delay_warning_time), and how long a claimed
  // job stays claimed before another worker may take it (a process killed mid-send).
  relay: z
    .strictObject({
      schedule: z
        .array(duration)
        .min(1)
        .default([60_000, 5 * 60_000, 15 * 60_000, 30 * 60_000, 3600_000, 2 * 3600_000, 4 * 3600_000]),
      giveUp: duration.default(5 * 24 * 3600_000),
      warnAfter: duration.default(4 * 3600_000),
      pollInterval: duration.default(2_000),
      lease: duration.default(5 * 60_000),
      timeout: duration.default(60_000),
      concurrency: z.number().int().min(1).max(64).default(4),
    })
    .prefault({}),
  // Urgent alerts to recipients' leaders (Điều 8.5, gateway/notify): an SMS through an HTTP webhook
  // (a brand-name SMS gateway's API) and an e-mail through an SMTP server, each a durable job retried on
  // this schedule up to maxAttempts.
  alerts: z
    .strictObject({
      urgencies: z.array(urgency).default(['very-urgent', 'flash']),
      sms: smsWebhook.nullable().default(null),
      email: alertMail.nullable().default(null),
      schedule: z
        .array(duration)
        .min(1)
        .default([10_000, 30_000, 60_000, 5 * 60_000, 15 * 60_000]),
      maxAttempts: z.number().int().min(1).max(100).default(6),
      pollInterval: duration.default(1_000),
      lease: duration.default(2 * 60_000),
      concurrency: z.number().int().min(1).max(64).default(4),
    })
    .prefault({}),
  // A recipient that neither files (03) nor returns (02) a document in time gets a reminder in its INBOX,
  // and the sender a notice. Default: the end of the next working day (Mon–Fri) in the register's time zone.
  reminders: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** 'next-working-day', or a duration after arrival. */
      deadline: z.union([z.literal('next-working-day'), duration]).default('next-working-day'),
      /** When the working day ends (HH:MM, register time zone). */
      workdayEnd: z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, bilingual('giờ phải có dạng HH:MM', 'time must look like HH:MM'))
        .default('17:00'),
      /** Shorter deadlines per urgency (a duration after arrival). */
      byUrgency: z.partialRecord(urgency, duration).default({ flash: 2 * 3600_000 }),
      pollInterval: duration.default(5_000),
    })
    .prefault({}),
  // Notices and signed receipts to the sender (gateway/notify): written as jobs with the acceptance and
  // made in the background. receipts: false keeps the status notices (01/02/03) and drops the signed
  // acceptance and delivery receipts. pollInterval: how often jobs written by another process (the
  // quarantine CLI) are looked for; a commit in this process wakes the worker at once.
  notices: z
    .strictObject({
      receipts: z.boolean().default(true),
      pollInterval: duration.default(2_000),
      /** A job claimed by a process killed mid-job is made again after this (a minute: signing takes milliseconds). */
      lease: duration.default(60_000),
    })
    .prefault({}),
  // The register as evidence (storage/register/chain.ts): the daily anchor of the event chain's head,
  // signed with the gateway key into data/anchors/ at `at` (register time zone; null: only on demand)
  // and mailed to `mailTo` (an inspector's mailbox outside the system) through `smtp`; and how long each
  // book keeps a document (NĐ 30's limits; the default keeps everything; `docgate register purge`).
  register: z
    .strictObject({
      anchor: z
        .strictObject({
          at: clock.nullable().default('00:05'),
          mailTo: z.array(plainAddress).default([]),
          smtp: z
            .string()
            .regex(/^smtps?:\/\/[^\s/]+/, bilingual('phải là smtp:// hoặc smtps://', 'must be smtp:// or smtps://'))
            .nullable()
            .default(null),
          /** Sender of the anchor mail (default postmaster@<hostname>). */
          from: plainAddress.nullable().default(null),
        })
        .refine((a) => a.mailTo.length === 0 || a.smtp !== null, {
          ...bilingual('mailTo cần smtp (máy chủ gửi thư)', 'mailTo needs smtp (the server to send through)'),
          path: ['smtp'],
        })
        .prefault({}),
      retention: z.strictObject({ outgoing: retentionYears, incoming: retentionYears }).prefault({}),
    })
    .prefault({}),
});

export const docgateSchema = docgateFields.superRefine((value, ctx) => {
  if (value.blobs === 'postgres' && !/^postgres(ql)?:\/\//.test(value.database.url)) {
    ctx.addIssue({
      code: 'custom',
      path: ['blobs'],
      ...bilingual(
        // Printed after the path ("blobs: "), so the line reads "blobs: postgres cần …".
        'postgres cần cơ sở dữ liệu PostgreSQL (database.url: postgres://…), không dùng được với SQLite',
        'postgres needs a PostgreSQL database (database.url: postgres://…), not SQLite',
      ),
    });
  }
});

const agencyId = z
  .string()
  .regex(
    /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/,
    bilingual('mã định danh phải có dạng NNN.NN.NN.XNN (ví dụ 000.00.00.H27)', 'agency identifier must look like NNN.NN.NN.XNN (e.g. 000.00.00.H27)'),
  );

const domainName = z
  .string()
  .transform((d) => d.toLowerCase())
  .pipe(z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, bilingual('tên miền không hợp lệ', 'invalid domain name')));

const mailAddress = z
  .string()
  .transform((a) => a.trim().toLowerCase())
  .pipe(
    z.string().regex(/^[^\s@<>()",;:]+@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, bilingual('địa chỉ thư không hợp lệ', 'invalid e-mail address')),
  );

const leader = z.strictObject({
  name: z.string().min(1),
  phone: z
    .string()
    .regex(/^\+?[0-9 .-]{6,20}$/, bilingual('số điện thoại không hợp lệ', 'invalid phone number'))
    .optional(),
  email: mailAddress.optional(),
});

const relay = z.strictObject({
  url: z
    .string()
    .regex(
      /^(smtp|smtps|lmtp|imap|imaps):\/\/[^\s/]+/,
      bilingual(
        'URL chuyển tiếp phải là smtp://, smtps://, lmtp://, imap:// hoặc imaps://',
        'relay URL must be smtp://, smtps://, lmtp://, imap:// or imaps://',
      ),
    ),
  username: z.string().optional(),
  /** A file holding the password (relative to the config directory); never the password itself. */
  passwordFile: z.string().optional(),
  /** IMAP targets: the folder APPENDed to (default INBOX). */
  mailbox: z.string().optional(),
  /** PEM file of the CA(s) the peer's certificate must chain to, instead of the system store. */
  caFile: z.string().optional(),
  /** Also deliver to the agency's mailbox on docgate (IMAP) besides relaying. */
  keepMailbox: z.boolean().default(true),
});

const agency = z.strictObject({
  id: agencyId,
  name: z
    .string()
    .min(1)
    .transform((n) => n.normalize('NFC')),
  domain: domainName,
  addresses: z.array(mailAddress).default([]),
  leaders: z.array(leader).default([]),
  relay: relay.nullable().default(null),
});

export const agenciesSchema = z.strictObject({ agencies: z.array(agency).min(1) }).superRefine((value, ctx) => {
  const seen = { id: new Map<string, number>(), domain: new Map<string, number>(), address: new Map<string, number>() };
  value.agencies.forEach((a, i) => {
    if (seen.id.has(a.id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['agencies', i, 'id'],
        ...bilingual(`mã định danh trùng với cơ quan thứ ${seen.id.get(a.id)! + 1}`, `duplicate agency identifier (same as agency ${seen.id.get(a.id)! + 1})`),
      });
    }
    seen.id.set(a.id, i);
    if (seen.domain.has(a.domain)) {
      ctx.addIssue({
        code: 'custom',
        path: ['agencies', i, 'domain'],
        ...bilingual('tên miền đã thuộc cơ quan khác', 'domain already belongs to another agency'),
      });
    }
    seen.domain.set(a.domain, i);
    a.addresses.forEach((address, j) => {
      if (seen.address.has(address)) {
        ctx.addIssue({
          code: 'custom',
          path: ['agencies', i, 'addresses', j],
          ...bilingual('địa chỉ đã thuộc cơ quan khác', 'address already belongs to another agency'),
        });
      }
      seen.address.set(address, i);
    });
  });
  value.agencies.forEach((a, i) => {
    a.addresses.forEach((address, j) => {
      const domain = address.slice(address.lastIndexOf('@') + 1);
      const owner = seen.domain.get(domain);
      if (owner !== undefined && owner !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['agencies', i, 'addresses', j],
          ...bilingual('địa chỉ thuộc tên miền của cơ quan khác', "address is under another agency's domain"),
        });
      }
    });
  });
});

export type DocgateConfigFile = z.output<typeof docgateSchema>;
export type Listener = z.output<typeof listener>;
export type SmtpListener = z.output<typeof smtpListener>;
export type WebListener = z.output<typeof webListener>;
export type Agency = z.output<typeof agency>;
export type RelayTarget = z.output<typeof relay>;
export type SmsWebhook = z.output<typeof smsWebhook>;
