// Durable jobs in PostgreSQL with pg-boss: reminders, fan-out, closing, the outbox. Features register
// their own queues and workers through Jobs.
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';

export type { PgBoss };

export interface Jobs {
  boss: PgBoss;
  isRunning(): boolean;
  stop(): Promise<void>;
}

export async function startJobs(connectionString: string, log: Logger): Promise<Jobs> {
  const boss = new PgBoss({
    connectionString,
    schema: 'pgboss',
    application_name: 'cadans-jobs',
    max: 5,
    // Maintenance (archiving, expiring) runs in whichever instance gets there first.
    supervise: true,
    schedule: true,
  });
  let running = false;
  boss.on('error', (err) => log.error({ err }, 'job queue error'));
  await boss.start();
  running = true;
  return {
    boss,
    isRunning: () => running,
    async stop() {
      if (!running) return;
      running = false;
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
