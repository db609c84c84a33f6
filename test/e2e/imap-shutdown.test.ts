// Stopping the gateway (SIGTERM does the same) ends IMAP connections gracefully: each client reads a
// bilingual `* BYE` before EOF, instead of a socket destroyed with the BYE still buffered.

import { expect } from 'chai';
import tls from 'node:tls';
import { CLERKS, startImapGateway, TEST_PASSWORD } from '../helpers/imap.js';

describe('IMAP at shutdown', function () {
  this.timeout(30_000);

  it('every client, idle or logged in, receives * BYE before EOF', async () => {
    const tg = await startImapGateway();
    const clients = await Promise.all(
      Array.from({ length: 5 }, async (_, i) => {
        const socket = tls.connect({ host: '127.0.0.1', port: tg.imapTlsPort, rejectUnauthorized: false });
        let received = '';
        const ended = new Promise<string>((resolve) => {
          socket.on('error', () => undefined);
          socket.on('end', () => resolve(received));
          socket.on('close', () => resolve(received));
        });
        await new Promise<void>((resolve) => {
          socket.on('data', (chunk: Buffer) => {
            received += chunk.toString('latin1');
            if (/\* OK/.test(received) && i % 2 === 1 && !received.includes('a LOGIN')) {
              received += 'a LOGIN';
              socket.write(`a LOGIN "${CLERKS.snv}" "${TEST_PASSWORD}"\r\n`);
            }
            if (i % 2 === 0 ? received.includes('* OK') : /a OK/.test(received)) resolve();
          });
        });
        // Wrapped: an async function returning the promise itself would wait for EOF here.
        return { ended };
      }),
    );
    await tg.stop();
    for (const transcript of await Promise.all(clients.map((c) => c.ended))) {
      expect(transcript).to.match(/\* BYE .+ \/ Server shutting down\r\n$/);
    }
  });
});
