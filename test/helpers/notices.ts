// Waiting for the notice worker: receipts and 01 notices are made after the 250, so a test that looks
// at the sender's Thông báo folder waits until the document's notice jobs are done (bounded).

import { query } from '../../storage/sql.js';
import type { TestGateway } from './gateway.js';

/** Resolves once no notice job of the document is still queued or being made; throws after `timeoutMs`. */
export async function noticesSettled(tg: TestGateway, trackingId: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const rows = await query<{ n: unknown }>(
      tg.gateway.storage.db.sequelize,
      "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'notice' AND document_id = :id AND status IN ('queued', 'sending')",
      { id: trackingId },
    );
    if (Number(rows[0].n) === 0) return;
    if (Date.now() > until) throw new Error(`notice jobs of ${trackingId} not done within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
