// docgate quarantine list|show|release|reject: documents held by a `quarantine` action in policy.yaml.
// release numbers and delivers the document exactly as an accepted submission (register repository
// releaseQuarantined); reject records it as returned. Both leave a register event naming the actor.

import type { Command } from 'commander';
import type { Config } from '../../config/load.js';
import { QuarantineStateError } from '../../storage/register/repository.js';
import { adminActor } from '../../storage/register/admin.js';
import type { DocumentRow } from '../../storage/rows.js';
import { rejectHeld, releaseHeld } from '../../gateway/admin/quarantine.js';
import { withStorage } from './account.js';
import { CliError, loadConfigOrExit, say, type GlobalOptions } from './context.js';

interface DecisionOptions {
  note?: string;
  actor?: string;
}

function actorOf(opts: DecisionOptions): string {
  return adminActor(opts.actor);
}

function line(doc: DocumentRow): string {
  return [doc.id, doc.receivedAt.toISOString(), doc.senderAgencyId, doc.reason, doc.subject ?? ''].join('\t');
}

async function heldOrFail(config: Config, trackingId: string): Promise<DocumentRow> {
  return withStorage(config, async (storage) => {
    const doc = await storage.register.findDocument(trackingId);
    if (!doc) throw new CliError(`Không có văn bản ${trackingId} / No document ${trackingId}`, 1);
    if (doc.status !== 'quarantined')
      throw new CliError(`Văn bản ${trackingId} đang ở trạng thái ${doc.status}, không bị giữ / ${trackingId} is ${doc.status}, not quarantined`, 1);
    return doc;
  });
}

function translate(err: unknown): never {
  if (err instanceof QuarantineStateError) throw new CliError(`Không thể xử lý / Cannot decide: ${err.message}`, 1);
  throw err;
}

export function registerQuarantineCommands(program: Command): void {
  const quarantine = program.command('quarantine').description('Văn bản bị giữ lại chờ xem xét / documents held for review');

  quarantine
    .command('list')
    .description('Liệt kê văn bản bị giữ / list held documents')
    .action(async () => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      const docs = await withStorage(config, (storage) => storage.register.quarantined());
      for (const doc of docs) process.stdout.write(`${line(doc)}\n`);
      say(`${docs.length} văn bản đang bị giữ`, `${docs.length} held`);
    });

  quarantine
    .command('show <trackingId>')
    .description('Chi tiết một văn bản bị giữ / details of a held document')
    .action(async (trackingId: string) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      await heldOrFail(config, trackingId);
      await withStorage(config, async (storage) => {
        const doc = (await storage.register.findDocument(trackingId))!;
        const verdict = JSON.parse(doc.verdict) as { reason: string; check: string; message: { vi: string; en: string }; details?: unknown };
        const files = await storage.register.filesOf(trackingId);
        process.stdout.write(
          JSON.stringify(
            {
              trackingId: doc.id,
              receivedAt: doc.receivedAt,
              sender: { agency: doc.senderAgencyId, account: doc.senderAccount },
              recipients: JSON.parse(doc.recipients) as string[],
              subject: doc.subject,
              documentNumber: doc.documentNumber,
              reason: verdict.reason,
              check: verdict.check,
              message: verdict.message,
              details: verdict.details ?? null,
              files: files.map((f) => ({ name: f.filename, size: f.size, type: f.detectedType, role: f.role })),
            },
            null,
            2,
          ) + '\n',
        );
      });
    });

  quarantine
    .command('release <trackingId>')
    .description('Cho phép gửi: vào sổ và chuyển như văn bản được chấp nhận / release: number and deliver as accepted')
    .option('--note <text>', 'ghi chú / note for the register')
    .option('--actor <name>', 'người quyết định / who decides (default admin:<user>)')
    .action(async (trackingId: string, opts: DecisionOptions) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      const doc = await heldOrFail(config, trackingId);
      const at = new Date();
      const recorded = await withStorage(config, (storage) =>
        releaseHeld(config, storage, doc, { trackingId, at, actor: actorOf(opts), note: opts.note ?? null }).catch(translate),
      );
      const incoming = recorded.incoming.map((i) => `${i.agencyId} #${i.number}`).join(', ');
      say(
        `Đã cho phép ${trackingId}: số đi ${recorded.outgoingNumber}, số đến ${incoming}`,
        `Released ${trackingId}: outgoing ${recorded.outgoingNumber}, incoming ${incoming}`,
      );
    });

  quarantine
    .command('reject <trackingId>')
    .description('Trả lại văn bản bị giữ / return a held document to its sender')
    .option('--note <text>', 'lý do / reason for the register')
    .option('--actor <name>', 'người quyết định / who decides (default admin:<user>)')
    .action(async (trackingId: string, opts: DecisionOptions) => {
      const config = loadConfigOrExit(program.opts<GlobalOptions>());
      await heldOrFail(config, trackingId);
      await withStorage(config, (storage) =>
        rejectHeld(storage, { trackingId, at: new Date(), actor: actorOf(opts), note: opts.note ?? null }).catch(translate),
      );
      say(`Đã trả lại ${trackingId}`, `Returned ${trackingId}`);
    });
}
