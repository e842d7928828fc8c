import { Worker, type ConnectionOptions, type Processor } from 'bullmq';
import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Services } from '../app/services.js';
import { JobKind } from '../domain/jobs/job-state.js';
import type { JobPayload } from '../domain/jobs/job-run.service.js';
import { unfinishedRuns } from '../domain/jobs/job-run.lifecycle.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import { PgClientRunner } from '../infra/db/sql-runner.js';
import type { BullJobScheduler } from './queues.js';
import { detectCreditsProcessor } from './detect-credits.job.js';
import { autoAdjustProcessor } from './auto-adjust.job.js';
import { creditReapplicationProcessor } from './credit-reapplication.job.js';
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
    worker.on('error', (err) => deps.logger.error({ err, queue: worker.name }, 'worker error'));
  }
  workers.push(await startKpiSnapshotSchedule(deps));
  await requeueUnfinished(deps, appDatabaseUrl);
  return workers;
}

/** A run recorded but never queued (the process died between commit and enqueue) is queued now. */
async function requeueUnfinished(deps: WorkerDeps, appDatabaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: appDatabaseUrl });
  await client.connect();
  try {
    const runs = await unfinishedRuns(new PgClientRunner(client), 30);
    for (const run of runs) {
      if ((Object.values(JobKind) as string[]).includes(run.kind)) {
        await deps.scheduler.schedule(run.kind as JobKind, { tenantId: run.tenant_id, runId: run.id });
      }
    }
    if (runs.length) deps.logger.info({ count: runs.length }, 're-queued unfinished runs');
  } finally {
    await client.end();
  }
}
