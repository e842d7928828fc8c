import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Services } from '../app/services.js';
import type { JobPayload } from '../domain/jobs/job-run.service.js';
import type { SnapshotRunInput } from '../domain/kpis/kpi-backfill.service.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import { runJob } from './job-runner.js';

/**
 * Writes the KPI snapshots of the run's days (today's, or a backfill's range), all in the run's
 * one transaction; progress counts days written. Payload: { tenantId, runId }; the days are read
 * from the run's recorded input, never from Redis.
 */
export function kpiSnapshotProcessor(orm: MikroORM, services: Services, logger: Logger, metrics?: Metrics) {
  return (job: Job<JobPayload>) =>
    runJob({ orm, logger, metrics }, job, async (uow, run, progress) => {
      const { from, to } = run.input as SnapshotRunInput;
      if (typeof from !== 'string' || typeof to !== 'string') throw new UnrecoverableError('kpi-snapshot run input must be { from, to }');
      const { days, rows } = await services.kpiSnapshots.write(uow, job.data.tenantId, from, to, new Date(), progress);
      return { result: { from, to, days, rows }, processed: days, total: days };
    });
}
