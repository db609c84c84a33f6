// A file's declared Content-Type against its name (mime-types, the mime-db tables): `qd.pdf` sent as
// application/x-msdownload says the sender's program knew it was something else. Generic types
// (application/octet-stream and kin) and types mime-db does not know make no claim and pass.

import mimeTypes from 'mime-types';
import { extensionOf } from './names.js';

const GENERIC_TYPES = new Set([
  'application/octet-stream',
  'application/x-download',
  'application/download',
  'application/force-download',
  'application/binary',
  'application/unknown',
  'binary/octet-stream',
]);

// Clients label a document with its family's older or newer type (Word 97 for .docx, say): same family passes.
const FAMILIES: string[][] = [
  ['doc', 'docx', 'dot', 'dotx', 'docm', 'rtf'],
  ['xls', 'xlsx', 'xlt', 'xltx', 'xlsm', 'xlm', 'xla', 'xlc', 'xlw'],
  ['ppt', 'pptx', 'pps', 'ppsx', 'pot', 'potx'],
  ['zip', 'rar', '7z'],
];

function family(extension: string): string {
  return FAMILIES.find((f) => f.includes(extension))?.[0] ?? extension;
}

/** The declared type when it names another kind of file than the file name does; null when they agree or it claims nothing. */
export function declaredTypeConflict(filename: string, declaredType: string): string | null {
  const declared = declaredType.trim().toLowerCase();
  if (GENERIC_TYPES.has(declared)) return null;
  const known = mimeTypes.extensions[declared];
  if (!known || known.length === 0) return null;
  const extension = extensionOf(filename);
  if (!extension) return null;
  const wanted = family(extension);
  return known.some((e) => family(e) === wanted) ? null : declared;
}
