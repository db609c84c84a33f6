// The files of one stored submission, decoded from its bytes exactly as intake saw them: the message
// parsed once with the gateway's MIME limits (large parts in temp files, not memory), and an opaque
// S/MIME message's inner entity for the files intake recorded under `p7m:` paths.

import type { Config } from '../../../config/load.js';
import type { PartContent } from '../../../policies/mime/content.js';
import { parseMimeFile, walk, type MimeNode, type MimeParseResult } from '../../../policies/mime/parser.js';
import { unwrapOpaqueSignature } from '../../../gateway/intake/unwrap.js';

export interface MessageParts {
  /** The decoded content of the part intake recorded at `partPath`, or null when there is none. */
  content(partPath: string): PartContent | null;
  dispose(): Promise<void>;
}

function index(root: MimeNode): Map<string, MimeNode> {
  const nodes = new Map<string, MimeNode>();
  for (const node of walk(root)) nodes.set(node.path, node);
  return nodes;
}

export async function openMessageParts(config: Config, file: string, tempDir: string, needsInner: boolean): Promise<MessageParts> {
  const options = {
    maxDepth: config.docgate.mime.maxDepth,
    maxParts: config.docgate.mime.maxParts,
    maxHeaderSize: config.docgate.smtp.maxHeaderSize,
    memoryLimit: config.docgate.mime.memoryLimit,
    tempDir,
  };
  const outer = await parseMimeFile(file, options);
  let inner: MimeParseResult | null = null;
  try {
    if (needsInner) inner = await unwrapOpaqueSignature(outer, options, config.docgate.smtp.maxMessageSize);
  } catch (err) {
    await outer.dispose();
    throw err;
  }
  const outerNodes = index(outer.root);
  const innerNodes = inner ? index(inner.root) : new Map<string, MimeNode>();
  return {
    content(partPath) {
      const node = partPath.startsWith('p7m:') ? innerNodes.get(partPath.slice(4)) : outerNodes.get(partPath);
      return node?.content ?? null;
    },
    async dispose() {
      await inner?.dispose();
      await outer.dispose();
    },
  };
}
