// What the race drives: docgate (`docgate serve`, full shipped policy, SQLite or PostgreSQL, N
// processes), Postfix from Debian relaying to smtp-sink (throw-away config directory, implicit TLS with the
// same certificate as docgate, permit_mynetworks so no AUTH), and smtp-sink alone. Each target is started
// fresh for one measurement and reports what the load client needs.

import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { AGENCIES, createTestEnv, REPO_ROOT } from '../test/helpers/env.js';
import { runCli, startServe, stopProcess } from '../test/helpers/child.js';
import { addSenderAccount } from './smtp.js';
import { startPostfix, type PostfixPeer } from '../test/helpers/postfix.js';
import { createTempDatabase, type TempDatabase } from '../test/helpers/postgres.js';
import { freePort } from '../test/helpers/ports.js';
import { SMIME_TRUST } from '../test/helpers/smime.js';
import type { Endpoint } from './race-client.js';

export interface Certificate {
  certFile: string;
  keyFile: string;
}

export interface Target {
  endpoint: Endpoint;
  /** Peak RSS in MB of the process tree (docgate only), read before stopping. */
  peakRss(): number;
  /** CPU seconds (user + system) the process tree has used so far (docgate only; NaN otherwise). */
  cpuSeconds(): number;
  /** Resolves when everything accepted has left the target (Postfix: its queue is empty). */
  drained(maxSeconds: number): Promise<boolean>;
  stop(): Promise<void>;
}

const PASSWORD = 'Mat-khau-cuoc-dua-2026';

function childPids(pid: number): number[] {
  const file = `/proc/${pid}/task/${pid}/children`;
  const direct = existsSync(file) ? readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number) : [];
  return direct.flatMap((c) => [c, ...childPids(c)]);
}

function vmHwm(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

const CLOCK_TICKS = 100;

/** utime + stime of a process in seconds (/proc/PID/stat fields 14 and 15, in clock ticks). */
function cpuOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Whether this build's `docgate serve` can run several processes (`--workers N`). */
export async function serveSupportsWorkers(): Promise<boolean> {
  const help = await runCli(['serve', '--help']);
  return help.stdout.includes('--workers');
}

/** `log`: a file that gets docgate's log at info level (one line per SMTP transaction, with its phases and checks). */
export async function startDocgate(options: { db: 'sqlite' | 'postgres'; processes: number; certificate: Certificate; log?: string }): Promise<Target> {
  let database: TempDatabase | null = null;
  if (options.db === 'postgres') database = await createTempDatabase();
  const env = createTestEnv({
    docgate: {
      smtp: { listeners: [{ host: '127.0.0.1', port: 0, tls: 'implicit' }], maxConnectionsPerAddress: 200 },
      ...(database ? { database: { url: database.url } } : {}),
      // DOCGATE_BENCH_INSPECTION_THREADS=N: inspection.threads, against the default (0: the main thread).
      ...(process.env.DOCGATE_BENCH_INSPECTION_THREADS ? { inspection: { threads: Number(process.env.DOCGATE_BENCH_INSPECTION_THREADS) } } : {}),
    },
    policy: parse(readFileSync(path.join(REPO_ROOT, 'config/policy.yaml'), 'utf8')),
    trustFrom: SMIME_TRUST,
  });
  let child: ChildProcess | null = null;
  try {
    mkdirSync(path.join(env.dataDir, 'tls'), { recursive: true, mode: 0o700 });
    copyFileSync(options.certificate.certFile, path.join(env.dataDir, 'tls/cert.pem'));
    copyFileSync(options.certificate.keyFile, path.join(env.dataDir, 'tls/key.pem'));
    await addSenderAccount(env, PASSWORD);
    const workers = options.processes > 1 ? ['--workers', String(options.processes)] : [];
    const server = await startServe(env.configDir, env.dataDir, 60_000, workers, options.log ? { DOCGATE_LOG_LEVEL: 'info' } : {});
    child = server.child;
    if (options.log) {
      const file = createWriteStream(options.log, { flags: 'a' });
      server.child.stdout!.pipe(file);
      server.child.stderr!.pipe(file);
    }
    const pid = server.child.pid!;
    return {
      endpoint: { port: server.tlsPort, tls: true, auth: { user: AGENCIES.ubnd.address, pass: PASSWORD } },
      peakRss: () => [pid, ...childPids(pid)].reduce((sum, p) => sum + vmHwm(p), 0),
      cpuSeconds: () => [pid, ...childPids(pid)].reduce((sum, p) => sum + cpuOf(p), 0),
      // A 250 is given after the bytes and rows are durable: nothing is left to wait for.
      drained: () => Promise.resolve(true),
      async stop() {
        await stopProcess(server.child, 'SIGTERM');
        env.cleanup();
        await database?.drop();
      },
    };
  } catch (err) {
    if (child) await stopProcess(child, 'SIGKILL');
    env.cleanup();
    await database?.drop();
    throw err;
  }
}

interface Sink {
  port: number;
  stop(): Promise<void>;
}

/** Postfix's smtp-sink: accepts and discards everything, the ceiling of what a client can push. */
async function startSink(): Promise<Sink> {
  if (!existsSync('/usr/sbin/smtp-sink')) throw new Error('smtp-sink is not installed (Debian package postfix)');
  const port = await freePort();
  const child = spawn('/usr/sbin/smtp-sink', ['-u', 'postfix', `127.0.0.1:${port}`, '256'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`smtp-sink exited: ${stderr}`);
    const open = readFileSync('/proc/net/tcp', 'utf8').includes(`:${port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 0A`);
    if (open) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, stop: () => stopProcess(child, 'SIGTERM') };
}

export async function startSinkTarget(): Promise<Target> {
  const sink = await startSink();
  return {
    endpoint: { port: sink.port, tls: false },
    peakRss: () => NaN,
    cpuSeconds: () => NaN,
    drained: () => Promise.resolve(true),
    stop: () => sink.stop(),
  };
}

export async function startPostfixTarget(certificate: Certificate): Promise<Target> {
  const sink = await startSink();
  let postfix: PostfixPeer;
  try {
    postfix = await startPostfix(['nobody@peer.invalid'], { relayTo: sink.port, implicitTls: true, certificate });
  } catch (err) {
    await sink.stop();
    throw err;
  }
  return {
    endpoint: { port: postfix.port, tls: true },
    peakRss: () => NaN,
    cpuSeconds: () => NaN,
    async drained(maxSeconds) {
      const until = Date.now() + maxSeconds * 1000;
      while (postfix.queued() > 0) {
        if (Date.now() > until) return false;
        await new Promise((r) => setTimeout(r, 20));
      }
      return true;
    },
    async stop() {
      await postfix.stop();
      await sink.stop();
    },
  };
}
