/*
 * The process the crash test kills: one `syncAccount` run of the real mail
 * services against the test's database, as the backend's scheduled task runs
 * it. Started with Backstage's TypeScript transform:
 *   node --require @backstage/cli-node/config/nodeTransform.cjs syncWorker.ts '<json>'
 * Prints `syncing` when the run starts and `done <result>` when it completed.
 */
import { createMail } from '../createMail';
import { PasswordCipher } from '../service/PasswordCipher';
import { WorkerDatabase, openDatabase, stderrLogger } from './workerSupport';

export interface SyncWorkerInput {
  database: WorkerDatabase;
  accountId: string;
  /** the test's mail.encryptionKey (base64) */
  key: string;
  batchSize?: number;
}

async function main() {
  const input = JSON.parse(process.argv[2]) as SyncWorkerInput;
  const knex = openDatabase(input.database);
  try {
    const services = createMail({
      knex,
      cipher: PasswordCipher.fromBase64Key(input.key),
      logger: stderrLogger({ worker: process.pid }),
      sync: { batchSize: input.batchSize },
    });
    process.stdout.write('syncing\n');
    const result = await services.sync.syncAccount(input.accountId);
    process.stdout.write(`done ${JSON.stringify(result)}\n`);
  } finally {
    await knex.destroy();
  }
}

main().catch(e => {
  process.stderr.write(`sync worker failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
