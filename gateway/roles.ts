// What one gateway process does (`docgate serve --role`): accept SMTP, serve IMAP, run the background
// worker (relay queue, orphan blob sweep), or the web portal. Roles scale apart on one PostgreSQL
// database: e.g. two `smtp,imap` processes in front and one `worker` behind.

const ROLES = ['smtp', 'imap', 'worker', 'web'] as const;
export type Role = (typeof ROLES)[number];

export const ALL_ROLES: ReadonlySet<Role> = new Set(ROLES);

/** "smtp,imap" or "all" → the set; throws with the bilingual text for anything else. */
export function parseRoles(text: string): ReadonlySet<Role> {
  const names = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
  if (names.length === 0 || names.includes('all')) return ALL_ROLES;
  const unknown = names.filter((n) => !(ROLES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new Error(`Vai tro khong hop le / unknown role: ${unknown.join(', ')} (smtp, imap, worker, web, all)`);
  }
  return new Set(names as Role[]);
}
