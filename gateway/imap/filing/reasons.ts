// Why a clerk returns a document (trả lại), chosen in the mail client as an IMAP keyword (a "tag") on
// the message before it is moved to "Trả lại". The keyword names a fixed reason with its text in both
// languages; a document moved without one is returned with "no reason given".

export interface ReturnReason {
  keyword: string;
  vi: string;
  en: string;
}

const RETURN_REASONS: readonly ReturnReason[] = [
  { keyword: '$TraLai-SaiNoiNhan', vi: 'Gửi nhầm nơi nhận, văn bản không gửi cho cơ quan này', en: 'Sent to the wrong agency' },
  { keyword: '$TraLai-SaiTheThuc', vi: 'Sai thể thức, kỹ thuật trình bày văn bản', en: 'Wrong form or presentation of the document' },
  { keyword: '$TraLai-ThieuTep', vi: 'Thiếu tệp văn bản hoặc tệp đính kèm không mở được', en: 'A document file is missing or cannot be opened' },
  { keyword: '$TraLai-ChuKySo', vi: 'Chữ ký số không hợp lệ', en: 'The digital signature is not valid' },
  { keyword: '$TraLai-KhongThamQuyen', vi: 'Không thuộc thẩm quyền giải quyết của cơ quan', en: "Not within the agency's competence" },
  { keyword: '$TraLai-Khac', vi: 'Lý do khác, xin liên hệ văn thư cơ quan nhận', en: "Other reason, please contact the receiving agency's clerk" },
];

export const NO_REASON: Omit<ReturnReason, 'keyword'> = { vi: 'Không ghi lý do', en: 'No reason given' };

export function returnReasonKeywords(): string[] {
  return RETURN_REASONS.map((r) => r.keyword);
}

/** The register note of a return: the reasons' Vietnamese texts, then the English ones (filing.ts writes it). */
export function returnNote(reasons: readonly ReturnReason[]): string {
  const r = reasons.length > 0 ? { vi: reasons.map((x) => x.vi).join('; '), en: reasons.map((x) => x.en).join('; ') } : NO_REASON;
  return `${r.vi} / ${r.en}`;
}

/** Code of a reason in reports: its keyword without `$TraLai-` (`SaiNoiNhan`); `KhongGhiLyDo` for none. */
export const NO_REASON_CODE = 'KhongGhiLyDo';
export const reasonCode = (r: ReturnReason): string => r.keyword.replace(/^\$TraLai-/, '');

/**
 * The reasons a stored return note names (the inverse of returnNote): reports count returns by reason.
 * A note written otherwise (by hand, by an older version) names none of them and is reported as is.
 */
export function reasonsOfNote(note: string | null): { reasons: ReturnReason[]; none: boolean } {
  if (note === null || note === `${NO_REASON.vi} / ${NO_REASON.en}`) return { reasons: [], none: true };
  const vi = note.split(' / ')[0].split('; ');
  return { reasons: RETURN_REASONS.filter((r) => vi.includes(r.vi)), none: false };
}

/** The reasons named by a message's keywords (case-insensitive), in catalogue order. */
export function reasonsFromFlags(flags: string[]): ReturnReason[] {
  const set = new Set(flags.map((f) => f.toLowerCase()));
  return RETURN_REASONS.filter((r) => set.has(r.keyword.toLowerCase()));
}
