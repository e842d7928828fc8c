import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { sql } from 'kysely';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Services } from '../app/services.js';
import { asSystem } from '../app/system-context.js';
import type { Logger } from '../infra/logger.js';

/** The queue of the daily tick; its jobs carry no data at all. */
export const KPI_SNAPSHOT_SCHEDULE_QUEUE = 'kpi-snapshot-schedule';
/**
 * When the daily snapshots are taken (cron, UTC): late in the day, so "today's" snapshot stands
 * for the whole day. @defaultValue 23:55 UTC
 */
export const KPI_SNAPSHOT_CRON = '55 23 * * *';

/**
 * The daily tick: queues one kpi-snapshot run per tenant for today (idempotency key
 * `daily:<day>`, so a repeated tick queues nothing twice). Tenants are listed through a SECURITY
 * DEFINER function that returns ids only.
 */
export function kpiSnapshotScheduleProcessor(orm: MikroORM, services: Services, logger: Logger) {
  return async () => {
    const tenants = await sql<{ tenant_id: string }>`select tenant_id from snapshot_tenant_ids()`.execute(orm.em.fork().getKysely());
    let queued = 0;
    for (const { tenant_id: tenantId } of tenants.rows) {
      await asSystem(orm, tenantId, 'kpi-snapshot-schedule', (ctx) => services.kpiBackfill.today(ctx));
      queued += 1;
    }
    logger.info({ tenants: queued }, 'daily KPI snapshots queued');
    return { tenants: queued };
  };
}

/** Upserts the daily job scheduler (every process may: the same id is one scheduler) and starts its worker. */
export async function startKpiSnapshotSchedule(
  deps: { orm: MikroORM; services: Services; logger: Logger; connection: ConnectionOptions; prefix: string },
  pattern = KPI_SNAPSHOT_CRON,
): Promise<Worker> {
  const queue = new Queue(KPI_SNAPSHOT_SCHEDULE_QUEUE, { connection: deps.connection, prefix: deps.prefix });
  try {
    await queue.upsertJobScheduler('kpi-snapshot-daily', { pattern, tz: 'UTC' }, { name: 'daily', data: {}, opts: { attempts: 3, backoff: { type: 'exponential', delay: 5000 } } });
  } finally {
    await queue.close();
  }
  const worker = new Worker(KPI_SNAPSHOT_SCHEDULE_QUEUE, kpiSnapshotScheduleProcessor(deps.orm, deps.services, deps.logger), {
    connection: deps.connection,
    prefix: deps.prefix,
  });
  worker.on('error', (err) => deps.logger.error({ err, queue: KPI_SNAPSHOT_SCHEDULE_QUEUE }, 'worker error'));
  return worker;
}
