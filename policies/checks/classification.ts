// Quy chế Điều 7.2: some documents go electronically and also on paper. A submission whose type or
// trích yếu falls in those subjects is accepted with `paper-copy-required` (a warning by default; the
// register flags it, see intake's paperCopyRequired). Matching is on diacritics-free lower-case words
// (foldKey) of the Loại văn bản, the Trích yếu and the Subject, so "V/v nâng lương" and
// "V/V NANG LUONG" both match. Phrases are specific ("tổ chức bộ máy", not "tổ chức", which every
// meeting invitation uses). `late-sending` warns when the document leaves after its signing day
// (Quy chế Điều 11: the same day as signing), in the configured time zone.

import { z } from 'zod';
import { foldKey } from '../text/vietnamese.js';
import { localDate, vietnameseDate } from '../text/dates.js';
import type { CheckDefinition, Finding } from '../types.js';

const PAPER_COPY_SUBJECTS = [
  'tài chính',
  'ngân sách',
  'quyết toán',
  'tổ chức bộ máy',
  'tổ chức cán bộ',
  'thành lập',
  'sáp nhập',
  'giải thể',
  'tuyển dụng',
  'thi tuyển',
  'xét tuyển',
  'nâng lương',
  'nâng bậc lương',
  'xếp lương',
  'vật tư',
  'mua sắm',
  'giấy phép đầu tư',
  'chứng nhận đầu tư',
  'chủ trương đầu tư',
  'giao đất',
  'cho thuê đất',
  'thu hồi đất',
  'chuyển mục đích sử dụng đất',
  'khai thác khoáng sản',
  'thăm dò khoáng sản',
  'cấp giấy phép',
  'giấy chứng nhận',
  'chứng chỉ',
  'một cửa',
  'dự án đầu tư xây dựng',
  'đầu tư xây dựng công trình',
  'lựa chọn nhà thầu',
  'đấu thầu',
  'kế hoạch đấu thầu',
];

const options = z.strictObject({
  paperCopySubjects: z.array(z.string().min(2)).default(PAPER_COPY_SUBJECTS),
  /** Days after the signing day still counted as on time (0: same day only). */
  lateAfterDays: z.number().int().min(0).max(365).default(0),
});

function containsPhrase(haystack: string, phrase: string): boolean {
  return ` ${haystack} `.includes(` ${phrase} `);
}

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export const classificationCheck: CheckDefinition<z.output<typeof options>> = {
  id: 'classification',
  stage: 'content',
  description: 'Phan loai Dieu 7.2 (kem ban giay) va gui dung ngay / paper-copy classes and timely sending',
  options,
  needs: [],
  async run(message, ctx) {
    const findings: Finding[] = [];
    const m = message.metadata;
    const text = [m.documentType, m.summary, message.subject]
      .filter((v): v is string => !!v)
      .map(foldKey)
      .join(' | ')
      .replace(/[^a-z0-9| ]+/g, ' ')
      .replace(/\s+/g, ' ');
    const matched = ctx.options.paperCopySubjects.find((phrase) => containsPhrase(text, foldKey(phrase)));
    if (matched) findings.push({ code: 'paper-copy-required', subject: matched, details: { phrase: matched } });
    if (m.signedDate !== null) {
      const today = localDate(ctx.now(), ctx.timeZone);
      if (today > addDays(m.signedDate, ctx.options.lateAfterDays)) {
        findings.push({
          code: 'late-sending',
          subject: `ngày ký / signed ${vietnameseDate(m.signedDate)}`,
          details: { signedDate: m.signedDate, sentOn: today },
        });
      }
    }
    return findings;
  },
};
