// Ports reserved now and listened on later (a peer that is down at first, Dovecot's and Postfix's
// listeners). A port from listen(0) is in the kernel's ephemeral range, so between our close and our
// later bind another runner's listen(0) or outgoing connection could take it. These come from below that
// range instead, from a slice of its own per test runner, so only this process hands them out.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const SLICE = 2000;
const RUNNER_SLICES = 6;
const handedOut = new Set<number>();

function ephemeralLow(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  } catch {
    return 32768;
  }
}

function canBind(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free loopback port nobody listens on yet, which no other process will be handed meanwhile. */
export async function freePort(): Promise<number> {
  const top = ephemeralLow();
  const bottom = top - SLICE * RUNNER_SLICES;
  const runner = Number(process.env.DOCGATE_TEST_RUNNER ?? 0) % RUNNER_SLICES;
  const start = bottom >= 1024 ? bottom + runner * SLICE : 1024;
  const size = bottom >= 1024 ? SLICE : Math.max(1, top - 1024);
  for (let tries = 0; tries < size; tries++) {
    const port = start + Math.floor(Math.random() * size);
    if (handedOut.has(port)) continue;
    if (await canBind(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port in ${start}-${start + size - 1}`);
}
