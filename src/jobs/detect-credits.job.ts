import type { Job } from 'bullmq';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Services } from '../app/services.js';
import type { JobPayload } from '../domain/jobs/job-run.service.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import { runJob } from './job-runner.js';

/** Full credit detection for one tenant: see CreditDetectionService. Payload: { tenantId, runId }. */
export function detectCreditsProcessor(orm: MikroORM, services: Services, logger: Logger, metrics?: Metrics) {
  return (job: Job<JobPayload>) =>
    runJob({ orm, logger, metrics }, job, async (uow, _run, progress) => {
      const result = await services.detection.detect(uow, job.data.tenantId, job.data.runId, new Date(), progress);
      return { result: { ...result }, processed: result.accountsScanned, total: result.accountsScanned };
    });
}
