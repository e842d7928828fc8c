import { Worker, type ConnectionOptions, type Processor } from 'bullmq';
import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Services } from '../app/services.js';
import { JobKind } from '../domain/jobs/job-state.js';
import type { JobPayload } from '../domain/jobs/job-run.service.js';
import { unfinishedRuns } from '../domain/jobs/job-run.lifecycle.js';
import { connectionErrorLogger, type Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import { PgClientRunner } from '../infra/db/sql-runner.js';
import type { BullJobScheduler } from './queues.js';
import { reasonOf } from '../infra/availability.js';
import { detectCreditsProcessor } from './detect-credits.job.js';
import { autoAdjustProcessor } from './auto-adjust.job.js';
import { creditReapplicationProcessor } from './credit-reapplication.job.js';
import { importRemittanceProcessor } from './import-remittance.job.js';
import { kpiSnapshotProcessor } from './kpi-snapshot.job.js';
import { startKpiSnapshotSchedule } from './kpi-snapshot-schedule.job.js';

export interface WorkerDeps {
  orm: MikroORM;
  services: Services;
  scheduler: BullJobScheduler;
  connection: ConnectionOptions;
  prefix: string;
  logger: Logger;
  metrics?: Metrics;
  /** @defaultValue 30000: after this long without renewal a job is stalled and retried elsewhere. */
  lockDurationMs?: number;
  /** @defaultValue 1: bulk jobs are set-based and already use the database fully. */
  concurrency?: number;
}

export function processors(deps: WorkerDeps): Record<JobKind, Processor<JobPayload>> {
  return {
    [JobKind.CREDIT_DETECTION]: detectCreditsProcessor(deps.orm, deps.services, deps.logger, deps.metrics),
    [JobKind.AUTO_ADJUST]: autoAdjustProcessor(deps.orm, deps.services, deps.logger, deps.metrics),
    [JobKind.CREDIT_REAPPLICATION]: creditReapplicationProcessor(deps.orm, deps.services, deps.logger, deps.metrics),
    [JobKind.REMITTANCE_IMPORT]: importRemittanceProcessor(deps.orm, deps.services, deps.logger, deps.metrics),
    [JobKind.KPI_SNAPSHOT]: kpiSnapshotProcessor(deps.orm, deps.services, deps.logger, deps.metrics),
  };
}

/** Starts one worker per job kind and the daily KPI snapshot tick, then re-queues runs a previous crash left unfinished. */
export async function startWorkers(deps: WorkerDeps, appDatabaseUrl: string): Promise<Worker[]> {
  const table = processors(deps);
  const workers = (Object.keys(table) as JobKind[]).map(
    (kind) =>
      new Worker<JobPayload>(kind, table[kind], {
        connection: deps.connection,
        prefix: deps.prefix,
        concurrency: deps.concurrency ?? 1,
        lockDuration: deps.lockDurationMs ?? 30_000,
        stalledInterval: Math.min(30_000, deps.lockDurationMs ?? 30_000),
      }),
  );
  for (const worker of workers) {
    worker.on('error', connectionErrorLogger(deps.logger, 'worker error', { queue: worker.name }));
  }
  workers.push(await startKpiSnapshotSchedule(deps));
  await requeueUnfinished(deps, appDatabaseUrl);
  return workers;
}

/**
 * Puts back on its queue every run PostgreSQL says is unfinished but Redis has lost or given up
 * on: recorded but never queued (the process died between commit and enqueue), wiped by a Redis
 * restart without persistence, or failed for good while PostgreSQL itself was down (so the run
 * could not even be marked FAILED). Runs younger than `olderThanSeconds` are left alone: their
 * enqueue may still be on its way. Adding is idempotent (the BullMQ job id is the run id).
 */
export async function requeueUnfinished(deps: WorkerDeps, appDatabaseUrl: string, olderThanSeconds = 30): Promise<number> {
  const client = new pg.Client({ connectionString: appDatabaseUrl });
  await client.connect();
  let requeued = 0;
  try {
    const runs = await unfinishedRuns(new PgClientRunner(client), olderThanSeconds);
    for (const run of runs) {
      if (!(Object.values(JobKind) as string[]).includes(run.kind)) continue;
      const kind = run.kind as JobKind;
      const job = await deps.scheduler.queue(kind).getJob(run.id);
      if (!job) {
        await deps.scheduler.schedule(kind, { tenantId: run.tenant_id, runId: run.id });
        requeued++;
      } else if (await job.isFailed()) {
        await job.retry('failed');
        requeued++;
      }
    }
    if (requeued) deps.logger.info({ count: requeued }, 're-queued unfinished runs');
    return requeued;
  } finally {
    await client.end();
  }
}

/**
 * Runs `requeueUnfinished` every `intervalMs` until stopped, so jobs lost to a Redis restart or
 * failed during a PostgreSQL outage resume without manual steps. A tick that cannot reach either
 * is logged and tried again at the next one.
 */
export function startRequeueSweeper(deps: WorkerDeps, appDatabaseUrl: string, intervalMs: number): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = requeueUnfinished(deps, appDatabaseUrl, Math.max(5, Math.round(intervalMs / 1000))).catch((err: unknown) => deps.logger.warn({ reason: reasonOf(err) }, 'requeue sweep failed; will retry'));
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
