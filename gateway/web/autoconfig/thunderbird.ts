// Thunderbird autoconfig (clientConfig version 1.1), as Thunderbird reads it from
// autoconfig.<domain>/mail/config-v1.1.xml or <domain>/.well-known/autoconfig/mail/config-v1.1.xml.

import type { Agency } from '../../../config/schema.js';
import type { MailEndpoint } from './endpoints.js';
import { xmlText } from './xml.js';

function server(e: MailEndpoint): string {
  const tag = e.protocol === 'imap' ? 'incomingServer' : 'outgoingServer';
  return `    <${tag} type="${e.protocol}">
      <hostname>${xmlText(e.host)}</hostname>
      <port>${e.port}</port>
      <socketType>${e.tls === 'implicit' ? 'SSL' : 'STARTTLS'}</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </${tag}>`;
}

export function thunderbirdConfig(agency: Agency, endpoints: MailEndpoint[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="${xmlText(agency.domain)}">
    <domain>${xmlText(agency.domain)}</domain>
    <displayName>${xmlText(agency.name)}</displayName>
    <displayShortName>docgate</displayShortName>
${endpoints.map(server).join('\n')}
  </emailProvider>
</clientConfig>
`;
}
