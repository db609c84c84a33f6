// `malformed-mime`: the parser's problems (missing or unterminated boundaries, nesting, long header
// lines, NUL, invalid base64 ...) and RFC 5322's one-From rule. Parsing itself is bounded (streaming,
// decoded parts spilled to temp files), so this check only reads the list the parser made.

import { z } from 'zod';
import type { MimeProblemKind } from '../mime/types.js';
import { ambiguousFileName, type PartNaming } from '../mime/file-name.js';
import { ALL_PROBLEM_KINDS, describeProblem } from '../mime/sanity.js';
import type { CheckDefinition, Finding } from '../types.js';

const options = z.strictObject({
  /** Problem kinds that make a message malformed (default: all the parser reports). */
  problems: z.array(z.enum(ALL_PROBLEM_KINDS as [MimeProblemKind, ...MimeProblemKind[]])).default(ALL_PROBLEM_KINDS),
  /** RFC 5322 3.6: exactly one From field. */
  requireSingleFrom: z.boolean().default(true),
  /** A file name given twice, or a Content-Type name that differs from the filename (policies/mime/file-name.ts). */
  refuseAmbiguousFileNames: z.boolean().default(true),
});

interface PartTree extends PartNaming {
  path: string;
  children: PartTree[];
  message: PartTree | null;
}

function* nodes(node: PartTree): Generator<PartTree> {
  yield node;
  for (const child of node.children) yield* nodes(child);
  if (node.message) yield* nodes(node.message);
}

export const mimeStructureCheck: CheckDefinition<z.output<typeof options>> = {
  id: 'mime-structure',
  stage: 'content',
  description: 'Cau truc MIME hop le / well-formed MIME structure',
  options,
  needs: [],
  async run(message, ctx) {
    const findings: Finding[] = [];
    const wanted = new Set(ctx.options.problems);
    if (ctx.options.requireSingleFrom && message.fromFieldCount !== 1) {
      findings.push({
        code: 'malformed-mime',
        subject: message.fromFieldCount === 0 ? 'missing From / thieu From' : 'duplicate From / From bi lap',
        details: { fromFields: message.fromFieldCount },
      });
    }
    // The entity inside an opaque S/MIME signature is what the recipient reads: its problems count too.
    const inner = (message.unwrapped?.problems ?? []).map((p) => ({ ...p, part: `p7m:${p.part}` }));
    const problems = [...message.mime.problems, ...inner];
    for (const problem of problems) {
      if (!wanted.has(problem.kind)) continue;
      findings.push({ code: 'malformed-mime', subject: describeProblem(problem), details: { ...problem } });
    }
    if (ctx.options.refuseAmbiguousFileNames) {
      for (const [prefix, root] of [
        ['', message.mime.root],
        ['p7m:', message.unwrapped?.root],
      ] as const) {
        for (const node of root ? nodes(root) : []) {
          const problem = ambiguousFileName(node);
          const part = `${prefix}${node.path}`;
          if (problem)
            findings.push({ code: 'malformed-mime', subject: `ambiguous file name / ten tep khong ro rang (part ${part})`, details: { problem, part } });
        }
      }
    }
    return { findings, data: { problems: problems.length } };
  },
};
