// IDLE (RFC 2177): changes to the selected mailbox are pushed as they commit (the in-process events
// wake the session) until the client sends DONE. The autologout timer keeps running: a client must
// re-issue IDLE within the idle timeout (RFC 2177 recommends every 29 minutes).

import { bilingual, defineCommand, ok, bad } from '../command.js';

export const idle = defineCommand({
  name: 'IDLE',
  states: ['authenticated', 'selected'],
  schema: {},
  async handle(ctx) {
    const { session } = ctx;
    await ctx.continuation('idling');
    let stopped = false;
    let wake: (() => void) | null = null;
    session.idling = true;
    session.idleWake = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    const pump = (async () => {
      while (!stopped) {
        if (session.selected?.needsSync()) await ctx.notify('all').catch(() => undefined);
        if (stopped) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (session.selected?.needsSync()) resolve();
        });
      }
    })();
    let line: Buffer | null;
    try {
      await ctx.notify('all').catch(() => undefined);
      line = await ctx.readLine();
    } finally {
      stopped = true;
      session.idleWake?.();
      session.idleWake = null;
      session.idling = false;
      await pump;
    }
    if (line === null) return bad('Connection closed');
    if (line.toString('latin1').toUpperCase() !== 'DONE') return bad(bilingual('Can gui DONE de ket thuc IDLE', 'Expected DONE'));
    return ok('IDLE terminated');
  },
});
