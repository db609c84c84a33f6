// Two gateways on one data directory: the second one's start must not delete the first one's
// in-flight spool files, while the spool of a process that is gone is removed.

import { expect } from 'chai';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config/load.js';
import { createLogger } from '../../config/log.js';
import { startGateway } from '../../gateway/server.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

describe('spool per process', function () {
  this.timeout(60_000);
  let tg: TestGateway;
  before(async () => (tg = await startTestGateway()));
  after(async () => tg?.stop());

  it("a second gateway keeps the first one's in-flight files and removes a dead process's", async () => {
    const first = tg.gateway.storage.spoolDir;
    const inFlight = path.join(first, 'in-flight.eml');
    writeFileSync(inFlight, 'Subject: still being received\r\n');
    // A process that died: pid far above pid_max, same host.
    const root = tg.gateway.storage.spoolRoot;
    const dead = path.join(root, '999999999-deadbeef0000');
    mkdirSync(dead);
    writeFileSync(path.join(dead, 'lost.eml'), 'x');
    writeFileSync(`${dead}.owner`, `999999999 ${os.hostname()}\n`);

    const second = await startGateway({ config: loadConfig({ configDir: tg.env.configDir, dataDir: tg.env.dataDir }), log: createLogger('silent') });
    try {
      expect(second.storage.spoolDir).to.not.equal(first);
      expect(existsSync(inFlight), "the live gateway's in-flight file survives").to.equal(true);
      expect(existsSync(dead), "the dead process's spool is removed").to.equal(false);
      expect(existsSync(`${dead}.owner`)).to.equal(false);
    } finally {
      await second.close();
    }
    expect(existsSync(second.storage.spoolDir), 'a closed gateway removes its own spool').to.equal(false);
    expect(existsSync(inFlight)).to.equal(true);
  });
});
