// APPEND of a literal8 carrying NUL (RFC 3516 4.4): the server may store it as binary or convert it.
// docgate converts, as Dovecot does: every leaf part whose body holds NUL is re-encoded as base64 and
// its Content-Transfer-Encoding becomes base64, so FETCH BODY[] stays a legal IMAP literal while
// FETCH BINARY[] still returns the original bytes. NUL anywhere else (headers, multipart preamble)
// cannot be represented: the caller answers NO.

import { parseMimeBuffer, walk, type MimeNode } from '../../../policies/mime/parser.js';

const CTE_FIELD = /^content-transfer-encoding[ \t]*:/i;

function isLeaf(node: MimeNode): boolean {
  return node.children.length === 0 && !node.message && node.contentType.type !== 'multipart';
}

function base64Lines(body: Buffer): string {
  const text = body.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += 76) lines.push(text.slice(i, i + 76));
  return lines.join('\r\n');
}

/** The part's header with its Content-Transfer-Encoding field(s) replaced by base64. */
function rewriteHeader(data: Buffer, node: MimeNode): Buffer {
  const header = data.subarray(node.headerStart, node.headerEnd).toString('latin1');
  const lines = header.split(/(?<=\n)/);
  const kept: string[] = [];
  let skipping = false;
  for (const line of lines) {
    if (skipping && /^[ \t]/.test(line)) continue;
    skipping = CTE_FIELD.test(line);
    if (!skipping) kept.push(line);
  }
  let text = kept.join('');
  if (text.length > 0 && !text.endsWith('\n')) text += '\r\n';
  text += 'Content-Transfer-Encoding: base64\r\n';
  const separator = data.subarray(node.headerEnd, node.bodyStart);
  return Buffer.concat([Buffer.from(text, 'latin1'), separator.length > 0 ? separator : Buffer.from('\r\n')]);
}

/**
 * The message with NUL-bearing leaf bodies base64-encoded; null when a NUL sits outside any leaf body
 * (the message cannot be converted).
 */
export async function convertBinaryMessage(data: Buffer, options: { maxDepth: number; maxParts: number }): Promise<Buffer | null> {
  const parsed = await parseMimeBuffer(data, { decode: false, maxDepth: options.maxDepth, maxParts: options.maxParts });
  try {
    const targets = [...walk(parsed.root)]
      .filter((node) => isLeaf(node) && data.subarray(node.bodyStart, node.bodyEnd).indexOf(0) !== -1)
      .sort((a, b) => a.headerStart - b.headerStart);
    const pieces: Buffer[] = [];
    let at = 0;
    for (const node of targets) {
      if (node.headerStart < at) return null;
      pieces.push(data.subarray(at, node.headerStart), rewriteHeader(data, node));
      const body = base64Lines(data.subarray(node.bodyStart, node.bodyEnd));
      pieces.push(Buffer.from(node.bodyEnd >= data.length ? `${body}\r\n` : body, 'latin1'));
      at = node.bodyEnd;
    }
    pieces.push(data.subarray(at));
    const out = Buffer.concat(pieces);
    return out.indexOf(0) === -1 ? out : null;
  } finally {
    await parsed.dispose();
  }
}
