import type { Job } from 'bullmq';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Services } from '../app/services.js';
import type { JobPayload } from '../domain/jobs/job-run.service.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import { runJob } from './job-runner.js';

/** Patient credits re-applied within each guarantor (see CreditReapplicationService). Payload: { tenantId, runId }. */
export function creditReapplicationProcessor(orm: MikroORM, services: Services, logger: Logger, metrics?: Metrics) {
  return (job: Job<JobPayload>) =>
    runJob({ orm, logger, metrics }, job, async (uow, run, progress) => {
      const result = await services.reapplication.run(uow, job.data.tenantId, job.data.runId, run.input.dryRun === true, progress);
      return { result: { ...result }, processed: result.guarantors, total: result.guarantors };
    });
}
