// With the database unreachable, IMAP LOGIN is a temporary failure: NO [UNAVAILABLE] (RFC 5530),
// bilingual, not NO [SERVERBUG]; the connection stays usable.

import { expect } from 'chai';
import type { TestGateway } from '../helpers/gateway.js';
import { CLERKS, startImapGateway, TEST_PASSWORD } from '../helpers/imap.js';
import { ImapWire } from '../helpers/imap-wire.js';

describe('IMAP LOGIN with the database down', function () {
  this.timeout(30_000);
  let tg: TestGateway;
  before(async () => (tg = await startImapGateway()));
  after(async () => tg?.stop().catch(() => undefined));

  it('answers NO [UNAVAILABLE] with Vietnamese and English text', async () => {
    // Simulates the database going away under a running gateway.
    await tg.gateway.storage.db.sequelize.close();
    const w = await ImapWire.connect(tg.imapTlsPort, { tls: true });
    try {
      await w.greeting();
      const r = await w.login(CLERKS.snv, TEST_PASSWORD);
      expect(r.tagged).to.match(/^A\d+ NO \[UNAVAILABLE\] .+ \/ .+/);
      expect((await w.command('NOOP')).tagged).to.match(/OK/);
    } finally {
      w.close();
    }
  });
});
