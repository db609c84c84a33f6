// The schema of policy.yaml and its loading: which checks run, in order, with their options, and the
// action each reason code gets. It lives with the checks because it is built from their registry.

import { z } from 'zod';
import { bilingual } from '../config/errors.js';
import { ConfigError, CONFIG_FILES, readConfigFile, type ConfigProblem } from '../config/load.js';
import { POLICY_ACTIONS, REASON_CODES } from './reasons.js';
import { CHECK_DEFINITIONS } from './registry.js';

const action = z.enum(POLICY_ACTIONS);

const checkEntry = z.looseObject({ id: z.string(), options: z.unknown().optional() }).transform((entry, ctx) => {
  const definition = CHECK_DEFINITIONS[entry.id];
  if (!definition) {
    ctx.addIssue({
      code: 'custom',
      path: ['id'],
      ...bilingual(
        `không có kiểm tra tên "${entry.id}" (có: ${Object.keys(CHECK_DEFINITIONS).join(', ')})`,
        `no check named "${entry.id}" (known: ${Object.keys(CHECK_DEFINITIONS).join(', ')})`,
      ),
    });
    return z.NEVER;
  }
  const extra = Object.keys(entry).filter((k) => k !== 'id' && k !== 'options');
  if (extra.length > 0) {
    ctx.addIssue({ code: 'unrecognized_keys', keys: extra, path: [], input: entry });
    return z.NEVER;
  }
  const parsed = definition.options.safeParse(entry.options ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ['options', ...issue.path] });
    return z.NEVER;
  }
  return { id: entry.id, options: parsed.data };
});

export const policySchema = z.strictObject({
  checks: z.array(checkEntry).default([]),
  actions: z
    .record(z.string(), action)
    .default({})
    .superRefine((actions, ctx) => {
      for (const code of Object.keys(actions)) {
        if (!(REASON_CODES as string[]).includes(code)) {
          ctx.addIssue({ code: 'custom', path: [code], ...bilingual(`mã lý do không tồn tại: ${code}`, `unknown reason code: ${code}`) });
        }
      }
    }),
});

export type PolicyConfig = z.output<typeof policySchema>;

/** Reads and validates policy.yaml; throws ConfigError (every problem at once) and leaves the caller's policy in place. */
export function loadPolicy(configDir: string): PolicyConfig {
  const problems: ConfigProblem[] = [];
  const policy = readConfigFile(configDir, CONFIG_FILES.policy, policySchema, problems);
  if (problems.length > 0 || !policy) throw new ConfigError(problems);
  return policy;
}
