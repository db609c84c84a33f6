// docgate document recall ID: the sender's recall (status 13) without a mail client, as moving its copy
// into "Thu hồi" does. A running gateway's IMAP clients see the request at their next command (the
// IDLE wake-up is in-process only).

import type { Command } from 'commander';
import { AgencyDirectory } from '../../config/agencies.js';
import { MailboxEvents } from '../../gateway/events.js';
import { RecallError, RecallService } from '../../gateway/notify/recall.js';
import { withStorage } from './account.js';
import { CliError, cliLogger, loadConfigOrExit, say, type GlobalOptions } from './context.js';
import os from 'node:os';

export function registerDocumentCommands(program: Command): void {
  const document = program.command('document').description('Thao tác trên văn bản đã gửi / actions on sent documents');
  document
    .command('recall <trackingId>')
    .description('Yêu cầu thu hồi văn bản (trạng thái 13) gửi đến mọi cơ quan nhận / ask every recipient to give the document back (status 13)')
    .option('--actor <who>', 'người yêu cầu (ghi vào sổ) / who asks (recorded)', `admin:${os.userInfo().username}`)
    .action(async (trackingId: string, opts: { actor: string }) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      const asked = await withStorage(config, async (storage) => {
        const service = new RecallService({
          config,
          storage,
          agencies: new AgencyDirectory(config.agencies),
          events: new MailboxEvents(),
          log: cliLogger(),
          now: () => new Date(),
        });
        try {
          return await service.request(trackingId, opts.actor);
        } catch (err) {
          if (err instanceof RecallError) throw new CliError(err.message, 1);
          throw err;
        }
      });
      if (asked.length === 0) say('Không còn cơ quan nhận nào để yêu cầu thu hồi', 'No recipient left to ask');
      else say(`Đã gửi yêu cầu thu hồi ${trackingId} đến ${asked.join(', ')}`, `Recall of ${trackingId} requested from ${asked.join(', ')}`);
    });
}
