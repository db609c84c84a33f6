// The structured logger: one JSON object per line (pino), passed down explicitly (no global logger).
// Fields named like secrets are redacted wherever they appear, so a mistaken `{ password }` never reaches
// a log file; message content is never logged by callers.

import { pino, stdTimeFunctions, type Logger as Pino } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

export interface LogSink {
  write(line: string): unknown;
}

/** Secrets by field name, at the top level and one level down (`auth.password`). */
const SECRET_FIELDS = ['password', 'pass', 'passwordHash', 'newPassword', 'secret', 'token', 'authorization'];
const REDACT = [...SECRET_FIELDS, ...SECRET_FIELDS.map((f) => `*.${f}`)];

function serializeError(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

function fieldsOf(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = serializeError(v);
  return out;
}

function wrap(p: Pino): Logger {
  const emit = (lvl: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Record<string, unknown>) => {
    if (!p.isLevelEnabled(lvl)) return;
    if (fields) p[lvl](fieldsOf(fields), msg);
    else p[lvl](msg);
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (more) => wrap(p.child(fieldsOf(more))),
  };
}

export function createLogger(level: LogLevel = 'info', sink: LogSink = process.stderr, bindings: Record<string, unknown> = {}): Logger {
  const p = pino(
    {
      level,
      base: null,
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT, censor: '[redacted]' },
      // Errors are already plain objects (serializeError): keep them as they are.
      serializers: { err: (value: unknown) => value },
    },
    sink,
  );
  return wrap(Object.keys(bindings).length > 0 ? p.child(fieldsOf(bindings)) : p);
}

export const silentLogger: Logger = createLogger('silent');

export function logLevelFromEnv(fallback: LogLevel = 'info'): LogLevel {
  const value = process.env.DOCGATE_LOG_LEVEL;
  return value && (LEVELS as readonly string[]).includes(value) ? (value as LogLevel) : fallback;
}
