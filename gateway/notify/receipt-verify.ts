// Checks a receipt docgate issued: its S/MIME signature through the one S/MIME verifier
// (policies/smime, the same code that checks clerks' signatures), with the gateway's signing CA as the
// only trust anchor, then reads the signed JSON part and, given the original document, compares its
// SHA-256 with the one the receipt states; and the result in both languages, as `docgate receipt verify`
// prints it and the portal's "Kiểm tra / Verify" button shows it.

import { createHash } from 'node:crypto';
import path from 'node:path';
import { resolveUnder, type Config } from '../../config/load.js';
import type { Logger } from '../../config/log.js';
import { parseMimeBuffer, walk } from '../../policies/mime/parser.js';
import { CmsError, parseSignedData } from '../../policies/smime/cms.js';
import { smimeLayout } from '../../policies/smime/layout.js';
import { signerVerified } from '../../policies/smime/report.js';
import { CrlRevocationSource } from '../../policies/smime/revocation.js';
import { bufferRangesContent } from '../../policies/smime/signed-content.js';
import { TrustStore } from '../../policies/smime/trust-store.js';
import { verifySignedData } from '../../policies/smime/verify.js';
import type { NoticeFacts } from './facts.js';

export interface ReceiptCheck {
  /** valid: signed by a certificate of the CA, over exactly these bytes. */
  signature: 'valid' | 'invalid';
  problems: string[];
  signer: { subject: string | null; serial: string | null; emails: string[] } | null;
  signingTime: string | null;
  /** The signed JSON part (null when there is none or the signature is not valid). */
  facts: NoticeFacts | null;
  /** With an original: submitted = the bytes docgate received; served = the copy in Văn bản đi; mismatch otherwise. */
  original: { sha256: string; match: 'submitted' | 'served' | 'mismatch' } | null;
}

const MAX_SIGNATURE = 1024 * 1024;

async function factsOf(signedEntity: Buffer): Promise<NoticeFacts | null> {
  const parsed = await parseMimeBuffer(signedEntity);
  try {
    const json = [...walk(parsed.root)].find((n) => n.contentType.value === 'application/json');
    if (!json?.content) return null;
    const value = JSON.parse((await json.content.buffer(MAX_SIGNATURE)).toString('utf8')) as NoticeFacts;
    return typeof value === 'object' && value !== null && typeof value.trackingId === 'string' ? value : null;
  } catch {
    return null;
  } finally {
    await parsed.dispose();
  }
}

export async function verifyReceipt(receipt: Buffer, options: { caFile: string; original?: Buffer; now: Date; log: Logger }): Promise<ReceiptCheck> {
  const result: ReceiptCheck = { signature: 'invalid', problems: [], signer: null, signingTime: null, facts: null, original: null };
  const parsed = await parseMimeBuffer(receipt);
  try {
    const layout = await smimeLayout(parsed.root);
    if (layout.kind !== 'detached') {
      result.problems.push(`not a multipart/signed receipt (${layout.kind}${'detail' in layout ? `: ${layout.detail}` : ''})`);
      return result;
    }
    let sd;
    try {
      sd = parseSignedData(await layout.signature.content!.buffer(MAX_SIGNATURE));
    } catch (err) {
      if (!(err instanceof CmsError) && !(err instanceof Error)) throw err;
      result.problems.push(`unreadable signature: ${err.message}`);
      return result;
    }
    const range = [layout.signed.headerStart, layout.signed.bodyEnd] as const;
    const trust = await TrustStore.open({
      paths: { anchors: options.caFile, intermediates: options.caFile, crl: path.join(path.dirname(options.caFile), 'crl') },
      log: options.log,
    });
    const verified = await verifySignedData(sd, bufferRangesContent(receipt, [range]), trust, {
      arrival: options.now,
      // A receipt is checked long after it was signed: its signingTime is the time that counts.
      signingTimeSkewMs: Number.MAX_SAFE_INTEGER,
      revocationSources: [new CrlRevocationSource()],
      // The gateway's own CA publishes no CRL.
      missingRevocation: 'accept',
      staleRevocation: 'accept',
    });
    result.problems.push(...verified.problems.map((p) => p.detail));
    for (const signer of verified.signers) result.problems.push(...signer.issues.map((i) => `${i.code}: ${i.detail}`));
    const first = verified.signers[0];
    if (first) {
      result.signer = { subject: first.subject, serial: first.serial, emails: first.emails };
      result.signingTime = first.signingTime;
    }
    const ok = verified.problems.length === 0 && verified.signers.length > 0 && verified.signers.every(signerVerified);
    if (!ok) return result;
    result.signature = 'valid';
    result.facts = await factsOf(receipt.subarray(range[0], range[1]));
    if (!result.facts) result.problems.push('the signed part holds no receipt JSON');
    if (options.original && result.facts) {
      const sha256 = createHash('sha256').update(options.original).digest('hex');
      const match = sha256 === result.facts.sha256 ? 'submitted' : sha256 === result.facts.servedSha256 ? 'served' : 'mismatch';
      result.original = { sha256, match };
    }
    return result;
  } finally {
    await parsed.dispose();
  }
}

/** The CA receipts are checked against: docgate.yaml signing.ca under the data directory. */
export function signingCaFile(config: Config): string {
  return resolveUnder(config.dataDir, config.docgate.signing.ca);
}

/** One line of a check's result, the same for `docgate receipt verify` and the portal's button. */
export type ReceiptLine =
  { tone: 'ok' | 'bad'; vi: string; en: string } | { tone: 'fact'; vi: string; en: string; value?: string } | { tone: 'problem'; text: string };

/** valid: signature valid (and the original, if given, matches); mismatch: valid but the original differs. */
export function receiptVerdict(check: ReceiptCheck): 'valid' | 'invalid' | 'mismatch' {
  if (check.signature !== 'valid' || !check.facts) return 'invalid';
  return check.original?.match === 'mismatch' ? 'mismatch' : 'valid';
}

/** What a check found, in both languages: the verdict first, then the receipt's facts and any problems. */
export function receiptCheckLines(check: ReceiptCheck, caFile: string): ReceiptLine[] {
  const problems = check.problems.map((text): ReceiptLine => ({ tone: 'problem', text }));
  if (check.signature !== 'valid') {
    return [
      {
        tone: 'bad',
        vi: `CHỮ KÝ KHÔNG HỢP LỆ: biên nhận không do docgate ký hoặc đã bị sửa (CA: ${caFile})`,
        en: `SIGNATURE NOT VALID: not signed by docgate or altered (CA: ${caFile})`,
      },
      ...problems,
    ];
  }
  const lines: ReceiptLine[] = [
    {
      tone: 'ok',
      vi: `Chữ ký hợp lệ: ký bởi ${check.signer?.subject ?? '?'} lúc ${check.signingTime ?? '?'}`,
      en: `Signature valid: signed by ${check.signer?.subject ?? '?'}`,
    },
  ];
  const f = check.facts;
  if (f) {
    const fact = (vi: string, en: string, value?: string): ReceiptLine => ({ tone: 'fact', vi, en, value });
    lines.push(
      f.kind === 'acceptance-receipt' ? fact('Biên nhận chấp nhận', 'Acceptance receipt') : fact('Biên nhận chuyển giao', 'Delivery receipt'),
      fact('Mã theo dõi', 'Tracking id', f.trackingId),
      fact('Thời điểm', 'Time', `${f.time.local} (${f.time.timeZone}), ${f.time.utc}`),
      fact('Người gửi', 'Sender', `${f.sender.account} (${f.sender.agency.id})`),
      fact('Nơi nhận', 'Recipients', f.recipients.join(', ')),
      ...(f.delivery
        ? [
            fact(
              'Chuyển đến',
              'Delivered to',
              `${f.delivery.agency.id} ${f.delivery.via} ${f.delivery.where}${f.delivery.reply ? ` (${f.delivery.reply})` : ''}`,
            ),
          ]
        : []),
      fact('Số, ký hiệu', 'Number', f.documentNumber ?? '-'),
      fact('Trích yếu', 'Summary', f.summary ?? '-'),
      fact('SHA-256', 'SHA-256', f.sha256 ?? '-'),
    );
  }
  lines.push(...problems);
  if (!check.original) return lines;
  if (check.original.match === 'mismatch')
    lines.push({
      tone: 'bad',
      vi: `VĂN BẢN GỐC KHÔNG KHỚP: SHA-256 ${check.original.sha256} khác với biên nhận`,
      en: `ORIGINAL DOES NOT MATCH: SHA-256 ${check.original.sha256} differs from the receipt`,
    });
  else if (check.original.match === 'submitted')
    lines.push({ tone: 'ok', vi: 'Văn bản gốc khớp với biên nhận (bản đã gửi)', en: 'The original matches the receipt (the bytes submitted)' });
  else
    lines.push({
      tone: 'ok',
      vi: 'Văn bản gốc khớp với biên nhận (bản lưu trong "Văn bản đi")',
      en: 'The original matches the receipt (the copy in "Văn bản đi")',
    });
  return lines;
}
