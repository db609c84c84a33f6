// Runs the whole suite (or the files given as arguments) with mocha and ends with the line
// "N passed, N failed" alone on a line; exits non-zero on any failure.
//
// The files are a queue pulled by DOCGATE_TEST_SHARDS runner processes (default 4: most tests wait on
// child gateways, fsync and real clients, so more runners than the 2 cores keep both busy). The queue
// is ordered longest first by test/timings.json (each file's last measured wall time; a file not in it
// goes first), so no runner is left with a long file at the end. Each file's output is printed whole
// when it ends; the failures are repeated at the end, then the summed line. A runner that dies (or runs
// one file longer than DOCGATE_TEST_FILE_TIMEOUT_MS) counts as a failure of that file, and a fresh
// runner takes the rest of the queue. DOCGATE_TEST_SHARDS=1 runs everything in this process.
// DOCGATE_TEST_TIMINGS_OUT=FILE writes the measured wall times (the format of test/timings.json).

import Mocha from 'mocha';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './helpers/child.js';

const root = path.dirname(fileURLToPath(import.meta.url));
const repo = path.dirname(root);

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== 'fixtures' && name !== 'helpers') out.push(...findTests(full));
    } else if (name.endsWith('.test.ts')) {
      out.push(full);
    }
  }
  return out;
}

interface Failure {
  title: string;
  error: string;
}

interface FileResult {
  file: string;
  output: string;
  passed: number;
  failed: number;
  failures: Failure[];
  ms: number;
  /** CPU time of the runner and of the child processes it reaped meanwhile (Linux; 0 elsewhere). */
  cpuMs: number;
}

/** utime + stime + cutime + cstime of this process from /proc (clock ticks of 10 ms). */
function cpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields.slice(11, 15).reduce((n, f) => n + Number(f), 0) * 10;
  } catch {
    return 0;
  }
}

/** Runs one file's tests in this process; its output (the spec reporter's and the tests' own) is returned, not printed. */
async function runFile(file: string, grep: string | undefined): Promise<FileResult> {
  const started = Date.now();
  const cpuStarted = cpuMs();
  let output = '';
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  const stderrWrite = process.stderr.write.bind(process.stderr);
  const capture = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    output += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    if (done) process.nextTick(done);
    return true;
  };
  process.stdout.write = capture;
  process.stderr.write = capture;
  const failures: Failure[] = [];
  try {
    const mocha = new Mocha({ timeout: 30_000, reporter: 'spec', ...(grep ? { grep } : {}) });
    mocha.addFile(file);
    await mocha.loadFilesAsync();
    const stats = await new Promise<{ passed: number; failed: number }>((resolve) => {
      const runner = mocha.run((count) => resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? count }));
      runner.on('fail', (test, err: Error) => failures.push({ title: test.fullTitle(), error: err?.stack ?? String(err) }));
    });
    return { file, output, ...stats, failures, ms: Date.now() - started, cpuMs: cpuMs() - cpuStarted };
  } catch (err) {
    const error = (err as Error)?.stack ?? String(err);
    return {
      file,
      output: `${output}\n${error}\n`,
      passed: 0,
      failed: 1,
      failures: [{ title: 'loading the file', error }],
      ms: Date.now() - started,
      cpuMs: cpuMs() - cpuStarted,
    };
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
}

const args = process.argv.slice(2);
const grepIndex = args.indexOf('--grep');
const grep = grepIndex !== -1 ? args.splice(grepIndex, 2)[1] : undefined;

if (args[0] === '--worker') {
  // A runner: runs the files the parent sends, one at a time, and sends each result back.
  process.on('message', (message: { file?: string }) => {
    if (!message.file) process.exit(0);
    void runFile(message.file, grep).then((result) => process.send?.(result));
  });
  process.send?.({ ready: true });
} else {
  const files = args.length > 0 ? args.flatMap((a) => (statSync(a).isDirectory() ? findTests(path.resolve(a)) : [path.resolve(a)])) : findTests(root);
  const runners = Math.max(1, Number(process.env.DOCGATE_TEST_SHARDS ?? 4));
  // Built once here, before any runner starts (runners would otherwise race to rebuild).
  ensureBuilt();
  if (runners === 1 || files.length === 1) {
    const mocha = new Mocha({ timeout: 30_000, reporter: 'spec', ...(grep ? { grep } : {}) });
    for (const file of files) mocha.addFile(file);
    await mocha.loadFilesAsync();
    const runner = mocha.run((failures) => {
      const passed = runner.stats?.passes ?? 0;
      const failed = runner.stats?.failures ?? failures;
      process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
      process.exitCode = failed > 0 ? 1 : 0;
      // Servers and sockets are closed by the tests; a forgotten handle must not hang CI.
      setTimeout(() => process.exit(process.exitCode), 2000).unref();
    });
  } else {
    await runQueue(files, Math.min(runners, files.length));
  }
}

function timingHints(): Record<string, number> {
  try {
    return JSON.parse(readFileSync(path.join(root, 'timings.json'), 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

async function runQueue(files: string[], count: number): Promise<void> {
  const hints = timingHints();
  const rel = (f: string) => path.relative(repo, f);
  const queue = [...files].sort((a, b) => (hints[rel(b)] ?? Infinity) - (hints[rel(a)] ?? Infinity) || a.localeCompare(b));
  const fileTimeout = Number(process.env.DOCGATE_TEST_FILE_TIMEOUT_MS ?? 20 * 60_000);
  const results: FileResult[] = [];
  const started = Date.now();

  const print = (r: FileResult, runner: number) => {
    process.stdout.write(
      `\n===== ${rel(r.file)} (runner ${runner}, ${(r.ms / 1000).toFixed(1)} s wall, ${(r.cpuMs / 1000).toFixed(1)} s CPU, ${r.passed} passed, ${r.failed} failed) =====\n${r.output}`,
    );
  };

  const runnerLoop = (k: number) =>
    new Promise<void>((done) => {
      const child: ChildProcess = spawn(
        process.execPath,
        [...process.execArgv, fileURLToPath(import.meta.url), '--worker', ...(grep ? ['--grep', grep] : [])],
        {
          stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
          env: { ...process.env, DOCGATE_TEST_SHARDS: '1', DOCGATE_TEST_RUNNER: String(k) },
        },
      );
      let current: { file: string; since: number; timer: NodeJS.Timeout } | null = null;
      // What the runner wrote outside a file's capture (a child process's inherited output, a crash).
      let stray = '';
      child.stdout?.on('data', (d: Buffer) => (stray += d.toString('utf8')));
      child.stderr?.on('data', (d: Buffer) => (stray += d.toString('utf8')));
      const next = () => {
        const file = queue.shift();
        if (!file) {
          current = null;
          child.send({});
          return;
        }
        const timer = setTimeout(() => {
          stray += `\nrunner ${k}: ${rel(file)} ran longer than ${fileTimeout} ms; killed\n`;
          child.kill('SIGKILL');
        }, fileTimeout);
        current = { file, since: Date.now(), timer };
        child.send({ file });
      };
      child.on('message', (m: FileResult | { ready: true }) => {
        if ('ready' in m) return next();
        if (current) clearTimeout(current.timer);
        if (stray) m.output += `\n[runner ${k} output]\n${stray}`;
        stray = '';
        results.push(m);
        print(m, k);
        next();
      });
      child.on('close', (code, signal) => {
        if (current) {
          // Died in the middle of a file: that file fails, a fresh runner takes the rest.
          clearTimeout(current.timer);
          const error = `runner ${k} exited (code ${code}, signal ${signal}) while running ${rel(current.file)}`;
          const r: FileResult = {
            file: current.file,
            output: `${stray}\n${error}\n`,
            passed: 0,
            failed: 1,
            failures: [{ title: rel(current.file), error }],
            ms: Date.now() - current.since,
            cpuMs: 0,
          };
          results.push(r);
          print(r, k);
          current = null;
          if (queue.length > 0) return void runnerLoop(k).then(done);
        } else if (stray.trim()) {
          process.stdout.write(`\n[runner ${k} output]\n${stray}`);
        }
        done();
      });
    });

  await Promise.all(Array.from({ length: count }, (_, k) => runnerLoop(k + 1)));
  // A file that never ran (every runner died at start) must not pass silently.
  const ran = new Set(results.map((r) => r.file));
  for (const file of files.filter((f) => !ran.has(f)))
    results.push({ file, output: '', passed: 0, failed: 1, failures: [{ title: rel(file), error: 'never ran' }], ms: 0, cpuMs: 0 });

  const failures = results.flatMap((r) => r.failures.map((f) => ({ file: rel(r.file), ...f })));
  if (failures.length > 0) {
    process.stdout.write(`\n===== failures =====\n`);
    failures.forEach((f, i) => process.stdout.write(`\n${i + 1}) ${f.file}: ${f.title}\n${f.error}\n`));
  }
  const slowest = [...results].sort((a, b) => b.ms - a.ms).slice(0, 10);
  process.stdout.write(
    `\nslowest files (wall s): ${slowest.map((r) => `${rel(r.file)} ${(r.ms / 1000).toFixed(1)}`).join(', ')}; total ${((Date.now() - started) / 1000).toFixed(0)} s with ${count} runners\n`,
  );
  if (process.env.DOCGATE_TEST_TIMINGS_OUT) {
    const times: Record<string, number> = {};
    for (const r of [...results].sort((a, b) => a.file.localeCompare(b.file))) times[rel(r.file)] = r.ms;
    writeFileSync(process.env.DOCGATE_TEST_TIMINGS_OUT, `${JSON.stringify(times, null, 2)}\n`);
    // Beside it, wall and CPU milliseconds per file, for comparing runs.
    writeFileSync(
      `${process.env.DOCGATE_TEST_TIMINGS_OUT}.tsv`,
      results.map((r) => `${rel(r.file)}\t${r.ms}\t${r.cpuMs}\t${r.passed}\t${r.failed}\n`).join(''),
    );
  }
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  process.exit(failed > 0 ? 1 : 0);
}
