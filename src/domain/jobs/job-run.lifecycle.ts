import { sql } from 'kysely';
import type { SqlRunner } from '../../infra/db/sql-runner.js';
import { JobState } from './job-state.js';

/**
 * State changes of a run, each a compare-and-set on job_run. A job's effects and its COMPLETED
 * state commit in one transaction, so a crash before commit leaves the run claimable again and a
 * retry finds either nothing done or everything done.
 */

export interface ClaimedRun {
  kind: string;
  input: Record<string, unknown>;
}

/** QUEUED or RUNNING (a retry after a crash) → RUNNING. Null when the run already finished. */
export async function claimRun(db: SqlRunner, runId: string): Promise<ClaimedRun | null> {
  const row = await db.one<ClaimedRun>(sql`
    update job_run set state = ${JobState.RUNNING}, started_at = coalesce(started_at, now()), attempts = attempts + 1
     where id = ${runId} and state in (${JobState.QUEUED}, ${JobState.RUNNING})
     returning kind, input`);
  return row ?? null;
}

export async function reportProgress(db: SqlRunner, runId: string, processed: number, total: number | null): Promise<void> {
  await db.affected(sql`
    update job_run set processed = ${processed}, total = ${total}
     where id = ${runId} and state = ${JobState.RUNNING}`);
}

export async function completeRun(db: SqlRunner, runId: string, result: Record<string, unknown>, processed: number, total: number): Promise<void> {
  await db.affected(sql`
    update job_run set state = ${JobState.COMPLETED}, result = ${JSON.stringify(result)}::jsonb,
           processed = ${processed}, total = ${total}, error = null, finished_at = now()
     where id = ${runId} and state = ${JobState.RUNNING}`);
}

export async function failRun(db: SqlRunner, runId: string, message: string): Promise<void> {
  await db.affected(sql`
    update job_run set state = ${JobState.FAILED}, error = ${message.slice(0, 2000)}, finished_at = now()
     where id = ${runId} and state in (${JobState.QUEUED}, ${JobState.RUNNING})`);
}

/** Runs left QUEUED or RUNNING, across tenants (ids only), through a SECURITY DEFINER function. */
export async function unfinishedRuns(db: SqlRunner, olderThanSeconds: number): Promise<{ tenant_id: string; id: string; kind: string }[]> {
  return db.rows(sql`select tenant_id, id, kind from unfinished_job_runs(make_interval(secs => ${olderThanSeconds}))`);
}
