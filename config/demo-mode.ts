// Whether a start is the demo. Demo state (clerks with permanent passwords, the demo signing CA) is made
// only then: for a hostname that cannot be a real deployment's, or when the administrator asks (--demo).

/** RFC 2606 / RFC 6761 names that never resolve on the Internet: `localhost`, `*.localhost`, `*.test`. */
export function isDemoHostname(hostname: string): boolean {
  const name = hostname.trim().toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || name.endsWith('.test');
}

export type DemoDecision = { demo: true; why: 'flag' | 'hostname' } | { demo: false; ignoredSeed: boolean };

/**
 * `--demo` always makes the demo; otherwise `demo.seedAccounts: true` counts only with a demo hostname,
 * so a configuration edited for production (real hostname) never seeds accounts it forgot to turn off.
 */
export function demoDecision(hostname: string, seedAccounts: boolean, flag: boolean): DemoDecision {
  if (flag) return { demo: true, why: 'flag' };
  if (seedAccounts && isDemoHostname(hostname)) return { demo: true, why: 'hostname' };
  return { demo: false, ignoredSeed: seedAccounts };
}
