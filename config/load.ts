// Loads, validates and freezes the configuration directory. A bad file is reported as
// `file:line: field: Vietnamese / English` for every problem at once.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { agenciesSchema, docgateSchema, type Agency, type DocgateConfigFile } from './schema.js';
import { describeIssue, formatPath } from './errors.js';

export const CONFIG_FILES = {
  docgate: 'docgate.yaml',
  agencies: 'agencies.yaml',
  policy: 'policy.yaml',
} as const;

export interface Config {
  readonly configDir: string;
  readonly dataDir: string;
  readonly docgate: DocgateConfigFile;
  readonly agencies: readonly Agency[];
}

export interface ConfigProblem {
  file: string;
  line: number;
  field: string;
  vi: string;
  en: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}

function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}: ${p.field ? `${p.field}: ` : ''}${p.vi} / ${p.en}`;
}

interface ParsedFile {
  display: string;
  doc: Document | null;
  lines: LineCounter;
  value: unknown;
}

/** Vietnamese for the YAML parser's error codes (its English message is kept beside it). */
function yamlErrorVi(code: string): string {
  switch (code) {
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return 'thụt lề sai: dòng sau thụt vào sâu hơn các khóa cùng cấp (hoặc thiếu dấu hai chấm)';
    case 'BAD_INDENT':
      return 'thụt lề sai';
    case 'TAB_AS_INDENT':
      return 'không được dùng phím tab để thụt lề, hãy dùng dấu cách';
    case 'DUPLICATE_KEY':
      return 'khóa bị lặp lại';
    case 'MISSING_CHAR':
      return 'thiếu ký tự (dấu -, :, ] hoặc }) hoặc thụt lề sai';
    case 'UNEXPECTED_TOKEN':
      return 'ký tự không mong đợi';
    case 'BAD_SCALAR_START':
      return 'giá trị bắt đầu bằng ký tự không hợp lệ (hãy đặt trong dấu nháy)';
    default:
      return 'cú pháp không hợp lệ';
  }
}

function readYaml(configDir: string, name: string, problems: ConfigProblem[]): ParsedFile {
  const full = path.join(configDir, name);
  const display = path.relative(process.cwd(), full) || full;
  const lines = new LineCounter();
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    problems.push({
      file: display,
      line: 0,
      field: '',
      vi: missing ? 'không tìm thấy tệp cấu hình' : `không đọc được tệp: ${(err as Error).message}`,
      en: missing ? 'configuration file not found' : `cannot read file: ${(err as Error).message}`,
    });
    return { display, doc: null, lines, value: undefined };
  }
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // One mistake (an indentation slip) makes the parser report several errors at the same place; the
    // first one, with its line and column, is what the administrator needs.
    const error = doc.errors[0];
    const { line, col } = lines.linePos(error.pos[0]);
    const where = { vi: `dòng ${line}, cột ${col}`, en: `line ${line}, column ${col}` };
    problems.push({
      file: display,
      line,
      field: '',
      vi: `lỗi cú pháp YAML: ${where.vi}: ${yamlErrorVi(error.code)}`,
      en: `YAML syntax error: ${where.en}: ${error.message.split('\n')[0]}`,
    });
    return { display, doc: null, lines, value: undefined };
  }
  return { display, doc, lines, value: doc.toJS() ?? {} };
}

/** The line of the deepest YAML node that exists along `issuePath` (a missing key points at its parent). */
function lineOf(file: ParsedFile, issuePath: PropertyKey[]): number {
  if (!file.doc) return 0;
  for (let depth = issuePath.length; depth >= 0; depth--) {
    const node = depth === 0 ? file.doc.contents : file.doc.getIn(issuePath.slice(0, depth) as (string | number)[], true);
    if (isNode(node) && node.range) return file.lines.linePos(node.range[0]).line;
    // A key whose value is null has no node of its own: find the key in its parent map.
    if (depth > 0) {
      const parent = depth === 1 ? file.doc.contents : file.doc.getIn(issuePath.slice(0, depth - 1) as (string | number)[], true);
      const pairs = (parent as { items?: { key?: { value?: unknown; range?: [number, number, number] } }[] } | null)?.items;
      const pair = pairs?.find((item) => item.key?.value === issuePath[depth - 1]);
      if (pair?.key?.range) return file.lines.linePos(pair.key.range[0]).line;
    }
  }
  return 1;
}

function hasValueAt(root: unknown, issuePath: PropertyKey[]): boolean {
  let node: unknown = root;
  for (const key of issuePath) {
    if (node === null || typeof node !== 'object' || !(key in node)) return false;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node !== undefined;
}

function validate<S extends z.ZodType>(file: ParsedFile, schema: S, problems: ConfigProblem[]): z.output<S> | null {
  if (!file.doc) return null;
  const result = schema.safeParse(file.value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const text = describeIssue(issue, hasValueAt(file.value, issue.path));
    problems.push({ file: file.display, line: lineOf(file, issue.path), field: formatPath(issue.path), ...text });
  }
  return null;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
  }
  return value;
}

export interface LoadOptions {
  configDir: string;
  dataDir: string;
}

/** Reads and validates docgate.yaml and agencies.yaml (policy.yaml: policies/policy-file.ts); throws ConfigError listing every problem. */
export function loadConfig(options: LoadOptions): Config {
  const configDir = path.resolve(options.configDir);
  const dataDir = path.resolve(options.dataDir);
  const problems: ConfigProblem[] = [];
  const files = {
    docgate: readYaml(configDir, CONFIG_FILES.docgate, problems),
    agencies: readYaml(configDir, CONFIG_FILES.agencies, problems),
  };
  const docgate = validate(files.docgate, docgateSchema, problems);
  const agencies = validate(files.agencies, agenciesSchema, problems);
  if (problems.length > 0 || !docgate || !agencies) throw new ConfigError(problems);
  return deepFreeze({ configDir, dataDir, docgate, agencies: agencies.agencies });
}

/** Reads one configuration file against its schema, adding every problem to `problems`; the value is frozen. */
export function readConfigFile<S extends z.ZodType>(configDir: string, name: string, schema: S, problems: ConfigProblem[]): z.output<S> | null {
  const value = validate(readYaml(path.resolve(configDir), name, problems), schema, problems);
  return value === null ? null : deepFreeze(value);
}

/** Re-reads agencies.yaml alone (for reloads); throws ConfigError and leaves the caller's list in place. */
export function loadAgencies(configDir: string): readonly Agency[] {
  const problems: ConfigProblem[] = [];
  const file = readYaml(path.resolve(configDir), CONFIG_FILES.agencies, problems);
  const agencies = validate(file, agenciesSchema, problems);
  if (problems.length > 0 || !agencies) throw new ConfigError(problems);
  return deepFreeze(agencies.agencies);
}

/** Resolves a path from docgate.yaml: absolute stays, relative is under `base`. */
export function resolveUnder(base: string, target: string): string {
  return path.isAbsolute(target) ? target : path.join(base, target);
}
