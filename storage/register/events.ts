// The one way a register event is written. Every writer (intake batches, filing, quarantine decisions,
// relay outcomes, notices, administrators' actions) appends through here, so the event log has one
// place that decides its form.

import type { Sequelize, Transaction } from 'sequelize';
import type { Models } from '../models.js';
import type { RegisterEventRow } from '../rows.js';
import { insertRows } from '../sql.js';

export type NewRegisterEvent = Omit<RegisterEventRow, 'id'>;

/** Appends events in order, inside the caller's transaction. */
export async function appendRegisterEvents(sequelize: Sequelize, models: Models, t: Transaction, events: NewRegisterEvent[]): Promise<void> {
  if (events.length === 0) return;
  await insertRows(sequelize, t, models.RegisterEvent, events);
}
