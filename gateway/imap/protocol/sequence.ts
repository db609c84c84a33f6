// Sequence sets (RFC 3501 9: "1:3,5,7:*"): parsed once, resolved against a mailbox's UIDs with sorted,
// merged intervals, so a hostile set like "1:4294967295" or ten thousand single numbers stays cheap.

import { BadCommand } from './tokens.js';

type SeqNumber = number | '*';
export interface SeqRange {
  start: SeqNumber;
  end: SeqNumber;
}

const MAX = 4294967295;

function seqNumber(text: string): SeqNumber {
  if (text === '*') return '*';
  if (!/^[1-9]\d{0,9}$/.test(text)) throw new BadCommand('Invalid sequence set');
  const n = Number(text);
  if (n > MAX) throw new BadCommand('Invalid sequence set');
  return n;
}

export function parseSequenceSet(text: string): SeqRange[] {
  if (text.length === 0) throw new BadCommand('Invalid sequence set');
  return text.split(',').map((item) => {
    const parts = item.split(':');
    if (parts.length === 1) {
      const n = seqNumber(parts[0]);
      return { start: n, end: n };
    }
    if (parts.length !== 2) throw new BadCommand('Invalid sequence set');
    return { start: seqNumber(parts[0]), end: seqNumber(parts[1]) };
  });
}

/** Sorted, merged [lo, hi] intervals with '*' replaced by `star`. */
export function intervals(ranges: SeqRange[], star: number): [number, number][] {
  const raw = ranges.map((r) => {
    const a = r.start === '*' ? star : r.start;
    const b = r.end === '*' ? star : r.end;
    return a <= b ? [a, b] : [b, a];
  });
  raw.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const r of raw) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** Whether n falls in sorted, merged intervals: binary search, so a set of thousands of ranges costs log n per message. */
export function inSpans(spans: [number, number][], n: number): boolean {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (n < spans[mid][0]) hi = mid - 1;
    else if (n > spans[mid][1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Members of a sorted number list that fall in the intervals. */
export function pick(sorted: number[], spans: [number, number][]): number[] {
  const out: number[] = [];
  let i = 0;
  for (const [lo, hi] of spans) {
    while (i < sorted.length && sorted[i] < lo) i++;
    while (i < sorted.length && sorted[i] <= hi) out.push(sorted[i++]);
  }
  return out;
}

/** UIDs named by message sequence numbers; a number beyond the mailbox is an error (RFC 3501 9). */
export function resolveSequenceNumbers(ranges: SeqRange[], uids: number[]): number[] {
  for (const r of ranges) {
    for (const n of [r.start, r.end]) {
      if (n !== '*' && n > uids.length) throw new BadCommand('Invalid message sequence number');
    }
  }
  if (uids.length === 0) return [];
  const spans = intervals(ranges, uids.length);
  const out: number[] = [];
  for (const [lo, hi] of spans) for (let s = lo; s <= hi; s++) out.push(uids[s - 1]);
  return out;
}

/** Existing UIDs named by a UID set; '*' is the highest UID in use (RFC 3501 6.4.8). */
export function resolveUidSet(ranges: SeqRange[], uids: number[]): number[] {
  if (uids.length === 0) return [];
  return pick(uids, intervals(ranges, uids[uids.length - 1]));
}

/** Compact form of a list of numbers: 1:3,7,9:10 (used in UIDPLUS responses). */
export function formatSet(numbers: number[]): string {
  const sorted = [...numbers];
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
