// The clerk's pages: the agency's sổ đến and sổ đi (storage/register/search.ts), returned documents,
// one document with its files, receipts and history, and the downloads. Every lookup is scoped to the
// clerk's agency on the server: a document the agency neither sent nor received is a 404, like one
// that does not exist, and so is a file id of another document; receipts are the sender's (they are
// delivered to its Thông báo folder), so a receipt is a 404 to every other agency.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { searchRegister, type RegisterQuery } from '../../../storage/register/search.js';
import type { DocumentRow, RegisterEventRow } from '../../../storage/rows.js';
import { receiptCheckLines, receiptVerdict, signingCaFile, verifyReceipt } from '../../notify/receipt-verify.js';
import { sendPage, userOf, type PortalDeps } from '../context.js';
import { parseCalendarDay, startOfDay } from '../../../policies/text/calendar.js';
import { csrfToken, requireUser } from '../guards.js';
import { page } from '../layout.js';
import { notFound } from '../not-found.js';
import { documentPage, type ReceiptCheckView } from '../pages/document.js';
import { registerPage, type RegisterFilters } from '../pages/register-list.js';
import { attachmentDisposition, documentFile, originalMessage, senderName } from '../files.js';
import { returnedPage } from '../pages/returned.js';

const TRACKING_ID = /^[A-Za-z0-9._-]{1,40}$/;

type Visible = NonNullable<Awaited<ReturnType<typeof visibleDocument>>>;

const RECEIPT_NOTE = /^receipt sha256 ([0-9a-f]{64})$/;

/** The document's signed receipts: their register events (notice worker) and the blobs their notes name. */
function receiptsOf(events: RegisterEventRow[]): { event: RegisterEventRow; sha256: string }[] {
  return events.flatMap((event) => {
    const m = (event.status === 'receipt-accepted' || event.status === 'receipt-delivered') && event.note ? RECEIPT_NOTE.exec(event.note) : null;
    return m ? [{ event, sha256: m[1] }] : [];
  });
}

/** The document if the agency sent or received it; null otherwise (the caller answers 404). */
export async function visibleDocument(deps: PortalDeps, agencyId: string, trackingId: string) {
  if (!TRACKING_ID.test(trackingId)) return null;
  const document = await deps.storage.register.findDocument(trackingId);
  if (!document) return null;
  const entries = await deps.storage.register.entriesOf(trackingId);
  const sender = document.senderAgencyId === agencyId;
  if (!sender && !entries.some((e) => e.agencyId === agencyId)) return null;
  // A recipient sees its own entry and the sender's; the sender sees every recipient's.
  const visible = sender ? entries : entries.filter((e) => e.agencyId === agencyId || e.book === 'outgoing');
  return { document, entries: visible, sender };
}

function queryOf(deps: PortalDeps, agencyId: string, book: 'incoming' | 'outgoing', f: RegisterFilters): { query: RegisterQuery; error: boolean } {
  const tz = deps.config.docgate.timezone;
  const q: RegisterQuery = { agencyId, book, limit: 200 };
  let error = false;
  if (f.q?.trim()) q.text = f.q.trim().slice(0, 200);
  if (f.number?.trim()) {
    if (/^\d{1,9}$/.test(f.number.trim())) q.number = Number(f.number.trim());
    else error = true;
  }
  if (f.documentNumber?.trim()) q.documentNumber = f.documentNumber.trim().slice(0, 100);
  for (const [key, plus] of [
    ['from', 0],
    ['to', 1],
  ] as const) {
    if (!f[key]?.trim()) continue;
    const d = parseCalendarDay(f[key]);
    if (!d) error = true;
    else if (key === 'from') q.receivedFrom = startOfDay(d, tz, plus);
    else q.receivedTo = startOfDay(d, tz, plus);
  }
  if (f.status) q.status = f.status.slice(0, 20);
  if (f.urgency) q.urgency = f.urgency.slice(0, 20);
  if (f.counterpart) {
    if (book === 'incoming') q.sender = f.counterpart.slice(0, 254);
    else q.recipient = f.counterpart.slice(0, 254);
  }
  return { query: q, error };
}

function pick(query: unknown): RegisterFilters {
  const raw = (query ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const key of ['q', 'number', 'documentNumber', 'from', 'to', 'status', 'urgency', 'counterpart']) {
    if (typeof raw[key] === 'string') out[key] = raw[key];
  }
  return out;
}

export function registerRegisterRoutes(app: FastifyInstance, deps: PortalDeps): void {
  const guard = { preHandler: requireUser() };
  const tz = deps.config.docgate.timezone;

  app.get('/', guard, async (_req, reply) => reply.redirect('/incoming', 303));

  for (const book of ['incoming', 'outgoing'] as const) {
    app.get(`/${book}`, guard, async (req, reply) => {
      const { t } = req.portal;
      const { account } = userOf(req);
      const filters = pick(req.query);
      const { query, error } = queryOf(deps, account.agencyId, book, filters);
      const hits = await searchRegister(deps.storage.db.sequelize, query);
      const body = registerPage({
        t,
        book,
        filters,
        hits,
        agencies: deps.agencies,
        timeZone: tz,
        error: error
          ? t(
              'Có ô lọc không hợp lệ (ngày dd/mm/yyyy, số là số nguyên) và đã bị bỏ qua.',
              'A filter was not valid (dates dd/mm/yyyy, numbers) and was ignored.',
            )
          : null,
      });
      const title = book === 'incoming' ? t('Sổ văn bản đến', 'Incoming register') : t('Sổ văn bản đi', 'Outgoing register');
      return sendPage(reply, page(deps, req, { title, body, csrf: csrfToken(req, reply) }));
    });
  }

  app.get('/returned', guard, async (req, reply) => {
    const { t } = req.portal;
    const { account } = userOf(req);
    const hits = await searchRegister(deps.storage.db.sequelize, { agencyId: account.agencyId, book: 'outgoing', status: 'returned', limit: 200 });
    const documents = (await Promise.all(hits.map((h) => deps.storage.register.findDocument(h.trackingId)))).filter((d): d is DocumentRow => d !== null);
    const body = returnedPage(t, documents, tz);
    return sendPage(reply, page(deps, req, { title: t('Văn bản bị trả lại', 'Returned documents'), body, csrf: csrfToken(req, reply) }));
  });

  const download = (reply: FastifyReply, name: string, type: string, bytes: Buffer) =>
    reply
      .header('Content-Disposition', attachmentDisposition(name))
      .header('X-Content-Type-Options', 'nosniff')
      .type(/^[\w.+-]+\/[\w.+-]+$/.test(type) ? type : 'application/octet-stream')
      .send(bytes);

  const showDocument = async (req: FastifyRequest, reply: FastifyReply, found: Visible, check: ReceiptCheckView | null) => {
    const { t } = req.portal;
    const id = found.document.id;
    const visibleAgencies = new Set([found.document.senderAgencyId, ...found.entries.map((e) => e.agencyId)]);
    const [files, events, name] = await Promise.all([
      deps.storage.register.filesOf(id),
      deps.storage.register.eventsOf(id),
      senderName(deps.storage, found.document),
    ]);
    const csrf = csrfToken(req, reply);
    const body = documentPage(
      t,
      {
        document: found.document,
        senderName: name,
        entries: found.entries,
        files,
        events: events.filter((e: RegisterEventRow) => e.agencyId !== null && visibleAgencies.has(e.agencyId)),
        receipts: found.sender ? receiptsOf(events).map((r) => ({ event: r.event })) : [],
        check,
        csrf,
      },
      deps.agencies,
      tz,
    );
    const title = found.document.documentNumber ?? found.document.summary ?? found.document.id;
    return sendPage(reply, page(deps, req, { title: `${t('Văn bản', 'Document')} ${title}`, body, csrf }));
  };

  app.get('/documents/:id', guard, async (req, reply) => {
    const { id } = req.params as { id: string };
    const found = await visibleDocument(deps, userOf(req).account.agencyId, id);
    if (!found) return notFound(deps, req, reply);
    return showDocument(req, reply, found, null);
  });

  /** A receipt of a document the clerk's agency sent (receipts go to the sender), by its event id; else null. */
  const visibleReceipt = async (req: FastifyRequest) => {
    const { id, eventId } = req.params as { id: string; eventId: string };
    const found = await visibleDocument(deps, userOf(req).account.agencyId, id);
    if (!found?.sender || !/^\d{1,12}$/.test(eventId)) return null;
    const receipt = receiptsOf(await deps.storage.register.eventsOf(found.document.id)).find((r) => r.event.id === Number(eventId));
    if (!receipt || !(await deps.storage.blobs.exists(receipt.sha256))) return null;
    return { found, receipt, bytes: await deps.storage.blobs.read(receipt.sha256) };
  };

  app.get('/documents/:id/receipts/:eventId', guard, async (req, reply) => {
    const hit = await visibleReceipt(req);
    if (!hit) return notFound(deps, req, reply);
    const kind = hit.receipt.event.status === 'receipt-accepted' ? 'bien-nhan-chap-nhan' : 'bien-nhan-chuyen-giao';
    return download(reply, `${hit.found.document.id}-${kind}-${hit.receipt.event.id}.eml`, 'message/rfc822', hit.bytes);
  });

  // The result page's URL, fetched again by GET (the language switch, a reload): back to the document.
  app.get('/documents/:id/receipts/:eventId/verify', guard, async (req, reply) => {
    const { id } = req.params as { id: string };
    if (!TRACKING_ID.test(id)) return notFound(deps, req, reply);
    return reply.redirect(`/documents/${encodeURIComponent(id)}`, 303);
  });

  app.post('/documents/:id/receipts/:eventId/verify', guard, async (req, reply) => {
    const hit = await visibleReceipt(req);
    if (!hit) return notFound(deps, req, reply);
    const caFile = signingCaFile(deps.config);
    const check = await verifyReceipt(hit.bytes, {
      caFile,
      original: (await originalMessage(deps.storage, hit.found.document)) ?? undefined,
      now: deps.now(),
      log: deps.log,
    });
    const verdict = receiptVerdict(check);
    deps.log.info('receipt verified on the portal', { document: hit.found.document.id, event: hit.receipt.event.id, verdict, user: userOf(req).account.email });
    // The CA's path is the server's business: the page names it by its role only.
    const lines = receiptCheckLines(check, 'docgate signing CA');
    return showDocument(req, reply, hit.found, { eventId: hit.receipt.event.id, verdict, lines });
  });

  app.get('/documents/:id/original.eml', guard, async (req: FastifyRequest, reply) => {
    const { id } = req.params as { id: string };
    const found = await visibleDocument(deps, userOf(req).account.agencyId, id);
    const bytes = found ? await originalMessage(deps.storage, found.document) : null;
    if (!found || !bytes) return notFound(deps, req, reply);
    return download(reply, `${found.document.id}.eml`, 'message/rfc822', bytes);
  });

  app.get('/documents/:id/files/:fileId', guard, async (req, reply) => {
    const { id, fileId } = req.params as { id: string; fileId: string };
    const found = await visibleDocument(deps, userOf(req).account.agencyId, id);
    if (!found || !/^\d{1,12}$/.test(fileId)) return notFound(deps, req, reply);
    const file = (await deps.storage.register.filesOf(id)).find((f) => f.id === Number(fileId));
    const bytes = file ? await documentFile(deps.storage, found.document, file) : null;
    if (!file || !bytes) return notFound(deps, req, reply);
    return download(reply, file.filename ?? `file-${file.position}`, file.detectedType, bytes);
  });
}
