// ESEARCH (RFC 4731): "SEARCH RETURN (MIN MAX ALL COUNT) ..." and the "* ESEARCH (TAG ..)" reply, also
// used by ESORT (RFC 5267). RETURN is peeled off before the ordinary search-key parser sees the rest.

import { BadCommand, type Token } from '../protocol/tokens.js';

export type ReturnOption = 'MIN' | 'MAX' | 'ALL' | 'COUNT';
const OPTIONS: ReadonlySet<string> = new Set(['MIN', 'MAX', 'ALL', 'COUNT']);

export interface WithReturn {
  /** null: a plain SEARCH (untagged "* SEARCH" reply). */
  options: Set<ReturnOption> | null;
  rest: Token[];
}

export function peelReturn(tokens: Token[]): WithReturn {
  const first = tokens[0];
  if (first?.type !== 'atom' || first.section || first.value.toUpperCase() !== 'RETURN') return { options: null, rest: tokens };
  const list = tokens[1];
  if (list?.type !== 'list') throw new BadCommand('RETURN needs a list of options');
  const options = new Set<ReturnOption>();
  for (const item of list.items) {
    const name = item.type === 'atom' && !item.section ? item.value.toUpperCase() : '';
    if (!OPTIONS.has(name)) throw new BadCommand('Unknown RETURN option');
    options.add(name as ReturnOption);
  }
  // RFC 4731 3.1: "RETURN ()" means ALL.
  if (options.size === 0) options.add('ALL');
  return { options, rest: tokens.slice(2) };
}

/** A sequence set keeping the given order, joining runs of consecutive ascending numbers ("1:3,5"). */
export function compressSet(nums: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < nums.length;) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j] + 1) j++;
    parts.push(j > i ? `${nums[i]}:${nums[j]}` : `${nums[i]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export interface EsearchItem {
  id: number;
  modseq: number;
}

/** The ESEARCH response text after "* ". `items` in result order (sorted for SORT, ascending for SEARCH). */
export function esearchLine(tag: string, uid: boolean, options: Set<ReturnOption>, items: EsearchItem[], withModseq: boolean): string {
  let line = `ESEARCH (TAG "${tag.replace(/["\\]/g, '\\$&')}")${uid ? ' UID' : ''}`;
  let highest = 0;
  if (items.length > 0) {
    const ids = items.map((i) => i.id);
    let min = items[0];
    let max = items[0];
    for (const it of items) {
      if (it.id < min.id) min = it;
      if (it.id > max.id) max = it;
    }
    if (options.has('MIN')) {
      line += ` MIN ${min.id}`;
      highest = Math.max(highest, min.modseq);
    }
    if (options.has('MAX')) {
      line += ` MAX ${max.id}`;
      highest = Math.max(highest, max.modseq);
    }
    if (options.has('ALL')) line += ` ALL ${compressSet(ids)}`;
    // RFC 7162 3.1.5: with ALL or COUNT the highest mod-sequence of all results, else of MIN/MAX only.
    if (options.has('ALL') || options.has('COUNT')) for (const it of items) highest = Math.max(highest, it.modseq);
  }
  if (options.has('COUNT')) line += ` COUNT ${items.length}`;
  if (withModseq && items.length > 0) line += ` MODSEQ ${highest}`;
  return line;
}
