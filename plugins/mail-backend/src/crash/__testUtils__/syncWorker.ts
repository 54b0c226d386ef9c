/*
 * The process the crash test kills: one `syncAccount` run of the real mail
 * services against the test's database, as the backend's scheduled task runs
 * it, followed by the scheduler's jobs (routing and indexing what a crash
 * left pending). Started with Backstage's TypeScript transform:
 *   node --require @backstage/cli-node/config/nodeTransform.cjs syncWorker.ts '<json>'
 * Prints `syncing` when the run starts and `done <json>` when all completed.
 */
import { createMail } from '../../createMail';
import { installRouting } from '../../routing';
import { PasswordCipher } from '../../service/PasswordCipher';
import { corpusCrm } from './corpusCrm';
import { WorkerDatabase, openDatabase, stderrLogger } from './workerSupport';

export interface SyncWorkerInput {
  database: WorkerDatabase;
  accountId: string;
  /** the test's mail.encryptionKey (base64) */
  key: string;
  batchSize?: number;
}

export interface SyncWorkerOutput {
  result: Awaited<ReturnType<ReturnType<typeof createMail>['sync']['syncAccount']>>;
  /** the after-parse hooks createMail installed, in order */
  hooks: string[];
  jobs: string[];
}

async function main() {
  const input = JSON.parse(process.argv[2]) as SyncWorkerInput;
  const knex = openDatabase(input.database);
  try {
    const mail = createMail({
      knex,
      cipher: PasswordCipher.fromBase64Key(input.key),
      logger: stderrLogger({ worker: process.pid }),
      sync: { batchSize: input.batchSize },
    });
    // routing as installed by createMail, with a CRM that knows the corpus's senders
    installRouting(mail, { crm: corpusCrm() });
    process.stdout.write('syncing\n');
    const result = await mail.sync.syncAccount(input.accountId);
    for (const job of mail.jobs) await job.run();
    const output: SyncWorkerOutput = { result, hooks: mail.hooks.map(h => h.name), jobs: mail.jobs.map(j => j.name) };
    process.stdout.write(`done ${JSON.stringify(output)}\n`);
  } finally {
    await knex.destroy();
  }
}

main().catch(e => {
  process.stderr.write(`sync worker failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
