// Vietnamese text really encoded in the legacy code tables, and read back the way a mail client or
// Word mislabels it: TCVN3 (ABC) bytes from iconv-lite's `tcvn` table (TCVN 5712), VNI-Windows bytes
// from the VNI code table, then decoded as windows-1252 or iso-8859-1.

import iconv from 'iconv-lite';
import { encodeVni } from '../../policies/encoding/vni.js';

export type Legacy = 'tcvn3' | 'vni';
export type Label = 'windows-1252' | 'iso-8859-1';

/** The bytes a clerk's legacy keyboard driver and font produce for the text. */
export function legacyBytes(text: string, encoding: Legacy): Buffer {
  return encoding === 'tcvn3' ? iconv.encode(text.normalize('NFC'), 'tcvn') : Buffer.from(encodeVni(text), 'latin1');
}

/** The text as software that trusts the label reads those bytes. */
export function misread(text: string, encoding: Legacy, label: Label = 'windows-1252'): string {
  return iconv.decode(legacyBytes(text, encoding), label);
}

/** Administrative Vietnamese as clerks type it (only letters TCVN3's ABC fonts have, Ủ aside). */
export const VIETNAMESE = [
  'Quyết định số 123/QĐ-UBND ngày 21 tháng 11 năm 2026 của Ủy ban nhân dân tỉnh Hà Tĩnh',
  'Về việc ban hành Quy chế quản lý, vận hành và khai thác hệ thống văn bản điện tử',
  'Kính gửi các sở, ban, ngành cấp tỉnh và Ủy ban nhân dân các huyện, thành phố, thị xã',
  'Đề nghị các cơ quan, đơn vị triển khai thực hiện nghiêm túc và báo cáo kết quả trước ngày 30',
  'Giấy mời họp tổng kết công tác chuyển đổi số năm 2026',
];

/** Text that must pass: Unicode Vietnamese (also the rarer kind with Latin-1 letters only), French, English, German. */
export const MUST_PASS = [
  ...VIETNAMESE,
  'Tôi là giáo viên',
  "L'été dernier, nous sommes allés à la plage où il faisait très chaud; déjà à midi, la chaleur était insupportable.",
  'Le décret nº 2026-114 du 21 novembre 2026 relatif à la coopération décentralisée, signé à Hà Nội « en présence du préfet ».',
  'Veuillez agréer, Monsieur le Directeur, l\u2019expression de mes salutations distinguées \u2013 coût : 120 \u20ac.',
  'Please find attached the report on the “digital transformation” programme \u2014 the café meeting is at 10:00.',
  'Größe und Maßstab für die Übersicht; Schöne Grüße aus München.',
  'Kinh gui cac co quan, don vi',
];
