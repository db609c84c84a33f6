// The gateway as a child process (`docgate serve`), for crash tests and the CLI.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './env.js';

export const CLI = path.join(REPO_ROOT, 'scripts/docgate.ts');

export interface ServeProcess {
  child: ChildProcess;
  starttlsPort: number;
  tlsPort: number;
  output(): string;
}

export function runCli(args: string[], input?: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
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
export function startServe(configDir: string, dataDir: string, timeoutMs = 20_000): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const extra = process.env.DOCGATE_CHILD_NODE_ARGS ? process.env.DOCGATE_CHILD_NODE_ARGS.split(' ') : [];
    const child = spawn(process.execPath, [...extra, '--import', 'tsx', CLI, 'serve', '--config', configDir, '--data', dataDir], {
      cwd: REPO_ROOT,
      env: { ...process.env, DOCGATE_LOG_LEVEL: 'warn' }, 
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
        resolve({ child, starttlsPort: Number(starttls?.[1] ?? 0), tlsPort: Number(tls?.[1] ?? 0), output: () => out });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => (out += d.toString()));
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
