// Document types of NĐ 30/2020 Phụ lục III with their abbreviations (DOMAIN.md), and the shape of a
// số, ký hiệu. Công văn has no abbreviation: its ký hiệu is the agency's plus the drafting unit.

import { foldKey } from '../text/vietnamese.js';

const DOCUMENT_TYPES: Readonly<Record<string, string | null>> = {
  'Nghị quyết': 'NQ',
  'Quyết định': 'QĐ',
  'Chỉ thị': 'CT',
  'Quy chế': 'QC',
  'Quy định': 'QyĐ',
  'Thông cáo': 'TC',
  'Thông báo': 'TB',
  'Hướng dẫn': 'HD',
  'Chương trình': 'CTr',
  'Kế hoạch': 'KH',
  'Phương án': 'PA',
  'Đề án': 'ĐA',
  'Dự án': 'DA',
  'Báo cáo': 'BC',
  'Biên bản': 'BB',
  'Tờ trình': 'TTr',
  'Hợp đồng': 'HĐ',
  'Công điện': 'CĐ',
  'Bản ghi nhớ': 'BGN',
  'Bản thỏa thuận': 'BTT',
  'Giấy ủy quyền': 'GUQ',
  'Giấy mời': 'GM',
  'Giấy giới thiệu': 'GGT',
  'Giấy nghỉ phép': 'GNP',
  'Phiếu gửi': 'PG',
  'Phiếu chuyển': 'PC',
  'Phiếu báo': 'PB',
  'Công văn': null,
  'Bản sao y': 'SY',
  'Bản trích sao': 'TrS',
  'Bản sao lục': 'SL',
};

/** "hoa"/"hoà" and "uy"/"uỷ" are both written: fold the old tone placement too. */
function typeKey(text: string): string {
  return foldKey(text).replace(/\s+/g, ' ');
}

const BY_KEY = new Map(Object.entries(DOCUMENT_TYPES).map(([name, abbr]) => [typeKey(name), { name, abbr }]));

/** The canonical type for a written one (any case, with or without diacritics), or null. */
export function documentTypeOf(written: string): { name: string; abbr: string | null } | null {
  return BY_KEY.get(typeKey(written)) ?? null;
}

/**
 * NĐ 30 số, ký hiệu: a number with a leading zero below 10, an optional year for normative documents
 * ("12/2020/NĐ-CP"), then abbreviation groups joined by "-", no spaces.
 */
const NUMBER_SHAPE = /^(0[1-9]|[1-9]\d{1,6})(?:\/(\d{4}))?\/([A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-ZĐ][A-Za-zĐđ0-9]*)*)$/u;

export interface ParsedNumber {
  number: number;
  year: number | null;
  groups: string[];
}

export function parseDocumentNumber(text: string): ParsedNumber | null {
  const m = NUMBER_SHAPE.exec(text.normalize('NFC').trim());
  if (!m) return null;
  return { number: Number(m[1]), year: m[2] ? Number(m[2]) : null, groups: m[3].split('-') };
}

/** Compares two số ký hiệu as written (NFC, spaces ignored, case-sensitive like the register). */
export function sameDocumentNumber(a: string, b: string): boolean {
  const norm = (s: string) => s.normalize('NFC').replace(/\s+/g, '');
  return norm(a) === norm(b);
}
