// A stored blob that is damaged, short or missing must cost one FETCH a `NO [SERVERBUG]`, never the
// connection; and a client abandoning a large FETCH mid-stream must not leave the blob's descriptor open.

import { expect } from 'chai';
import { readdirSync, rmSync, truncateSync } from 'node:fs';
import tls from 'node:tls';
import type { TestGateway } from '../helpers/gateway.js';
import { CLERKS, deliver, loggedIn, startImapGateway, TEST_PASSWORD } from '../helpers/imap.js';
import { fileStoreOf } from '../../storage/blobs.js';

const big = Buffer.from('PK\u0003\u0004' + 'noi dung van ban '.repeat(90_000), 'latin1');

async function blobPath(tg: TestGateway, trackingId: string): Promise<string> {
  const doc = await tg.gateway.storage.register.findDocument(trackingId);
  const message = (await tg.gateway.storage.db.models.Message.findByPk(doc!.messageRowId!))!.get({ plain: true });
  return fileStoreOf(tg.gateway.storage.blobs).pathOf(message.blobSha256);
}

const openFds = () => readdirSync('/proc/self/fd').length;

describe('IMAP with damaged blobs and abandoned fetches', function () {
  this.timeout(120_000);
  let tg: TestGateway;
  let large: string;

  before(async function () {
    tg = await startImapGateway();
    large = (await deliver(tg, { subject: 'Van ban lon', text: 'Số ký hiệu: 01/QĐ-UBND', attachments: [{ filename: 'lon.docx', content: big }] })).trackingId;
  });
  after(async () => tg?.stop());

  it('a client abandoning 200 large FETCHes mid-stream leaves no descriptor open', async function () {
    const before = openFds();
    for (let round = 0; round < 20; round++) {
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          const socket = tls.connect({ host: '127.0.0.1', port: tg.imapTlsPort, rejectUnauthorized: false });
          let seen = '';
          await new Promise<void>((resolve, reject) => {
            let step = 0;
            socket.on('error', () => undefined);
            socket.on('close', () => resolve());
            setTimeout(() => reject(new Error(`stuck at step ${step}: ${seen.slice(-200)}`)), 20_000).unref();
            socket.on('data', (chunk: Buffer) => {
              seen += chunk.toString('latin1');
              if (step === 0 && seen.includes('* OK')) {
                step = 1;
                socket.write(`a LOGIN "${CLERKS.snv}" "${TEST_PASSWORD}"\r\nb SELECT INBOX\r\nc FETCH 1 BODY.PEEK[]\r\n`);
              } else if (step === 1 && seen.includes('BODY[] {')) {
                // Mid-literal: the client goes away without reading the rest.
                step = 2;
                socket.destroy();
              }
            });
          });
        }),
      );
    }
    // Let the server notice the closed sockets.
    let after = openFds();
    for (let i = 0; i < 50 && after > before + 5; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = openFds();
    }
    expect(after, `descriptors before ${before}, after ${after}`).to.be.at.most(before + 5);
  });

  it('answers NO [SERVERBUG] for a short or missing blob and keeps the connection', async function () {
    const small = (await deliver(tg, { subject: 'Van ban nho', text: 'Số ký hiệu: 02/QĐ-UBND' })).trackingId;
    const w = await loggedIn(tg, CLERKS.snv);
    try {
      await w.command('SELECT INBOX');
      truncateSync(await blobPath(tg, large), 100_000);
      const short = await w.command('FETCH 1 BODY.PEEK[]');
      expect(short.tagged).to.match(/^A\d+ NO \[SERVERBUG\] .+ \/ .+/);
      expect(w.isClosed).to.equal(false);
      // The announced literal was completed, so the next command is read correctly.
      expect((await w.command('NOOP')).tagged).to.match(/OK/);

      rmSync(await blobPath(tg, large));
      expect((await w.command('FETCH 1 BODY.PEEK[]')).tagged).to.match(/NO \[SERVERBUG\]/);
      expect((await w.command('NOOP')).tagged).to.match(/OK/);

      rmSync(await blobPath(tg, small));
      expect((await w.command('FETCH 2 BODY.PEEK[]')).tagged).to.match(/NO \[SERVERBUG\]/);
      expect((await w.command('FETCH 1:2 UID')).tagged).to.match(/OK/);
      expect(w.isClosed).to.equal(false);
    } finally {
      w.close();
    }
  });
});
