// Outlook / Apple "POX" autodiscover: the request names the address (EMailAddress), the answer gives
// the IMAP and SMTP settings (responseschema 2006a). Parsed with @xmldom/xmldom, which loads no
// external entity or DTD.

import { DOMParser } from '@xmldom/xmldom';
import type { MailEndpoint } from './endpoints.js';
import { xmlText } from './xml.js';

/** The address a POX request asks about, or null when the body is not one. */
export function requestedAddress(body: string): string | null {
  if (body.length > 16 * 1024 || /<!DOCTYPE/i.test(body)) return null;
  try {
    const doc = new DOMParser({ onError: () => undefined }).parseFromString(body, 'text/xml');
    const node = doc.getElementsByTagNameNS('*', 'EMailAddress')[0] ?? doc.getElementsByTagName('EMailAddress')[0];
    const text = node?.textContent?.trim() ?? '';
    return /^[^\s@<>]+@[^\s@<>]+$/.test(text) ? text.toLowerCase() : null;
  } catch {
    return null;
  }
}

function protocol(e: MailEndpoint, email: string): string {
  const tls = e.tls === 'implicit' ? '<SSL>on</SSL>' : '<SSL>off</SSL><Encryption>TLS</Encryption>';
  return `      <Protocol>
        <Type>${e.protocol === 'imap' ? 'IMAP' : 'SMTP'}</Type>
        <Server>${xmlText(e.host)}</Server>
        <Port>${e.port}</Port>
        <DomainRequired>off</DomainRequired>
        <LoginName>${xmlText(email)}</LoginName>
        <SPA>off</SPA>
        ${tls}
        <AuthRequired>on</AuthRequired>
      </Protocol>`;
}

export function autodiscoverResponse(email: string, displayName: string, endpoints: MailEndpoint[]): string {
  // One protocol of each kind: Outlook takes the first of a type.
  const chosen = ['imap', 'smtp'].map((p) => endpoints.find((e) => e.protocol === p)).filter((e): e is MailEndpoint => e !== undefined);
  return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <User><DisplayName>${xmlText(displayName)}</DisplayName></User>
    <Account>
      <AccountType>email</AccountType>
      <Action>settings</Action>
${chosen.map((e) => protocol(e, email)).join('\n')}
    </Account>
  </Response>
</Autodiscover>
`;
}
