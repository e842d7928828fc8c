import type { Job } from 'bullmq';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Services } from '../app/services.js';
import type { AutoAdjustOptions } from '../domain/credits/auto-adjust.service.js';
import type { JobPayload } from '../domain/jobs/job-run.service.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import { runJob } from './job-runner.js';

/**
 * Batch auto-adjustment of small credits (see AutoAdjustService). Payload: { tenantId, runId }; the
 * options (maxAmount, dryRun) are read from the run's recorded input, never from Redis.
 */
export function autoAdjustProcessor(orm: MikroORM, services: Services, logger: Logger, metrics?: Metrics) {
  return (job: Job<JobPayload>) =>
    runJob({ orm, logger, metrics }, job, async (uow, run, progress) => {
      const options = run.input as unknown as AutoAdjustOptions;
      const result = await services.autoAdjust.run(uow, job.data.tenantId, job.data.runId, options, progress);
      return { result: { ...result }, processed: result.dryRun ? 0 : result.adjusted, total: result.eligible };
    });
}
