// Flags on the wire: stored flags plus the session-only \Recent.

export function formatFlags(flags: string[], recent = false): string {
  return (recent ? [...flags, '\\Recent'] : flags).join(' ');
}

export const BASE_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];
