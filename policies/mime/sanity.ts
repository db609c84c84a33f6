// Which MIME problems make a submission malformed, and how each is named to the sender.

import type { MimeProblem, MimeProblemKind } from './types.js';

const PROBLEM_LABELS: Record<MimeProblemKind, string> = {
  'missing-boundary': 'multipart without boundary / thieu boundary',
  'unterminated-multipart': 'unterminated multipart / multipart khong ket thuc',
  'missing-final-boundary': 'missing final boundary / thieu boundary ket thuc',
  'nesting-too-deep': 'MIME nesting too deep / long nhau qua sau',
  'too-many-parts': 'too many MIME parts / qua nhieu phan',
  'header-line-too-long': 'header line over 998 characters / dong tieu de qua dai',
  'header-too-large': 'header too large / phan tieu de qua lon',
  'invalid-header': 'invalid header line / dong tieu de khong hop le',
  'nul-byte': 'NUL byte / ky tu NUL',
  'invalid-base64': 'invalid base64 / base64 khong hop le',
  'invalid-quoted-printable': 'invalid quoted-printable / quoted-printable khong hop le',
  'body-line-too-long': 'body line too long / dong noi dung qua dai',
  'missing-header-body-separator': 'missing blank line after headers / thieu dong trong sau tieu de',
  'duplicate-header': 'duplicate MIME header / tieu de MIME bi lap',
};

export const ALL_PROBLEM_KINDS = Object.keys(PROBLEM_LABELS) as MimeProblemKind[];

export function describeProblem(problem: MimeProblem): string {
  const where = problem.part === '' ? '' : ` (part ${problem.part})`;
  return `${PROBLEM_LABELS[problem.kind]}${where}`;
}
