// duplicate: the check asks the register (a real SQLite store through the repository's findDuplicate,
// injected as the `register` service): same Message-ID, or same số ký hiệu + agency + year, among
// accepted documents only.

import { submissionRecord } from '../../helpers/submission.js';
import { expect } from 'chai';
import { loadConfig } from '../../../config/load.js';
import { createLogger } from '../../../config/log.js';
import { duplicateCheck } from '../../../policies/checks/duplicate.js';
import { SERVICE_NAMES } from '../../../policies/services.js';
import { openStorage, type Storage } from '../../../storage/index.js';
import type { SubmissionRecord } from '../../../storage/register/types.js';
import { AGENCIES, createTestEnv, type TestEnv } from '../../helpers/env.js';
import { codes, composeMessage, FORM_LINES, runCheck, TEST_NOW } from '../../helpers/policy.js';

function record(id: string, status: SubmissionRecord['status'], over: Partial<SubmissionRecord['metadata']> & { messageId?: string } = {}): SubmissionRecord {
  const { messageId, ...metadata } = over;
  return submissionRecord({
    trackingId: id,
    receivedAt: TEST_NOW,
    status,
    reason: 'ok',
    rfc822MessageId: messageId ?? `<${id}@ubnd.hatinh.gov.vn>`,
    subject: 'V/v',
    metadata: { documentNumber: '05/QĐ-UBND', signedDate: '2026-11-21', documentType: 'Quyết định', ...metadata },
  });
}

describe('duplicate check', function () {
  let env: TestEnv;
  let storage: Storage;
  const services = () => ({ [SERVICE_NAMES.register]: storage.register });

  before(async () => {
    env = createTestEnv();
    storage = await openStorage(loadConfig({ configDir: env.configDir, dataDir: env.dataDir }), createLogger('silent'));
    await storage.writes.run(async (t) => {
      await storage.mailboxes.ensureAgencyFolders(t, AGENCIES.ubnd.id, TEST_NOW);
      await storage.mailboxes.ensureAgencyFolders(t, AGENCIES.snv.id, TEST_NOW);
      await storage.register.record(t, record('DG1', 'accepted', { messageId: '<first@ubnd.hatinh.gov.vn>' }));
      await storage.register.record(t, record('DG2', 'returned', { documentNumber: '09/QĐ-UBND', messageId: '<returned@ubnd.hatinh.gov.vn>' }));
      await storage.register.record(t, record('DG3', 'accepted', { documentNumber: '11/QĐ-UBND', signedDate: '2025-12-30' }));
      await storage.register.record(t, record('DG4', 'accepted', { documentNumber: "12/QĐ-'UBND\0", messageId: "<o'brien\0@ubnd.hatinh.gov.vn>" }));
    });
  });
  after(async () => {
    await storage.close();
    env.cleanup();
  });

  const lines = (number: string, date = '21/11/2026') => [`Số ký hiệu: ${number}`, `Ngày ký: ${date}`, ...FORM_LINES.slice(2)].join('\n');

  it('same Message-ID as an accepted document', async () => {
    const message = await composeMessage({ messageId: '<first@ubnd.hatinh.gov.vn>', text: lines('99/QĐ-UBND') });
    const report = await runCheck(duplicateCheck, message, {}, { services: services() });
    expect(report.findings.map((f) => [f.code, f.details?.by])).to.deep.equal([['duplicate', 'message-id']]);
  });
  it('same số ký hiệu, agency and year (NFD input too)', async () => {
    const message = await composeMessage({ text: lines('05/QĐ-UBND'.normalize('NFD')) });
    const report = await runCheck(duplicateCheck, message, {}, { services: services() });
    expect(report.findings.map((f) => [f.code, f.details?.by])).to.deep.equal([['duplicate', 'document-number']]);
  });
  it('near misses: another year, a returned document, options off', async () => {
    expect(codes(await runCheck(duplicateCheck, await composeMessage({ text: lines('11/QĐ-UBND') }), {}, { services: services() }))).to.deep.equal([]);
    expect(codes(await runCheck(duplicateCheck, await composeMessage({ messageId: '<returned@ubnd.hatinh.gov.vn>', text: lines('09/QĐ-UBND') }), {}, { services: services() }))).to.deep.equal([]);
    expect(codes(await runCheck(duplicateCheck, await composeMessage({ text: lines('05/QĐ-UBND') }), { byDocumentNumber: false }, { services: services() }))).to.deep.equal([]);
  });
  it('binds values: a NUL or a quote in the số ký hiệu or Message-ID is data, not SQL', async () => {
    const q = { senderAgencyId: AGENCIES.ubnd.id, year: 2026 };
    expect(await storage.register.findDuplicate({ ...q, messageId: null, documentNumber: "12/QĐ-'UBND\0" })).to.deep.equal({ trackingId: 'DG4', by: 'document-number' });
    expect(await storage.register.findDuplicate({ ...q, messageId: "<o'brien\0@ubnd.hatinh.gov.vn>", documentNumber: null })).to.deep.equal({ trackingId: 'DG4', by: 'message-id' });
    expect(await storage.register.findDuplicate({ ...q, messageId: "' OR 1=1 --", documentNumber: "\0' OR '1'='1" })).to.equal(null);
  });
  it('without the register service the check fails loudly (4xx), never passes', async () => {
    let error: Error | null = null;
    await runCheck(duplicateCheck, await composeMessage({}), {}, { services: {} }).catch((e: unknown) => {
      error = e as Error;
    });
    expect(error).to.be.instanceOf(Error);
  });
});
