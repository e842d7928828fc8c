import { UnrecoverableError, type Job } from 'bullmq';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Services } from '../app/services.js';
import type { JobPayload } from '../domain/jobs/job-run.service.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import { runJob } from './job-runner.js';

/**
 * Imports one staged 835 file (see RemittanceImportService): parse, record, post, detect for the
 * touched accounts. Payload: { tenantId, runId }; the file id is the run's recorded input and the
 * file's text is read from PostgreSQL, never carried through Redis.
 */
export function importRemittanceProcessor(orm: MikroORM, services: Services, logger: Logger, metrics?: Metrics) {
  return (job: Job<JobPayload>) =>
    runJob({ orm, logger, metrics }, job, async (uow, run, progress) => {
      const fileId = run.input.fileId;
      if (typeof fileId !== 'string') throw new UnrecoverableError('remittance import run has no fileId');
      const result = await services.remittanceImport.import(uow, job.data.tenantId, job.data.runId, fileId, new Date(), progress);
      return { result: { ...result }, processed: result.claims.total, total: result.claims.total };
    });
}
