// Every S/MIME fixture submitted over SMTP (STARTTLS, AUTH) to a real gateway with the fixture trust
// store and a fixed clock: the reply, the register's record and signature result, the trace header, and
// for accepted messages the stored bytes still verify with `openssl cms -verify` (bytes untouched).

import { expect } from 'chai';
import { REASONS, type ReasonCode } from '../../policies/reasons.js';
import type { SignatureResult } from '../../policies/smime/report.js';
import { AGENCIES } from '../helpers/env.js';
import { addClerk, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { fixture, SMIME_TRUST, TEST_NOW } from '../helpers/smime.js';
import { opensslVerify } from '../helpers/smime-verify.js';
import { SMIME_VERDICTS } from '../helpers/smime-verdicts.js';
import { scratchDir, submitRaw } from '../helpers/submit.js';

const SMIME_POLICY = {
  checks: [{ id: 'sender-header' }, { id: 'smime-signature' }],
  actions: { 'certificate-expired': 'reject' },
};

describe('S/MIME verdicts over SMTP end to end', function () {
  this.timeout(60_000);
  let tg: TestGateway;
  let scratch: ReturnType<typeof scratchDir>;

  before(async function () {
    tg = await startTestGateway({ trustFrom: SMIME_TRUST, policy: SMIME_POLICY, now: () => TEST_NOW });
    await addClerk(tg.gateway, AGENCIES.ubnd.address, AGENCIES.ubnd.id);
    scratch = scratchDir();
  });
  after(async () => {
    scratch.cleanup();
    await tg.stop();
  });

  for (const [name, expected] of Object.entries(SMIME_VERDICTS)) {
    const first = expected.codes[0] as ReasonCode | undefined;
    it(`${name}: ${first ? `${REASONS[first].smtp} [${first}]` : '250'}`, async function () {
      const submitted = await submitRaw(tg, fixture(name));
      if (first) {
        expect(submitted.code, submitted.response).to.equal(REASONS[first].smtp);
        expect(submitted.response).to.match(new RegExp(`^${REASONS[first].smtp} ${REASONS[first].enhanced.replace(/\./g, '\\.')} \\[${first}\\] `));
        expect(submitted.document?.status).to.equal('returned');
      } else {
        expect(submitted.code, submitted.response).to.equal(250);
        expect(submitted.document?.status).to.equal('accepted');
      }
      const signature = JSON.parse(submitted.document!.signature!) as SignatureResult;
      expect(signature.status).to.equal(expected.status);
      expect(signature.reason).to.equal(first ?? 'ok');
      const prefix = submitted.stored!.subarray(0, submitted.stored!.indexOf(fixture(name).subarray(0, 40))).toString('latin1');
      if (expected.status === 'verified') {
        for (const signer of signature.signers) expect(prefix).to.contain(`X-Docgate-Signature: verified; signer=${signer.emails[0]}; serial=${signer.serial}`);
      } else if (expected.status === 'unsigned') {
        expect(prefix).to.contain('X-Docgate-Signature: none\r\n');
      } else {
        expect(prefix).to.contain(`X-Docgate-Signature: failed; reason=${first}\r\n`);
      }
      if (!first && expected.status === 'verified') {
        const stderr = await opensslVerify(scratch.file(`${name}.stored.eml`, submitted.stored!));
        expect(stderr).to.contain('Verification successful');
      }
    });
  }
});
