// How report values read to a person (HTML) and in a CSV file: numbers, shares, durations, local dates.

import { zonedParts } from '../../policies/text/dates.js';
import type { Cell, CellKind } from './tables.js';

const vnInteger = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 });
const vnPercent = new Intl.NumberFormat('vi-VN', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** "2 ngày 3 giờ", "4 giờ 5 phút", "12 phút", "40 giây". */
function durationVi(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return h > 0 ? `${d} ngày ${h} giờ` : `${d} ngày`;
  if (h > 0) return m > 0 ? `${h} giờ ${m} phút` : `${h} giờ`;
  if (m > 0) return `${m} phút`;
  return `${Math.round(seconds)} giây`;
}

/** dd/mm/yyyy of a yyyy-mm-dd day. */
export const vnDate = (iso: string) => iso.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$3/$2/$1');

/** dd/mm/yyyy HH:mm of an ISO instant in the register's time zone. */
export function vnDateTime(iso: string, timeZone: string): string {
  const p = zonedParts(new Date(iso), timeZone);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** mm/yyyy of a yyyy-mm month. */
export const vnMonth = (month: string) => month.replace(/^(\d{4})-(\d{2})$/, '$2/$1');

/** A value as a person reads it (empty for no value). */
export function displayCell(value: Cell, kind: CellKind, timeZone: string): string {
  if (value === null) return '';
  if (typeof value === 'number') {
    if (kind === 'percent') return vnPercent.format(value);
    if (kind === 'duration') return durationVi(value);
    return vnInteger.format(value);
  }
  if (kind === 'datetime') return vnDateTime(value, timeZone);
  if (kind === 'month') return vnMonth(value);
  return value;
}

/** A value in a CSV file: numbers plain (shares as ratios, durations in seconds), local times ISO-like. */
export function csvCell(value: Cell, kind: CellKind, timeZone: string): string {
  if (value === null) return '';
  if (typeof value === 'number') return kind === 'percent' ? String(Math.round(value * 10_000) / 10_000) : String(value);
  if (kind === 'datetime') {
    const p = zonedParts(new Date(value), timeZone);
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
  }
  return value;
}
