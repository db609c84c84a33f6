// The daily anchor of a serving gateway: once a day at `register.anchor.at` (register time zone) the
// chain head is signed and mailed (anchor.ts). A minute clock rather than one long timer: a suspended
// host or a clock change still anchors at the next matching minute, once per local day.

import type { Config } from '../../config/load.js';
import type { Logger } from '../../config/log.js';
import { zonedParts } from '../../policies/text/dates.js';
import type { Storage } from '../../storage/index.js';
import { loadSigningIdentity, type SigningIdentity } from '../signing/identity.js';
import { writeAnchor } from './anchor.js';

const TICK_MS = 20_000;

export function startDailyAnchor(deps: { config: Config; storage: Storage; log: Logger; now: () => Date }): { stop(): Promise<void> } {
  const at = deps.config.docgate.register.anchor.at;
  if (at === null) return { stop: async () => undefined };
  let identity: SigningIdentity | null = null;
  let lastDay: string | null = null;
  let running: Promise<void> | null = null;
  const tick = () => {
    const now = deps.now();
    const p = zonedParts(now, deps.config.docgate.timezone);
    const day = `${p.year}-${p.month}-${p.day}`;
    if (`${p.hour}:${p.minute}` !== at || day === lastDay || running) return;
    lastDay = day;
    running = (async () => {
      try {
        identity ??= loadSigningIdentity(deps.config, deps.log);
        await writeAnchor(deps.config, deps.storage, identity, { actor: 'docgate:daily-anchor', now, log: deps.log });
      } catch (err) {
        deps.log.error('daily register anchor failed', { err: (err as Error).message });
      } finally {
        running = null;
      }
    })();
  };
  const timer = setInterval(tick, TICK_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
