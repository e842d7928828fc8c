import type { Job } from 'bullmq';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Services } from '../app/services.js';
import type { JobPayload } from '../domain/jobs/job-run.service.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import { runJob } from './job-runner.js';

/**
 * Full credit detection for one tenant (which classifies and places what it opens or changes in the
 * same write), then classification of any credit still unclassified and the re-placement of open
 * credits whose worklist changed (aging moves them), all in the run's one transaction.
 * Payload: { tenantId, runId }.
 */
export function detectCreditsProcessor(orm: MikroORM, services: Services, logger: Logger, metrics?: Metrics) {
  return (job: Job<JobPayload>) =>
    runJob({ orm, logger, metrics }, job, async (uow, _run, progress) => {
      const { tenantId, runId } = job.data;
      const now = new Date();
      const result = await services.detection.detect(uow, tenantId, runId, now, { progress });
      let started = performance.now();
      const { classified, phaseMs: classifyPhases } = await services.classification.classify(uow, tenantId, runId);
      const classifyMs = Math.round(performance.now() - started);
      started = performance.now();
      const placed = await services.worklists.place(uow, tenantId, now);
      const phaseMs = { ...result.phaseMs, classify: classifyMs, classifyPhases, place: Math.round(performance.now() - started) };
      return { result: { ...result, phaseMs, classified, placed }, processed: result.accountsScanned, total: result.accountsScanned };
    });
}
