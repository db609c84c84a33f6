// `docgate account add --role admin` and `docgate account role`: the portal role, from the command
// line (the first administrator is made there), with unknown roles refused as a usage error.

import { expect } from 'chai';
import { AGENCIES, createTestEnv, type TestEnv } from '../helpers/env.js';
import { cliFor, runCli } from '../helpers/child.js';

describe('docgate account role', function () {
  this.timeout(90_000);
  let env: TestEnv;
  let cli: (args: string[], input?: string) => ReturnType<typeof runCli>;
  before(() => {
    env = createTestEnv();
    cli = cliFor(env);
  });
  after(() => env.cleanup());

  it('creates an administrator, changes roles, and refuses an unknown role', async () => {
    const admin = `quantri@${AGENCIES.ubnd.domain}`;
    const add = await cli(['account', 'add', admin, '--agency', AGENCIES.ubnd.id, '--role', 'admin']);
    expect(add.code, add.stderr).to.equal(0);
    expect(add.stdout).to.contain('Role: administrator (web portal)');
    expect((await cli(['account', 'add', `b@${AGENCIES.snv.domain}`, '--agency', AGENCIES.snv.id, '--role', 'boss'])).code).to.equal(2);
    const roles = async () =>
      Object.fromEntries((JSON.parse((await cli(['account', 'list', '--json'])).stdout) as { email: string; role: string }[]).map((a) => [a.email, a.role]));
    expect(await roles()).to.deep.equal({ [admin]: 'admin' });
    expect((await cli(['account', 'role', admin, 'clerk'])).code).to.equal(0);
    expect(await roles()).to.deep.equal({ [admin]: 'clerk' });
    expect((await cli(['account', 'role', admin, 'root'])).code).to.equal(2);
    expect((await cli(['account', 'role', `nobody@${AGENCIES.ubnd.domain}`, 'admin'])).code).to.equal(1);
  });
});
