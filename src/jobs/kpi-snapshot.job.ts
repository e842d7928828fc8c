import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Services } from '../app/services.js';
import type { JobPayload } from '../domain/jobs/job-run.service.js';
import type { SnapshotRunInput } from '../domain/kpis/kpi-backfill.service.js';
import { dayChunks } from '../domain/kpis/kpi-snapshot.service.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import { runJob } from './job-runner.js';

/**
 * Writes the KPI snapshots of the run's days (today's, or a backfill's range) a month per
 * statement, all in the run's one transaction. Payload: { tenantId, runId }; the days are read
 * from the run's recorded input, never from Redis.
 */
export function kpiSnapshotProcessor(orm: MikroORM, services: Services, logger: Logger, metrics?: Metrics) {
  return (job: Job<JobPayload>) =>
    runJob({ orm, logger, metrics }, job, async (uow, run, progress) => {
      const { from, to } = run.input as SnapshotRunInput;
      if (typeof from !== 'string' || typeof to !== 'string') throw new UnrecoverableError('kpi-snapshot run input must be { from, to }');
      const now = new Date();
      const chunks = dayChunks(from, to);
      const totalDays = chunks.reduce((n, [a, b]) => n + (Date.parse(b) - Date.parse(a)) / 86_400_000 + 1, 0);
      let days = 0;
      let rows = 0;
      for (const [start, end] of chunks) {
        const written = await services.kpiSnapshots.write(uow, job.data.tenantId, start, end, now);
        days += written.days;
        rows += written.rows;
        await progress(days, totalDays);
      }
      return { result: { from, to, days, rows }, processed: days, total: totalDays };
    });
}
