// File-name rules (Quy chế Điều 6): what a name may look like before its bytes are even read.
// Decision on double extensions: `x.pdf.exe` fails on its final extension; `x.exe.pdf` is refused too
// when any inner dot-segment is an executable or script extension, because mail clients and file
// managers that hide the last extension show it as an executable-looking name ("report.exe").
// `Báo cáo.doc.pdf` (an allowed inner extension, as "save as PDF" produces) is fine.

/** Extensions of programs, scripts and active web content, inner or final. */
const DANGEROUS_EXTENSIONS = new Set([
  'exe',
  'com',
  'bat',
  'cmd',
  'scr',
  'pif',
  'cpl',
  'msi',
  'msp',
  'msc',
  'dll',
  'sys',
  'drv',
  'ocx',
  'vbs',
  'vbe',
  'js',
  'jse',
  'mjs',
  'wsf',
  'wsh',
  'wsc',
  'ps1',
  'psm1',
  'psd1',
  'hta',
  'lnk',
  'reg',
  'inf',
  'jar',
  'class',
  'sh',
  'bash',
  'zsh',
  'csh',
  'ksh',
  'py',
  'pyw',
  'pl',
  'rb',
  'php',
  'apk',
  'app',
  'dmg',
  'deb',
  'rpm',
  'bin',
  'run',
  'elf',
  'iso',
  'img',
  'vhd',
  'vhdx',
  'html',
  'htm',
  'xhtml',
  'mht',
  'mhtml',
  'svg',
  'shtml',
  'url',
  'website',
  'appref-ms',
  'gadget',
  'chm',
  'hlp',
  'settingcontent-ms',
  'library-ms',
  'docm',
  'dotm',
  'xlsm',
  'xltm',
  'xlam',
  'pptm',
  'potm',
  'ppam',
  'sldm',
]);

/** Unicode bidi controls, zero-width and other format characters, C0/C1 controls, NUL. */
export const FORBIDDEN_NAME_CHARS =
  '\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb';
const FORBIDDEN_CHARS = new RegExp(`[${FORBIDDEN_NAME_CHARS}]`, 'u');

export type NameProblem =
  | { kind: 'unnamed' }
  | { kind: 'forbidden-character'; codePoint: string }
  | { kind: 'trailing-dot-or-space' }
  | { kind: 'double-extension'; inner: string }
  | { kind: 'extension-not-allowed'; extension: string };

/** Lower-case final extension without the dot ('' when the name has none). */
export function extensionOf(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/** The last path segment of a name that may carry folders (archive members). */
function baseName(name: string): string {
  return name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
}

export function nameProblems(name: string | null, allowed: ReadonlySet<string>): NameProblem[] {
  if (name === null || name.trim() === '') return [{ kind: 'unnamed' }];
  const problems: NameProblem[] = [];
  const bad = FORBIDDEN_CHARS.exec(name);
  if (bad) problems.push({ kind: 'forbidden-character', codePoint: `U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` });
  const base = baseName(name);
  if (/[. ]$/.test(base)) problems.push({ kind: 'trailing-dot-or-space' });
  const segments = base
    .split('.')
    .slice(1, -1)
    .map((s) => s.trim().toLowerCase());
  const inner = segments.find((s) => DANGEROUS_EXTENSIONS.has(s));
  if (inner) problems.push({ kind: 'double-extension', inner });
  const extension = extensionOf(base.replace(/[. ]+$/, ''));
  if (!allowed.has(extension)) problems.push({ kind: 'extension-not-allowed', extension });
  return problems;
}

export function describeNameProblem(p: NameProblem): string {
  switch (p.kind) {
    case 'unnamed':
      return 'file has no name';
    case 'forbidden-character':
      return `name contains control or bidi character ${p.codePoint}`;
    case 'trailing-dot-or-space':
      return 'name ends with a dot or space';
    case 'double-extension':
      return `double extension (.${p.inner})`;
    case 'extension-not-allowed':
      return p.extension ? `extension .${p.extension} not allowed` : 'name has no extension';
  }
}
