// The gateway as a child process (`docgate serve`) and the CLI, run from the compiled build in dist/
// exactly as `npm start` runs them; rebuilt first when a source file is newer than the build.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './env.js';

export const CLI = path.join(REPO_ROOT, 'dist/scripts/docgate.js');
const SOURCE_DIRS = ['config', 'gateway', 'policies', 'scripts', 'storage'];

/**
 * The allocator settings `npm start` runs the gateway with (README): few malloc arenas and no dynamic
 * mmap threshold, so large buffers freed after a submission go back to the system.
 */
export const SERVE_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' };
let built = false;

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

const BUILD_INFO = path.join(REPO_ROOT, 'dist/.tsbuildinfo');
const BUILD_STAMP = path.join(REPO_ROOT, 'dist/.test-build-stamp');

function mtimeOr0(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Builds dist/ when it is missing or older than the sources (npm test builds first anyway). Incremental
 * tsc rewrites only what changed, so the build's time is the newest of the CLI, tsc's .tsbuildinfo
 * (rewritten by every build that changed something) and a stamp written after a build made here (a
 * source touched without a change makes tsc write nothing).
 */
export function ensureBuilt(): void {
  if (built) return;
  const buildTime = mtimeOr0(CLI) === 0 ? 0 : Math.max(mtimeOr0(CLI), mtimeOr0(BUILD_INFO), mtimeOr0(BUILD_STAMP));
  const newest = Math.max(...SOURCE_DIRS.map((d) => newestSource(path.join(REPO_ROOT, d))));
  if (newest > buildTime) {
    const startedAt = Date.now();
    execFileSync(path.join(REPO_ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: REPO_ROOT, stdio: 'inherit' });
    writeFileSync(BUILD_STAMP, '');
    // Sources edited while tsc ran are newer than the stamp: the next process builds again.
    utimesSync(BUILD_STAMP, new Date(startedAt), new Date(startedAt));
  }
  built = true;
}

export interface ServeProcess {
  child: ChildProcess;
  starttlsPort: number;
  tlsPort: number;
  /** IMAP ports (0 when the configuration has no IMAP listener). */
  imapTlsPort: number;
  imapStarttlsPort: number;
  /** The admin listener (metrics, healthz, readyz; 0 when disabled). */
  adminPort: number;
  output(): string;
}

export function runCli(args: string[], input?: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  ensureBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** Starts `docgate serve` and resolves once it printed its listening ports. */
/** `docgate …` against one configuration and data directory. */
export function cliFor(dirs: { configDir: string; dataDir: string }): (args: string[], input?: string) => ReturnType<typeof runCli> {
  return (args, input) => runCli([...args, '--config', dirs.configDir, '--data', dirs.dataDir], input);
}

/** A permanent account added as an administrator adds it (`docgate account add --password-stdin --permanent`). */
export async function addAccountWithCli(dirs: { configDir: string; dataDir: string }, address: string, agencyId: string, password: string): Promise<void> {
  const added = await cliFor(dirs)(['account', 'add', address, '--agency', agencyId, '--password-stdin', '--permanent'], `${password}\n`);
  if (added.code !== 0) throw new Error(`docgate account add ${address} exited ${added.code}: ${added.stderr}`);
}

export function startServe(
  configDir: string,
  dataDir: string,
  timeoutMs = 20_000,
  serveArgs: string[] = [],
  serveEnv: NodeJS.ProcessEnv = {},
): Promise<ServeProcess> {
  ensureBuilt();
  return new Promise((resolve, reject) => {
    const extra = process.env.DOCGATE_CHILD_NODE_ARGS ? process.env.DOCGATE_CHILD_NODE_ARGS.split(' ') : [];
    const child = spawn(process.execPath, [...extra, CLI, 'serve', ...serveArgs, '--config', configDir, '--data', dataDir], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...SERVE_ENV, DOCGATE_LOG_LEVEL: 'warn', ...serveEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`docgate serve did not start in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('docgate is running')) {
        clearTimeout(timer);
        const starttls = /SMTP STARTTLS: [\d.]+:(\d+)/.exec(out);
        const tls = /SMTP TLS: [\d.]+:(\d+)/.exec(out);
        const port = (re: RegExp) => Number(re.exec(out)?.[1] ?? 0);
        resolve({
          child,
          starttlsPort: Number(starttls?.[1] ?? 0),
          tlsPort: Number(tls?.[1] ?? 0),
          imapTlsPort: port(/IMAP TLS: [\d.]+:(\d+)/),
          imapStarttlsPort: port(/IMAP STARTTLS: [\d.]+:(\d+)/),
          adminPort: port(/Admin \(metrics, healthz, readyz\): http:\/\/[\d.]+:(\d+)/),
          output: () => out,
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!out.includes('docgate is running')) reject(new Error(`docgate serve exited with ${code}:\n${out}`));
    });
  });
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
