// The clerk's urgent alerts page: the alert jobs of the clerk's own agency (its leaders; never another
// agency's, whose phone numbers are not the clerk's to see), newest first, optionally of one document.

import type { FastifyInstance } from 'fastify';
import type { DocumentRow } from '../../../storage/rows.js';
import { ALERT_JOB, type AlertPayload } from '../../notify/alert-jobs.js';
import { sendPage, userOf, type PortalDeps } from '../context.js';
import { csrfToken, requireUser } from '../guards.js';
import { page } from '../layout.js';
import { notFound } from '../not-found.js';
import { alertsPage, type AlertView } from '../pages/alerts.js';
import { visibleDocument } from './register.js';

const LIMIT = 300;
/** Statuses of an incoming entry that mean the agency has taken the document in (registered or later). */
const TAKEN_IN = new Set(['03', '04', '05', '06']);

export function registerAlertRoutes(app: FastifyInstance, deps: PortalDeps): void {
  app.get('/alerts', { preHandler: requireUser() }, async (req, reply) => {
    const { t } = req.portal;
    const agencyId = userOf(req).account.agencyId;
    // ?document=: one document's alerts, a 404 when the agency neither sent nor received it.
    const asked = (req.query as { document?: unknown }).document;
    const documentId = typeof asked === 'string' && asked !== '' ? asked : undefined;
    if (documentId !== undefined && !(await visibleDocument(deps, agencyId, documentId))) return notFound(deps, req, reply);
    const jobs = await deps.storage.queue.list({ kind: ALERT_JOB, agencyId, documentId, newestFirst: true, limit: LIMIT });
    const documents = new Map<string, { doc: DocumentRow | null; acknowledgedAt: Date | null }>();
    for (const id of new Set(jobs.map((j) => j.documentId))) {
      const [doc, events] = await Promise.all([deps.storage.register.findDocument(id), deps.storage.register.eventsOf(id)]);
      const taken = events.find((e) => e.agencyId === agencyId && TAKEN_IN.has(e.status));
      documents.set(id, { doc, acknowledgedAt: taken?.at ?? null });
    }
    const alerts: AlertView[] = jobs.flatMap((j) => {
      const d = documents.get(j.documentId);
      if (!d?.doc) return [];
      const payload = JSON.parse(j.payload) as AlertPayload;
      return [
        {
          jobId: j.id,
          document: d.doc,
          channel: payload.channel,
          leader: payload.leader,
          status: j.status === 'dropped' ? 'failed' : j.status,
          attempts: j.attempts,
          lastReply: j.lastReply,
          createdAt: j.createdAt,
          sentAt: j.status === 'delivered' ? (j.finishedAt ?? j.lastAttemptAt) : null,
          failedAt: j.status === 'delivered' ? null : j.status === 'failed' ? (j.finishedAt ?? j.lastAttemptAt) : j.attempts > 0 ? j.lastAttemptAt : null,
          acknowledgedAt: d.acknowledgedAt,
        },
      ];
    });
    const body = alertsPage(t, alerts, deps.config.docgate.timezone);
    return sendPage(reply, page(deps, req, { title: t('Cảnh báo văn bản hỏa tốc', 'Urgent document alerts'), body, csrf: csrfToken(req, reply) }));
  });
}
