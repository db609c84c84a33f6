// docgate.yaml, agencies.yaml and policy.yaml together, for the commands that need the policy (serve,
// config check, register add-paper). Apart from context.ts: policies/policy-file loads every check's
// libraries (node-forge, xml-crypto, pdf and archive readers), which the other commands do not need.

import { ConfigError, loadConfig, type Config } from '../../config/load.js';
import { loadPolicy, type PolicyConfig } from '../../policies/policy-file.js';
import { CliError, resolveDirs, type GlobalOptions } from './context.js';

/** docgate.yaml, agencies.yaml and policy.yaml, every problem of all three reported at once. */
export function loadConfigAndPolicyOrExit(options: GlobalOptions): { config: Config; policy: PolicyConfig } {
  const dirs = resolveDirs(options);
  const problems: ConfigError['problems'] = [];
  let config: Config | null = null;
  let policy: PolicyConfig | null = null;
  try {
    config = loadConfig(dirs);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  try {
    policy = loadPolicy(dirs.configDir);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  if (!config || !policy) throw new CliError(`Cấu hình không hợp lệ / Invalid configuration:\n${new ConfigError(problems).message}`, 2);
  return { config, policy };
}
