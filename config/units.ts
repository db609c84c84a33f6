// Human-friendly sizes and durations in the YAML files ("25MiB", "15m"), turned into bytes and milliseconds,
// and the one schema for each that every YAML file uses (docgate.yaml and policy.yaml check options).

import { z } from 'zod';
import { bilingual } from './errors.js';

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1000,
  kib: 1024,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Bytes from a number of bytes or a string such as "25MiB"; null when it is neither. */
function parseSize(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  if (!match) return null;
  const unit = SIZE_UNITS[(match[2] || 'b').toLowerCase()];
  if (unit === undefined) return null;
  const bytes = Math.round(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/** Milliseconds from a number of seconds or a string such as "15m", "300s", "250ms"; null when it is neither. */
function parseDuration(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : null;
  if (typeof value !== 'string') return null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/i.exec(value);
  if (!match) return null;
  return Math.round(Number(match[1]) * DURATION_UNITS[match[2].toLowerCase()]);
}

/** A size in a YAML file: bytes, or a string such as "25MiB"; a bad one is one bilingual problem. */
export const sizeSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const bytes = parseSize(value);
  if (bytes === null) {
    ctx.addIssue({ code: 'custom', ...bilingual('kích thước không hợp lệ (ví dụ: 25MiB, 512KiB)', 'invalid size (e.g. 25MiB, 512KiB)') });
    return z.NEVER;
  }
  return bytes;
});

/** A duration in a YAML file: seconds, or a string such as "15m", "24h"; a bad one is one bilingual problem. */
export const durationSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', ...bilingual('thời lượng không hợp lệ (ví dụ: 15m, 300s, 24h)', 'invalid duration (e.g. 15m, 300s, 24h)') });
    return z.NEVER;
  }
  return ms;
});
