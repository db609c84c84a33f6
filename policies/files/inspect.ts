// The file rules of Quy chế Điều 6, applied to one named file and, for archives, to every member
// recursively with the same rules: name, real content for the extension, active content, encryption,
// archive safety. Produces findings; never throws for bad input.

import { attachmentPathProblem, type ArchiveEntry, type ArchiveLimits, type ArchiveProblem, type ExpansionCounter } from '../archive/types.js';
import { openZip } from '../archive/zip.js';
import { readRar } from '../archive/rar.js';
import type { Finding } from '../finding.js';
import type { ReasonCode } from '../reasons.js';
import { describeNameProblem, extensionOf, nameProblems } from './names.js';
import { inspectOle2 } from './ole2.js';
import { inspectOoxml } from './ooxml.js';
import { inspectPdf } from './pdf.js';
import { sniff, type SniffedKind } from './sniff.js';

export interface FileRules {
  allowed: ReadonlySet<string>;
  archive: ArchiveLimits & { maxDepth: number };
  pdf: { allowEncrypted: boolean; maxInflate: number };
}

export interface InspectState {
  counter: ExpansionCounter;
  findings: Finding[];
  signal?: AbortSignal;
  /** Stop collecting after this many findings (the first decides the verdict anyway). */
  maxFindings: number;
}

const IMAGE_EXTENSIONS = new Set(['jpg', 'jpeg', 'png', 'gif', 'tif', 'tiff', 'bmp', 'webp', 'heic', 'heif']);
const ACTIVE_KINDS = new Set<SniffedKind>(['pe-executable', 'elf-executable', 'macho-executable', 'script', 'html']);

function add(state: InspectState, code: ReasonCode, subject: string, details: Record<string, unknown>): void {
  if (state.findings.length < state.maxFindings) state.findings.push({ code, subject, details: { file: subject, ...details } });
}

function archiveFinding(state: InspectState, label: string, p: ArchiveProblem): void {
  const subject = p.member ? `${label}/${p.member}` : label;
  add(state, p.kind === 'encrypted' ? 'encrypted-content' : 'archive-unsafe', subject, { problem: p.kind, ...(p.detail ? { detail: p.detail } : {}) });
}

/** Applies every rule to one file; `depth` is the number of archives it sits in. */
export async function inspectFile(label: string, name: string | null, data: Buffer, rules: FileRules, state: InspectState, depth = 0): Promise<void> {
  if (state.signal?.aborted || state.findings.length >= state.maxFindings) return;
  const problems = nameProblems(name, rules.allowed);
  if (problems.length > 0) {
    const p = problems[0];
    const image = p.kind === 'extension-not-allowed' && IMAGE_EXTENSIONS.has(p.extension);
    add(state, 'attachment-type', label, { problem: image ? 'image: a scanned document must be sent as PDF' : describeNameProblem(p) });
    return;
  }
  // Top-level attachments: a file name, never a path (archive members get the same rule in zip.ts/rar.ts).
  const pathProblem = depth === 0 ? attachmentPathProblem(name!) : null;
  if (pathProblem) return add(state, 'attachment-type', label, { problem: `path in file name: ${pathProblem}` });
  if (data.length === 0) {
    add(state, 'attachment-content-mismatch', label, { problem: 'empty file' });
    return;
  }
  const extension = extensionOf(name!);
  const kind = sniff(data.subarray(0, 8192), data.length);
  const mismatch = (problem: string) => add(state, 'attachment-content-mismatch', label, { problem, detected: kind, extension });
  if (ACTIVE_KINDS.has(kind)) return mismatch(`content is ${kind}, not .${extension}`);

  switch (extension) {
    case 'pdf': {
      if (kind !== 'pdf') return mismatch(`content is ${kind}, not PDF`);
      const pdf = inspectPdf(data, rules.pdf.maxInflate);
      if (!pdf.structureOk) return mismatch(pdf.structureProblem ?? 'not a complete PDF');
      if (pdf.encrypted && !rules.pdf.allowEncrypted) return add(state, 'encrypted-content', label, { problem: 'encrypted PDF' });
      if (pdf.active.length > 0) return add(state, 'active-content', label, { problem: 'PDF actions', names: pdf.active });
      if (pdf.uninspectable.length > 0)
        return add(state, 'active-content', label, { problem: 'object stream cannot be inspected', filters: pdf.uninspectable });
      if (pdf.inflateExceeded) return add(state, 'archive-unsafe', label, { problem: 'compressed PDF objects expand past the limit' });
      return;
    }
    case 'doc':
    case 'xls': {
      if (kind === 'rtf') return mismatch(`RTF renamed as .${extension}`);
      if (kind !== 'ole2') return mismatch(`content is ${kind}, not an OLE2 compound file`);
      const ole = inspectOle2(data);
      if (!ole.ok) return mismatch(`unreadable compound file: ${ole.error}`);
      if (ole.macros.length > 0) return add(state, 'active-content', label, { problem: 'VBA macros', storages: ole.macros.slice(0, 5) });
      if (ole.encrypted) return add(state, 'encrypted-content', label, { problem: 'password-protected document' });
      const want = extension === 'doc' ? 'word' : 'excel';
      if (ole.application !== want) return mismatch(`compound file has no ${want === 'word' ? 'WordDocument' : 'Workbook'} stream`);
      return;
    }
    case 'docx':
    case 'xlsx': {
      if (kind === 'ole2') {
        const ole = inspectOle2(data);
        if (ole.ok && ole.encrypted) return add(state, 'encrypted-content', label, { problem: 'password-protected document' });
        return mismatch('compound file, not an OOXML package');
      }
      if (kind !== 'zip') return mismatch(`content is ${kind}, not an OOXML package`);
      const ooxml = await inspectOoxml(data, rules.archive, state.counter);
      if (ooxml.problems.length > 0) return archiveFinding(state, label, ooxml.problems[0]);
      if (ooxml.activeContent.length > 0) return add(state, 'active-content', label, { problem: 'macros or ActiveX', parts: ooxml.activeContent.slice(0, 5) });
      if (!ooxml.isPackage) return mismatch('zip without [Content_Types].xml');
      if (ooxml.kind !== extension) return mismatch(`main part is ${ooxml.mainType ?? 'missing'}`);
      return;
    }
    case 'zip':
    case 'rar': {
      if (kind !== extension) return mismatch(`content is ${kind}, not ${extension.toUpperCase()}`);
      if (depth >= rules.archive.maxDepth)
        return add(state, 'archive-unsafe', label, { problem: 'nesting', detail: `archives nested deeper than ${rules.archive.maxDepth}` });
      await forEachMember(label, kind, data, rules.archive, state, async (entry, memberData) => {
        await inspectFile(`${label}/${entry.name}`, entry.name, memberData, rules, state, depth + 1);
      });
      return;
    }
    default:
      // An extension the administrator allowed without a dedicated verifier: only the generic rules apply.
      return;
  }
}

/**
 * Visits every file member of a zip or rar within the limits; unsafe properties become findings on
 * `state` and stop the visit of that archive.
 */
export async function forEachMember(
  label: string,
  kind: 'zip' | 'rar',
  data: Buffer,
  limits: ArchiveLimits,
  state: InspectState,
  visit: (entry: ArchiveEntry, data: Buffer) => Promise<void>,
): Promise<void> {
  if (kind === 'zip') {
    const zip = await openZip(data, limits, state.counter);
    try {
      if (zip.problems.length > 0) return archiveFinding(state, label, zip.problems[0]);
      for (const entry of zip.entries) {
        if (entry.directory || state.signal?.aborted || state.findings.length >= state.maxFindings) continue;
        const read = await zip.read(entry);
        if (!read.ok) return archiveFinding(state, label, read.problem);
        await visit(entry, read.data);
      }
    } finally {
      zip.close();
    }
    return;
  }
  const rar = await readRar(data, limits, state.counter);
  if (rar.problems.length > 0) return archiveFinding(state, label, rar.problems[0]);
  for (const member of rar.members) {
    if (member.entry.directory || member.data === null || state.signal?.aborted) continue;
    await visit(member.entry, member.data);
  }
}
