// The CPU-bound middle of a submission: parse the spooled file once, unwrap an opaque signature, build the
// InboundMessage and run the policy on it. It returns only what intake files in the register (the verdict
// and a plain summary of the content), so the same function runs on the main thread or in an inspection
// thread (inspect-worker.ts) and its result crosses the thread boundary as a structured clone.

import type { DocumentMetadata } from '../../policies/metadata/form.js';
import type { PolicyEngine } from '../../policies/engine.js';
import type { InboundMessage, SubmissionFacts } from '../../policies/message.js';
import type { DocumentFileRow } from '../../storage/rows.js';
import type { Verdict } from '../../policies/types.js';
import { buildInboundMessage } from '../../policies/build-message.js';
import { parseMimeFile, structureOf, type MimeParseOptions, type MimeParseResult } from '../../policies/mime/parser.js';
import { unwrapOpaqueSignature } from './unwrap.js';

export interface InspectionInput {
  /** What intake knows before reading the content; `raw.path` is the spooled file. */
  facts: Omit<SubmissionFacts, 'mime'>;
  parse: Pick<MimeParseOptions, 'maxDepth' | 'maxParts' | 'maxHeaderSize' | 'memoryLimit' | 'tempDir'>;
  maxMessageSize: number;
}

/** One file of the submission as the register files it (documents_files), before its position and role. */
type InspectedFile = Pick<DocumentFileRow, 'partPath' | 'filename' | 'size' | 'declaredType' | 'detectedType' | 'sha256'>;

/** The files of a message, in order, as the register files them. */
export function inspectedFiles(message: InboundMessage): InspectedFile[] {
  return message.attachments.map((a) => ({
    partPath: a.path,
    filename: a.filename,
    size: a.size,
    declaredType: a.declaredType,
    detectedType: a.detectedType,
    sha256: a.sha256,
  }));
}

/** The register's file rows: position in the message, and which one is the main document. */
export function fileRows(files: InspectedFile[], mainDocument: number | null): Omit<DocumentFileRow, 'id' | 'documentId'>[] {
  return files.map((file, position) => ({ position, ...file, role: position === mainDocument ? 'main' : 'attachment' }));
}

export interface InspectedContent {
  metadata: DocumentMetadata;
  files: InspectedFile[];
  /** Index in `files` of the main document, or null. */
  mainDocument: number | null;
  messageId: string | null;
  subject: string | null;
  /** The outer MIME tree's IMAP structure (structureOf), as JSON. */
  structure: string;
  /** Where the top-level header block ends in the stored bytes. */
  bodyStart: number;
}

export interface Inspection {
  verdict: Verdict;
  content: InspectedContent;
  /** Milliseconds of parsing (unwrap included) and of the policy checks. */
  phasesMs: { parse: number; policy: number };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

export async function inspectSubmission(input: InspectionInput, engine: PolicyEngine): Promise<Inspection> {
  const started = performance.now();
  const mime = await parseMimeFile(input.facts.raw.path, input.parse);
  let unwrapped: MimeParseResult | null = null;
  try {
    unwrapped = await unwrapOpaqueSignature(mime, input.parse, input.maxMessageSize);
    const parsed = performance.now();
    const message = await buildInboundMessage({ ...input.facts, mime, unwrapped, allowedExtensions: engine.documentExtensions() });
    const verdict = await engine.evaluate(message);
    return {
      verdict,
      content: {
        metadata: message.metadata,
        files: inspectedFiles(message),
        mainDocument: message.mainDocument,
        messageId: message.messageId,
        subject: message.subject,
        structure: JSON.stringify(structureOf(mime.root)),
        bodyStart: mime.root.bodyStart,
      },
      phasesMs: { parse: round(parsed - started), policy: round(performance.now() - parsed) },
    };
  } finally {
    await unwrapped?.dispose();
    await mime.dispose();
  }
}
