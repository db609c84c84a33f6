// An Apple configuration profile (.mobileconfig) with one IMAP mail account for the clerk: iOS and
// macOS Mail set themselves up from it, asking only for the password (never put in the profile).

import { createHash } from 'node:crypto';
import type { MailEndpoint } from './endpoints.js';
import { xmlText } from './xml.js';

/** A stable UUID (name-based, from SHA-256) so a re-downloaded profile replaces the installed one. */
function uuidOf(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`.toUpperCase();
}

const key = (k: string, v: string | number | boolean) =>
  `<key>${k}</key>${typeof v === 'boolean' ? `<${v}/>` : typeof v === 'number' ? `<integer>${v}</integer>` : `<string>${xmlText(v)}</string>`}`;

export function mobileConfig(input: { email: string; agencyName: string; hostname: string; endpoints: MailEndpoint[] }): string | null {
  const imap = input.endpoints.find((e) => e.protocol === 'imap');
  const smtp = input.endpoints.find((e) => e.protocol === 'smtp');
  if (!imap || !smtp) return null;
  const id = `vn.docgate.${input.hostname}.${input.email}`;
  const account = [
    key('EmailAccountDescription', input.agencyName),
    key('EmailAccountName', input.agencyName),
    key('EmailAccountType', 'EmailTypeIMAP'),
    key('EmailAddress', input.email),
    key('IncomingMailServerAuthentication', 'EmailAuthPassword'),
    key('IncomingMailServerHostName', imap.host),
    key('IncomingMailServerPortNumber', imap.port),
    key('IncomingMailServerUseSSL', true),
    key('IncomingMailServerUsername', input.email),
    key('OutgoingMailServerAuthentication', 'EmailAuthPassword'),
    key('OutgoingMailServerHostName', smtp.host),
    key('OutgoingMailServerPortNumber', smtp.port),
    key('OutgoingMailServerUseSSL', true),
    key('OutgoingMailServerUsername', input.email),
    key('OutgoingPasswordSameAsIncomingPassword', true),
    key('PayloadDisplayName', input.email),
    key('PayloadIdentifier', `${id}.mail`),
    key('PayloadType', 'com.apple.mail.managed'),
    key('PayloadUUID', uuidOf(`${id}.mail`)),
    key('PayloadVersion', 1),
  ].join('\n      ');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>PayloadContent</key>
  <array>
    <dict>
      ${account}
    </dict>
  </array>
  ${key('PayloadDisplayName', `docgate: ${input.email}`)}
  ${key('PayloadIdentifier', id)}
  ${key('PayloadType', 'Configuration')}
  ${key('PayloadUUID', uuidOf(id))}
  ${key('PayloadVersion', 1)}
</dict>
</plist>
`;
}
