// OOXML packages (.docx, .xlsx): a zip whose [Content_Types].xml names the main part. The main part's
// content type tells a document from a macro-enabled one (.docm/.xlsm) or a template; vbaProject.bin
// and ActiveX parts are active content whatever the type says. Reading goes through the same bounded
// zip reader as attachments, so a "docx" that is a zip bomb is refused the same way.

import { openZip } from '../archive/zip.js';
import type { ArchiveLimits, ArchiveProblem, ExpansionCounter } from '../archive/types.js';

type OoxmlKind = 'docx' | 'xlsx' | 'docm' | 'xlsm' | 'other';

const MAIN_TYPES: Record<string, OoxmlKind> = {
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml': 'docx',
  'application/vnd.ms-word.document.macroenabled.main+xml': 'docm',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml': 'xlsx',
  'application/vnd.ms-excel.sheet.macroenabled.main+xml': 'xlsm',
};

/** Parts whose text the content checks read (main text, shared strings, fonts, styles). */
const TEXT_PARTS = ['word/document.xml', 'word/fontTable.xml', 'word/styles.xml', 'xl/sharedStrings.xml', 'xl/styles.xml'];

export interface OoxmlFacts {
  isPackage: boolean;
  kind: OoxmlKind;
  mainType: string | null;
  activeContent: string[];
  encrypted: boolean;
  problems: ArchiveProblem[];
  /** Text parts when asked for, by part name. */
  parts: Map<string, string>;
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([A-Za-z_:][\w:.-]*)\s*=\s*("([^"]*)"|'([^']*)')/g)) out[m[1]] = m[3] ?? m[4] ?? '';
  return out;
}

export async function inspectOoxml(data: Buffer, limits: ArchiveLimits, counter: ExpansionCounter, wantText = false): Promise<OoxmlFacts> {
  const facts: OoxmlFacts = { isPackage: false, kind: 'other', mainType: null, activeContent: [], encrypted: false, problems: [], parts: new Map() };
  const zip = await openZip(data, limits, counter);
  try {
    facts.problems.push(...zip.problems);
    const byName = new Map(zip.entries.map((e) => [e.name, e]));
    for (const entry of zip.entries) {
      if (/(^|\/)vbaProject\.bin$/i.test(entry.name) || /(^|\/)vbaData\.xml$/i.test(entry.name)) facts.activeContent.push(entry.name);
      if (/(^|\/)activeX\//i.test(entry.name)) facts.activeContent.push(entry.name);
    }
    const typesEntry = byName.get('[Content_Types].xml');
    if (!typesEntry || facts.problems.length > 0) return facts;
    const typesRead = await zip.read(typesEntry);
    if (!typesRead.ok) {
      facts.problems.push(typesRead.problem);
      return facts;
    }
    facts.isPackage = true;
    const types = typesRead.data.toString('utf8');
    for (const m of types.matchAll(/<(?:\w+:)?(Override|Default)\b([^>]*)>/g)) {
      const attrs = attributes(m[2]);
      const contentType = (attrs.ContentType ?? '').toLowerCase();
      if (/vbaproject|activex|macroenabled/.test(contentType) && !facts.activeContent.includes(contentType)) facts.activeContent.push(contentType);
      if (m[1] === 'Override' && MAIN_TYPES[contentType] && facts.mainType === null) {
        facts.mainType = contentType;
        facts.kind = MAIN_TYPES[contentType];
      } else if (m[1] === 'Override' && /\.main\+xml$/.test(contentType) && facts.mainType === null) {
        facts.mainType = contentType;
      }
    }
    if (wantText) {
      for (const part of TEXT_PARTS) {
        const entry = byName.get(part);
        if (!entry) continue;
        const read = await zip.read(entry);
        if (read.ok) facts.parts.set(part, read.data.toString('utf8'));
        else facts.problems.push(read.problem);
      }
    }
    return facts;
  } finally {
    zip.close();
  }
}
