import type { LifecycleService, LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import type { MailServices } from '../createMail';

/** Work the scheduler runs beside the syncs (the outbox sweep, routing what is pending); each pushes itself into `mail.jobs`. */
export interface MailJob {
  name: string;
  run(): Promise<void>;
}

/**
 * Mail on the backend scheduler (global scope: one replica at a time). Every
 * 30 s each enabled account is synced — new mail arrives within a minute
 * without IDLE connections held per mailbox — and the jobs run. Accounts are
 * synced one after the other: on a small machine parallel syncs only compete,
 * and each holds its lease so a 立即同步 never runs beside it.
 */
export async function scheduleMailTasks(options: {
  mail: MailServices;
  scheduler: SchedulerService;
  logger: LoggerService;
  lifecycle?: LifecycleService;
  frequencySeconds?: number;
}) {
  const { mail, scheduler, logger } = options;
  await scheduler.scheduleTask({
    id: 'mail-sync',
    scope: 'global',
    frequency: { seconds: options.frequencySeconds ?? 30 },
    timeout: { minutes: 15 },
    initialDelay: { seconds: 5 },
    fn: async () => {
      for (const { id } of await mail.accountStore.syncable()) {
        try {
          await mail.runner.run(id);
        } catch (e) {
          // recorded on the account (last error) by the sync itself; the next account still runs
          logger.warn(`mail sync of account ${id} failed: ${(e as Error).message}`);
        }
      }
      for (const job of mail.jobs) {
        try {
          await job.run();
        } catch (e) {
          logger.warn(`mail job ${job.name} failed: ${(e as Error).message}`);
        }
      }
    },
  });
}
