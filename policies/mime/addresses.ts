// Address lists of header fields (From, Sender, To…) as name and lower-cased address, names decoded (RFC 2047) and NFC.

import addressparser from 'nodemailer/lib/addressparser';
import { nfc } from '../text/vietnamese.js';
import { decodeWords } from './headers.js';
import type { MailAddress } from '../message.js';

export function parseAddressList(value: string | null): MailAddress[] {
  if (!value) return [];
  try {
    const flat: MailAddress[] = [];
    for (const entry of addressparser(value, { flatten: true }) as { name?: string; address?: string }[]) {
      if (entry.address) flat.push({ name: nfc(decodeWords(entry.name ?? '')), address: entry.address.toLowerCase() });
    }
    return flat;
  } catch {
    return [];
  }
}
