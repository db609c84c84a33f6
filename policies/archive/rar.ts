// RAR inspection in memory with node-unrar-js (the official unrar source compiled to WebAssembly). Here
// the header walk refuses what can be refused unread (traversal, symlinks, encryption, huge dictionaries);
// rar-extract.ts then extracts into our own in-memory sink whose write() refuses bytes past the caps, so a
// RAR bomb stops inside unrar instead of filling memory; nothing touches the disk. The unrar module is one
// WebAssembly instance per process and its calls are synchronous: once extraction starts, an archive is read
// completely, member by member, with no await, so two submissions never interleave inside it.

import { walkRarHeaders } from './rar-headers.js';
import { memberPathProblem, type ArchiveLimits, type ArchiveProblem, type ExpansionCounter, type RarListing } from './types.js';

/** Lists and extracts every member within the caps; problems say why anything was not read. */
export async function readRar(data: Buffer, limits: ArchiveLimits, counter: ExpansionCounter): Promise<RarListing> {
  const problems: ArchiveProblem[] = [];
  const headers = walkRarHeaders(data);
  if (!headers) return { members: [], problems: [{ kind: 'corrupt', detail: 'not a RAR archive' }] };
  if (headers.headersEncrypted) return { members: [], problems: [{ kind: 'encrypted', detail: 'archive headers are encrypted' }] };
  if (headers.entries.length > limits.maxEntries) return { members: [], problems: [{ kind: 'too-many-entries', detail: `${headers.entries.length} members` }] };
  for (const h of headers.entries) {
    const pathProblem = memberPathProblem(h.name);
    if (pathProblem) problems.push({ kind: 'traversal', member: h.name, detail: pathProblem });
    if (h.symlink) problems.push({ kind: 'symlink', member: h.name });
    if (h.encrypted) problems.push({ kind: 'encrypted', member: h.name });
    if (h.dictionary > limits.maxDictionary) problems.push({ kind: 'too-large', member: h.name, detail: `dictionary of ${h.dictionary} bytes` });
  }
  if (headers.largestServiceDictionary > limits.maxDictionary)
    problems.push({ kind: 'too-large', detail: `service header dictionary of ${headers.largestServiceDictionary} bytes` });
  if (headers.truncated) problems.push({ kind: 'truncated', detail: 'archive ends inside a header or member' });
  if (problems.length > 0) return { members: [], problems };
  // The unrar module (JavaScript glue and WebAssembly) is loaded on the first RAR that passes the header checks.
  const { extractRar } = await import('./rar-extract.js');
  return extractRar(data, limits, counter);
}
