// duplicate: the check asks the register (a real SQLite store through the repository's findDuplicate,
// injected as the `register` service): same Message-ID, or same số ký hiệu + agency + year, among
// accepted documents only.

import { openSeededStorage, submissionRecord } from '../../helpers/submission.js';
import { expect } from 'chai';
import { loadConfig } from '../../../config/load.js';
import { createLogger } from '../../../config/log.js';
import { duplicateCheck } from '../../../policies/checks/duplicate.js';
import { PolicyEngine } from '../../../policies/engine.js';
import type { DuplicateQuery } from '../../../policies/services.js';
import type { PolicyConfig } from '../../../policies/policy-file.js';
import { AgencyDirectory } from '../../../config/agencies.js';
import type { Storage } from '../../../storage/index.js';
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
  const services = () => ({ register: storage.register });

  before(async () => {
    env = createTestEnv();
    storage = await openSeededStorage(env, TEST_NOW, async (s, t) => {
      await s.register.record(t, record('DG1', 'accepted', { messageId: '<first@ubnd.hatinh.gov.vn>' }));
      await s.register.record(t, record('DG2', 'returned', { documentNumber: '09/QĐ-UBND', messageId: '<returned@ubnd.hatinh.gov.vn>' }));
      await s.register.record(t, record('DG3', 'accepted', { documentNumber: '11/QĐ-UBND', signedDate: '2025-12-30' }));
      await s.register.record(t, record('DG4', 'accepted', { documentNumber: "12/QĐ-'UBND\0", messageId: "<o'brien\0@ubnd.hatinh.gov.vn>" }));
      // No signing date, received on 31/12/2026 at 17:30 UTC = 00:30 on 01/01/2027 in Hà Tĩnh: register year 2027.
      await s.register.record(t, {
        ...record('DG5', 'accepted', { documentNumber: '01/TB-UBND', signedDate: null }),
        receivedAt: new Date('2026-12-31T17:30:00Z'),
        year: 2027,
      });
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
    expect(
      codes(
        await runCheck(
          duplicateCheck,
          await composeMessage({ messageId: '<returned@ubnd.hatinh.gov.vn>', text: lines('09/QĐ-UBND') }),
          {},
          { services: services() },
        ),
      ),
    ).to.deep.equal([]);
    expect(
      codes(await runCheck(duplicateCheck, await composeMessage({ text: lines('05/QĐ-UBND') }), { byDocumentNumber: false }, { services: services() })),
    ).to.deep.equal([]);
  });
  it('binds values: a NUL or a quote in the số ký hiệu or Message-ID is data, not SQL', async () => {
    const q = { senderAgencyId: AGENCIES.ubnd.id, year: 2026, timeZone: 'Asia/Ho_Chi_Minh' };
    expect(await storage.register.findDuplicate({ ...q, messageId: null, documentNumber: "12/QĐ-'UBND\0" })).to.deep.equal({
      trackingId: 'DG4',
      by: 'document-number',
    });
    expect(await storage.register.findDuplicate({ ...q, messageId: "<o'brien\0@ubnd.hatinh.gov.vn>", documentNumber: null })).to.deep.equal({
      trackingId: 'DG4',
      by: 'message-id',
    });
    expect(await storage.register.findDuplicate({ ...q, messageId: "' OR 1=1 --", documentNumber: "\0' OR '1'='1" })).to.equal(null);
  });
  it('a document without a signing date belongs to the register year of its receipt in Asia/Ho_Chi_Minh, not UTC', async () => {
    const q = { senderAgencyId: AGENCIES.ubnd.id, messageId: null, documentNumber: '01/TB-UBND', timeZone: 'Asia/Ho_Chi_Minh' };
    expect(await storage.register.findDuplicate({ ...q, year: 2027 })).to.deep.equal({ trackingId: 'DG5', by: 'document-number' });
    expect(await storage.register.findDuplicate({ ...q, year: 2026 })).to.equal(null);
    // The check asks with the same year: received 31/12 17:30 UTC without Ngày ký is 2027.
    let asked: DuplicateQuery | null = null;
    const register = { findDuplicate: async (query: DuplicateQuery) => ((asked = query), null) };
    const undated = await composeMessage({ text: ['Số ký hiệu: 01/TB-UBND', ...FORM_LINES.slice(2)].join('\n') });
    await runCheck(duplicateCheck, { ...undated, receivedAt: new Date('2026-12-31T17:30:00Z') }, {}, { services: { register } });
    expect(asked).to.include({ documentNumber: '01/TB-UBND', year: 2027 });
  });
  it('without the register service the check fails loudly (4xx), never passes', async () => {
    let error: Error | null = null;
    await runCheck(duplicateCheck, await composeMessage({}), {}, { services: {} }).catch((e: unknown) => {
      error = e as Error;
    });
    expect(error).to.be.instanceOf(Error);
    // Through the engine, as the gateway runs it: one internal-error finding, a 4xx defer.
    const config = loadConfig({ configDir: env.configDir, dataDir: env.dataDir });
    const policy: PolicyConfig = { checks: [{ id: 'duplicate', options: duplicateCheck.options.parse({}) }], actions: {} };
    const engine = new PolicyEngine(policy, {
      timeZone: config.docgate.timezone,
      agencies: new AgencyDirectory(config.agencies),
      log: createLogger('silent'),
      now: () => TEST_NOW,
      services: {},
    });
    const verdict = await engine.evaluate(await composeMessage({}));
    expect(verdict).to.include({ action: 'defer', reason: 'internal-error', check: 'duplicate' });
    expect(verdict.smtp.code).to.be.within(400, 499);
    expect(verdict.outcomes.map((o) => o.findings.map((f) => f.code))).to.deep.equal([['internal-error']]);
  });
});
