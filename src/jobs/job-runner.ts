import { UnrecoverableError, type Job } from 'bullmq';
import type { MikroORM } from '@mikro-orm/postgresql';
import { UnitOfWork } from '../infra/db/unit-of-work.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import type { JobPayload } from '../domain/jobs/job-run.service.js';
import { claimRun, completeRun, failRun, reportProgress, type ClaimedRun } from '../domain/jobs/job-run.lifecycle.js';
import { isUuid } from '../domain/ids.js';

export interface JobWork {
  /** The job's effects, in the same transaction that marks the run COMPLETED. */
  (uow: UnitOfWork, run: ClaimedRun, progress: (processed: number, total: number) => Promise<void>): Promise<{
    result: Record<string, unknown>;
    processed: number;
    total: number;
  }>;
}


/**
 * Runs one BullMQ job against its job_run row: claim (QUEUED/RUNNING → RUNNING), do the work and
 * mark COMPLETED in one tenant-scoped transaction, report progress in short transactions of their
 * own, and mark FAILED once BullMQ has no attempt left.
 */
export interface JobRunnerDeps {
  orm: MikroORM;
  logger: Logger;
  metrics?: Metrics;
}

export async function runJob({ orm, logger, metrics }: JobRunnerDeps, job: Job<JobPayload>, work: JobWork): Promise<Record<string, unknown> | null> {
  const { tenantId, runId } = job.data ?? ({} as JobPayload);
  if (typeof tenantId !== 'string' || typeof runId !== 'string' || !isUuid(runId)) {
    throw new UnrecoverableError('job payload must be { tenantId, runId }');
  }
  const log = logger.child({ job: job.name, runId, tenantId, attempt: job.attemptsMade + 1 });
  const claimed = await UnitOfWork.run(orm, tenantId, (uow) => claimRun(uow, runId));
  if (!claimed) {
    log.info('run already finished; nothing to do');
    return null;
  }
  const started = Date.now();
  const progress = async (processed: number, total: number) => {
    await UnitOfWork.run(orm, tenantId, (uow) => reportProgress(uow, runId, processed, total));
    await job.updateProgress({ processed, total });
  };
  try {
    const outcome = await UnitOfWork.run(orm, tenantId, async (uow) => {
      const done = await work(uow, claimed, progress);
      await completeRun(uow, runId, done.result, done.processed, done.total);
      return done;
    });
    log.info({ ms: Date.now() - started, processed: outcome.processed }, 'run completed');
    metrics?.jobDuration.observe({ kind: job.name, outcome: 'completed' }, (Date.now() - started) / 1000);
    return outcome.result;
  } catch (error) {
    const lastAttempt = error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    log.error({ err: error, lastAttempt }, 'run failed');
    metrics?.jobDuration.observe({ kind: job.name, outcome: 'failed' }, (Date.now() - started) / 1000);
    if (lastAttempt) await UnitOfWork.run(orm, tenantId, (uow) => failRun(uow, runId, (error as Error).message));
    throw error;
  }
}
