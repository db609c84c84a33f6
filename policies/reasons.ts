// The reason-code catalog: every stable code with its SMTP reply codes and its Vietnamese and English text.
// Append-only: codes are a public interface (README lists them); never rename or reuse one.
// `{subject}` in a text is replaced by what the finding names (a file name, a field), when it names one.

/** What policy.yaml may make of a reason code. */
export const POLICY_ACTIONS = ['reject', 'warn', 'quarantine', 'ignore'] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

export interface ReasonDefinition {
  /** Basic SMTP reply code used when the code rejects. */
  smtp: number;
  /** RFC 3463 enhanced status code written by reply.ts. */
  enhanced: string;
  vi: string;
  en: string;
  /** What happens when policy.yaml does not say. */
  defaultAction: PolicyAction;
}

function reason(smtp: number, enhanced: string, vi: string, en: string, defaultAction: PolicyAction = 'reject'): ReasonDefinition {
  return { smtp, enhanced, vi, en, defaultAction };
}

export const REASONS = {
  ok: reason(250, '2.0.0', 'Đã nhận văn bản', 'Accepted', 'ignore'),
  'auth-required': reason(535, '5.7.8', 'Xác thực không thành công', 'Authentication failed'),
  'sender-unauthorized': reason(
    550,
    '5.7.1',
    'Địa chỉ gửi không thuộc cơ quan của tài khoản: {subject}',
    "Sender address does not belong to the account's agency: {subject}",
  ),
  'recipient-unknown': reason(
    550,
    '5.1.1',
    'Nơi nhận không phải địa chỉ của cơ quan nào trong hệ thống: {subject}',
    'Recipient is not an address of any configured agency: {subject}',
  ),
  'malformed-mime': reason(550, '5.6.0', 'Cấu trúc thư không hợp lệ: {subject}', 'Malformed message structure: {subject}'),
  'size-limit': reason(552, '5.3.4', 'Thư vượt quá kích thước cho phép: {subject}', 'Message exceeds the size limit: {subject}'),
  'missing-document': reason(550, '5.6.0', 'Thư không kèm văn bản nào', 'The message carries no document'),
  'attachment-type': reason(550, '5.6.1', 'Tệp đính kèm không được phép: {subject}', 'Attachment type not allowed: {subject}'),
  'attachment-content-mismatch': reason(
    550,
    '5.6.1',
    'Nội dung tệp không đúng định dạng khai báo: {subject}',
    'File content does not match its type: {subject}',
  ),
  'active-content': reason(550, '5.6.0', 'Tệp chứa mã thực thi (macro, JavaScript): {subject}', 'File contains active content (macros, JavaScript): {subject}'),
  'archive-unsafe': reason(550, '5.6.0', 'Tệp nén không an toàn: {subject}', 'Unsafe archive: {subject}'),
  'encrypted-content': reason(550, '5.7.5', 'Nội dung bị mã hóa, không kiểm tra được: {subject}', 'Encrypted content cannot be inspected: {subject}'),
  'legacy-encoding': reason(
    550,
    '5.6.0',
    'Văn bản không dùng bảng mã Unicode (TCVN 6909:2001): {subject}',
    'Text is not in Unicode (TCVN 6909:2001): {subject}',
  ),
  'confidential-document': reason(
    550,
    '5.7.1',
    'Văn bản mật không được gửi qua hệ thống: {subject}',
    'Classified documents may not be sent through the system: {subject}',
  ),
  'metadata-invalid': reason(550, '5.7.1', 'Thông tin văn bản không hợp lệ: {subject}', 'Invalid document metadata: {subject}'),
  duplicate: reason(550, '5.7.1', 'Văn bản đã được gửi trước đó: {subject}', 'Document was already sent: {subject}'),
  'signature-invalid': reason(550, '5.7.7', 'Chữ ký số không hợp lệ: {subject}', 'Invalid digital signature: {subject}'),
  'signature-partial': reason(550, '5.7.7', 'Chữ ký số không bao trùm toàn bộ nội dung thư', 'The signature does not cover the whole message'),
  'signature-untrusted': reason(
    550,
    '5.7.5',
    'Chứng thư số không do tổ chức được tin cậy cấp: {subject}',
    'Certificate not issued by a trusted authority: {subject}',
  ),
  'signature-weak-algorithm': reason(550, '5.7.5', 'Chữ ký số dùng thuật toán yếu: {subject}', 'Signature uses a weak algorithm: {subject}'),
  'certificate-expired': reason(550, '5.7.5', 'Chứng thư số đã hết hạn: {subject}', 'Certificate has expired: {subject}'),
  'certificate-not-yet-valid': reason(550, '5.7.5', 'Chứng thư số chưa có hiệu lực: {subject}', 'Certificate is not yet valid: {subject}'),
  'certificate-revoked': reason(550, '5.7.5', 'Chứng thư số đã bị thu hồi: {subject}', 'Certificate has been revoked: {subject}'),
  'certificate-usage': reason(550, '5.7.5', 'Chứng thư số không được dùng để ký: {subject}', 'Certificate is not valid for signing: {subject}'),
  'signer-mismatch': reason(550, '5.7.1', 'Người ký không khớp với địa chỉ gửi: {subject}', 'Signer does not match the sender: {subject}'),
  'paper-copy-required': reason(
    550,
    '5.7.1',
    'Loại văn bản này phải gửi kèm bản giấy: {subject}',
    'This document type must also be sent on paper: {subject}',
    'warn',
  ),
  'late-sending': reason(550, '5.7.1', 'Văn bản gửi sau ngày ký: {subject}', 'Document sent after its signing date: {subject}', 'warn'),
  malware: reason(550, '5.7.1', 'Tệp chứa mã độc: {subject}', 'File contains malware: {subject}'),
  'signature-required': reason(550, '5.7.1', 'Văn bản phải có chữ ký số', 'The document must be digitally signed'),
  'rate-limited': reason(451, '4.7.1', 'Gửi quá nhiều, vui lòng thử lại sau', 'Too many submissions, try again later'),
  'internal-error': reason(451, '4.3.0', 'Lỗi tạm thời của hệ thống, vui lòng gửi lại sau', 'Temporary system error, please try again later'),
  'protocol-violation': reason(550, '5.5.2', 'Vi phạm giao thức SMTP: {subject}', 'SMTP protocol violation: {subject}'),
  'smtputf8-required': reason(
    553,
    '5.6.7',
    'Địa chỉ có ký tự ngoài ASCII cần tham số SMTPUTF8: {subject}',
    'Non-ASCII address requires the SMTPUTF8 parameter: {subject}',
  ),
  'reference-unknown': reason(
    550,
    '5.7.1',
    'Không có văn bản đã gửi của cơ quan mang số ký hiệu được thay thế / cập nhật: {subject}',
    'No sent document of the agency has the number to replace / update: {subject}',
  ),
} as const satisfies Record<string, ReasonDefinition>;

export type ReasonCode = keyof typeof REASONS;

export const REASON_CODES = Object.keys(REASONS) as ReasonCode[];

export function isReasonCode(value: string): value is ReasonCode {
  return Object.prototype.hasOwnProperty.call(REASONS, value);
}

/** Codes that describe a temporary condition: never answered with 5xx, whatever policy.yaml says. */
export function isTemporary(code: ReasonCode): boolean {
  return REASONS[code].smtp >= 400 && REASONS[code].smtp < 500;
}

/** What a finding names: the same text in both languages (a file name) or one text per language. */
export type ReasonSubject = string | { vi: string; en: string };

/** The reason's text in both languages with `{subject}` filled in (or the placeholder's clause removed). */
export function reasonText(code: ReasonCode, subject?: ReasonSubject): { vi: string; en: string } {
  const fill = (template: string, value: string | undefined) => (value ? template.replace('{subject}', value) : template.replace(/:?\s*\{subject\}/, ''));
  const vi = typeof subject === 'object' ? subject.vi : subject;
  const en = typeof subject === 'object' ? subject.en : subject;
  return { vi: fill(REASONS[code].vi, vi), en: fill(REASONS[code].en, en) };
}
