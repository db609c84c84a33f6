// The parsed message as a tree of MIME nodes: the in-memory node (headers, decoded content) and the
// serialisable structure kept with a stored message for IMAP.

import type { PartContent } from './content.js';
import { parseContentType } from './headers.js';
import type { HeaderField, MimeNodeInfo, MimeProblem } from './types.js';

export interface MimeNode extends Omit<MimeNodeInfo, 'children' | 'message'> {
  headers: HeaderField[];
  /** Decoded content of a leaf part (null for multiparts, embedded messages, or when decode is off). */
  content: PartContent | null;
  children: MimeNode[];
  message: MimeNode | null;
}

export interface MimeParseResult {
  root: MimeNode;
  problems: MimeProblem[];
  size: number;
  /** Removes temp files holding large decoded parts. */
  dispose(): Promise<void>;
}

export function newNode(path: string, depth: number, headerStart: number): MimeNode {
  return {
    path,
    depth,
    headerStart,
    headerEnd: headerStart,
    bodyStart: headerStart,
    bodyEnd: headerStart,
    bodyLines: 0,
    contentType: parseContentType(null),
    disposition: null,
    encoding: '7bit',
    contentId: null,
    description: null,
    filename: null,
    headers: [],
    content: null,
    children: [],
    message: null,
    decodedSize: 0,
    decodedSha256: null,
  };
}

/** The serialisable structure (offsets, types, names) stored with a message for IMAP. */
export function structureOf(node: MimeNode): MimeNodeInfo {
  const { headers: _headers, content: _content, children, message, ...info } = node;
  return { ...info, children: children.map(structureOf), message: message ? structureOf(message) : null };
}

/** All nodes, depth first, including embedded messages. */
export function* walk(node: MimeNode): Generator<MimeNode> {
  yield node;
  for (const child of node.children) yield* walk(child);
  if (node.message) yield* walk(node.message);
}
