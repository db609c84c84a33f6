// The shape of a parsed message: a tree of MIME nodes with exact byte offsets into the stored bytes,
// so S/MIME can verify the exact signed bytes and IMAP can serve BODY[section] without re-encoding.

export interface HeaderField {
  /** Lower-case field name. */
  key: string;
  /** Field name as written. */
  name: string;
  /** Unfolded value, decoded as UTF-8 (RFC 6532) with invalid bytes replaced; encoded-words are NOT decoded. */
  value: string;
}

export interface ContentType {
  /** Lower-case "type/subtype"; "text/plain" when missing (RFC 2045 default). */
  value: string;
  type: string;
  subtype: string;
  /** Lower-case parameter names; RFC 2231 continuations and charsets already decoded. */
  params: Record<string, string>;
  /** True when the header was present. */
  explicit: boolean;
}

export interface ContentDisposition {
  value: string;
  params: Record<string, string>;
}

export type MimeProblemKind =
  | 'missing-boundary'
  | 'unterminated-multipart'
  | 'missing-final-boundary'
  | 'nesting-too-deep'
  | 'too-many-parts'
  | 'header-line-too-long'
  | 'header-too-large'
  | 'invalid-header'
  | 'nul-byte'
  | 'invalid-base64'
  | 'invalid-quoted-printable'
  | 'body-line-too-long'
  | 'missing-header-body-separator'
  | 'duplicate-header';

export interface MimeProblem {
  kind: MimeProblemKind;
  /** IMAP-style part path ("" for the top level, "1.2" for nested parts). */
  part: string;
  detail?: string;
}

export interface MimeNodeInfo {
  /** IMAP section number: "" for the root, "1", "1.2", ...; for message/rfc822 children, the embedded message's parts. */
  path: string;
  depth: number;
  /** Byte offsets into the raw message (submitted bytes, without docgate's prepended trace headers). */
  headerStart: number;
  /** First byte of the body (after the blank line). Equal to headerEnd + separator length. */
  bodyStart: number;
  /** End of the header block, excluding the blank separator line. */
  headerEnd: number;
  /** End of the body, excluding the CRLF that belongs to the next boundary delimiter. */
  bodyEnd: number;
  /** Number of lines in the body as stored (for IMAP BODYSTRUCTURE of text parts). */
  bodyLines: number;
  contentType: ContentType;
  disposition: ContentDisposition | null;
  /** Lower-case Content-Transfer-Encoding, "7bit" when missing. */
  encoding: string;
  contentId: string | null;
  description: string | null;
  /** Decoded file name (RFC 2231 / RFC 2047), NFC, or null when the part names none. */
  filename: string | null;
  /** Multipart children, in order. */
  children: MimeNodeInfo[];
  /** For message/rfc822 (not transfer-encoded): the embedded message's root node. */
  message: MimeNodeInfo | null;
  /** For leaf parts: size and SHA-256 of the decoded content. */
  decodedSize: number;
  decodedSha256: string | null;
}
