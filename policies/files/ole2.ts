// OLE2 compound files (.doc, .xls) read with the `cfb` package: which application stream is there
// (WordDocument / Workbook), VBA macro storages, and the encryption markers of Word, Excel and
// encrypted OOXML packages (which are OLE2 files with an EncryptedPackage stream).

import CFB from 'cfb';
import { ole2StructureProblem } from './ole2-guard.js';

export interface Ole2Facts {
  ok: boolean;
  error?: string;
  application: 'word' | 'excel' | 'other';
  macros: string[];
  encrypted: boolean;
}

const MACRO_STORAGES = new Set(['macros', '_vba_project_cur', 'vba', '_vba_project']);

function wordEncrypted(stream: Buffer | null): boolean {
  // FIB base: wIdent 0xA5EC at 0, flags at 0x0A; fEncrypted is bit 8 (0x0100).
  if (!stream || stream.length < 12 || stream.readUInt16LE(0) !== 0xa5ec) return false;
  return (stream.readUInt16LE(0x0a) & 0x0100) !== 0;
}

function excelEncrypted(stream: Buffer | null): boolean {
  // A FILEPASS record (0x002F) right after BOF marks an encrypted workbook; look at the first records.
  if (!stream) return false;
  let pos = 0;
  for (let i = 0; i < 16 && pos + 4 <= stream.length; i++) {
    const type = stream.readUInt16LE(pos);
    const length = stream.readUInt16LE(pos + 2);
    if (type === 0x002f) return true;
    pos += 4 + length;
  }
  return false;
}

export function inspectOle2(data: Buffer): Ole2Facts {
  const unsafe = ole2StructureProblem(data);
  if (unsafe) return { ok: false, error: unsafe, application: 'other', macros: [], encrypted: false };
  let container: CFB.CFB$Container;
  try {
    container = CFB.read(data, { type: 'buffer' });
  } catch (err) {
    return { ok: false, error: (err as Error).message, application: 'other', macros: [], encrypted: false };
  }
  const streams = new Map<string, Buffer>();
  const macros: string[] = [];
  container.FullPaths.forEach((fullPath, i) => {
    const segments = fullPath
      .split('/')
      .filter(Boolean)
      .slice(1)
      .map((s) => s.toLowerCase());
    if (segments.some((s) => MACRO_STORAGES.has(s)) && !macros.includes(fullPath)) macros.push(fullPath);
    const entry = container.FileIndex[i];
    // A view, not a copy: cfb already holds every stream once, and only the first bytes are read.
    if (segments.length === 1 && entry?.type === 2 && entry.content) {
      const content = entry.content;
      streams.set(segments[0], content instanceof Uint8Array ? Buffer.from(content.buffer, content.byteOffset, content.byteLength) : Buffer.from(content));
    }
  });
  const application = streams.has('worddocument') ? 'word' : streams.has('workbook') || streams.has('book') ? 'excel' : 'other';
  const encrypted =
    streams.has('encryptedpackage') ||
    wordEncrypted(streams.get('worddocument') ?? null) ||
    excelEncrypted(streams.get('workbook') ?? streams.get('book') ?? null);
  return { ok: true, application, macros, encrypted };
}
