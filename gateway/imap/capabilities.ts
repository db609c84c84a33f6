// CAPABILITY by state (RFC 3501 6.1.1, 7.2.1): before TLS only STARTTLS and LOGINDISABLED; after
// TLS the authentication mechanisms; once logged in the extensions that matter then.

import type { Config } from '../../config/load.js';
import type { Session } from './session.js';

const EXTENSIONS = [
  'LITERAL+',
  'SASL-IR',
  'ID',
  'ENABLE',
  'IDLE',
  'NAMESPACE',
  'UIDPLUS',
  'MOVE',
  'SPECIAL-USE',
  'CONDSTORE',
  'UNSELECT',
  'UTF8=ACCEPT',
  'ESEARCH',
  'SORT',
  'SORT=DISPLAY',
  'ESORT',
  'LIST-EXTENDED',
  'LIST-STATUS',
  'MULTIAPPEND',
  'BINARY',
  'QRESYNC',
];

export function capabilityList(session: Session, config: Config): string[] {
  const caps = ['IMAP4rev1'];
  if (!session.secure) {
    if (session.starttlsAvailable) caps.push('STARTTLS');
    caps.push('LOGINDISABLED');
  } else if (session.state === 'not-authenticated') {
    caps.push('AUTH=PLAIN');
  }
  caps.push(...EXTENSIONS, `APPENDLIMIT=${config.docgate.imap.maxAppendSize}`);
  return caps;
}
