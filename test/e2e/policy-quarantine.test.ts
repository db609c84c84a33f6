// The quarantine action and the `docgate quarantine` CLI (a real child process on the same data
// directory): held submissions are answered 250 [quarantine:code], kept unnumbered and undelivered;
// release numbers and delivers them as accepted ones, reject records them as returned.

import { expect } from 'chai';
import { CLI, ensureBuilt } from '../helpers/child.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestGateway } from '../helpers/gateway.js';
import { REPO_ROOT } from '../helpers/env.js';
import { registered, freshNumberPolicy, startPolicyGateway, submit } from '../helpers/policy-e2e.js';
import { fixture } from '../helpers/policy.js';

const run = promisify(execFile);

describe('quarantine over SMTP and the quarantine CLI', function () {
  before(() => ensureBuilt());
  this.timeout(30_000);
  let tg: TestGateway;
  const cli = (...args: string[]) =>
    run(process.execPath, [CLI, '--config', tg.env.configDir, '--data', tg.env.dataDir, 'quarantine', ...args], { cwd: REPO_ROOT });

  before(async () => {
    const policy = freshNumberPolicy();
    tg = await startPolicyGateway({ policy: { ...policy, actions: { ...policy.actions, 'active-content': 'quarantine' } } });
  });
  after(async () => tg?.stop());

  const held = async () => {
    const result = await submit(tg, { attachments: [{ filename: 'Quyết định.pdf', content: fixture('pdf-javascript.pdf') }] });
    const match = /^250 2\.0\.0 \[quarantine:active-content\] .* (DG\d{8}-[A-Z2-9]{10}) \/ Held for review, tracking id \1$/.exec(result.response);
    expect(match, result.response).to.not.equal(null);
    const r = await registered(tg, result.messageId);
    expect(r!.doc.status).to.equal('quarantined');
    expect(r!.outgoing.map((e) => [e.status, e.number])).to.deep.equal([['held', null]]);
    expect(r!.incoming).to.have.length(0);
    expect(r!.mailboxRows).to.equal(0);
    return { trackingId: match![1], messageId: result.messageId };
  };

  it('release: numbered in sổ đi and sổ đến and delivered, with an event naming the actor', async () => {
    const { trackingId, messageId } = await held();
    const list = await cli('list');
    expect(list.stdout).to.contain(trackingId);
    const show: unknown = JSON.parse(
      (await cli('show', trackingId)).stdout
        .split('\n')
        .filter((l) => !l.includes(' / '))
        .join('\n'),
    );
    expect(show).to.deep.include({ trackingId, reason: 'active-content', check: 'attachments' });
    const release = await cli('release', trackingId, '--actor', 'admin:test', '--note', 'đã kiểm tra');
    expect(release.stdout).to.match(/Released DG\d{8}-[A-Z2-9]{10}: outgoing \d+, incoming 000\.01\.00\.H27 #\d+/);
    const r = await registered(tg, messageId);
    expect(r!.doc.status).to.equal('accepted');
    expect(r!.outgoing[0]).to.include({ status: 'sent' });
    expect(r!.outgoing[0].number).to.be.a('number');
    expect(r!.incoming.map((e) => e.status)).to.deep.equal(['01']);
    expect(r!.mailboxRows).to.equal(2);
    const events = await tg.gateway.storage.db.models.RegisterEvent.findAll({ where: { documentId: trackingId, actor: 'admin:test', kind: 'document' } });
    expect(events.map((e) => [e.get('status'), e.get('note')])).to.deep.equal([['sent', 'đã kiểm tra']]);
    const again = await cli('release', trackingId).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(again?.code).to.equal(1);
    expect(again?.stderr).to.contain('not quarantined');
  });

  it('reject: recorded as returned, never numbered or delivered', async () => {
    const { trackingId, messageId } = await held();
    await cli('reject', trackingId, '--actor', 'admin:test');
    const r = await registered(tg, messageId);
    expect(r!.doc.status).to.equal('returned');
    expect(r!.outgoing.map((e) => [e.status, e.number])).to.deep.equal([['returned', null]]);
    expect(r!.incoming).to.have.length(0);
    expect(r!.mailboxRows).to.equal(0);
    const events = await tg.gateway.storage.db.models.RegisterEvent.findAll({ where: { documentId: trackingId, actor: 'admin:test', kind: 'document' } });
    expect(events.map((e) => e.get('status'))).to.deep.equal(['returned']);
    // The administrator's decision is also an admin event of the chain.
    const admin = await tg.gateway.storage.db.models.RegisterEvent.findAll({ where: { documentId: trackingId, kind: 'admin' } });
    expect(admin.map((e) => [e.get('status'), e.get('actor')])).to.deep.equal([['quarantine-reject', 'admin:test']]);
    expect((await cli('list')).stdout).to.not.contain(trackingId);
  });
});
