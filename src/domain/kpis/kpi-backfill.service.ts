import { sql } from 'kysely';
import type { RequestContext } from '../context/request-context.js';
import { BadInputError } from '../errors.js';
import type { JobRunService } from '../jobs/job-run.service.js';
import type { JobRun } from '../jobs/job-run.entity.js';
import { JobKind } from '../jobs/job-state.js';
import { isoDay, type IsoDay } from './kpi-snapshot.service.js';

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
/** A backfill covers at most ten years. */
const MAX_BACKFILL_DAYS = 3660;

export interface SnapshotRunInput {
  from: IsoDay;
  to: IsoDay;
  [key: string]: unknown;
}

/** Queues KPI snapshot runs: a backfill of past days, or today's snapshot. */
export class KpiBackfillService {
  constructor(private readonly jobs: JobRunService) {}

  /**
   * Queues a run that rebuilds the snapshots of [from, to] (UTC days) from the ledger and the credit
   * history. `from` defaults to the day of the tenant's first ledger entry, `to` to today.
   */
  async backfill(ctx: RequestContext, from: IsoDay | null | undefined, to: IsoDay | null | undefined, idempotencyKey: string): Promise<JobRun> {
    const today = isoDay(ctx.now);
    if (from !== null && from !== undefined && !DAY_RE.test(from)) throw new BadInputError('from', 'must be a date YYYY-MM-DD');
    if (to !== null && to !== undefined && !DAY_RE.test(to)) throw new BadInputError('to', 'must be a date YYYY-MM-DD');
    const last = to ?? today;
    if (last > today) throw new BadInputError('to', 'must not be after today (UTC)');
    let first = from;
    if (!first) {
      const row = await ctx.uow.one<{ day: string | null }>(
        sql`select (min(posted_at) at time zone 'UTC')::date::text as day from ledger_entry where tenant_id = ${ctx.tenantId}`,
      );
      first = row?.day && row.day < last ? row.day : last;
    }
    if (first > last) throw new BadInputError('from', 'must not be after to');
    if ((Date.parse(last) - Date.parse(first)) / 86_400_000 >= MAX_BACKFILL_DAYS) {
      throw new BadInputError('from', `a backfill covers at most ${MAX_BACKFILL_DAYS} days`);
    }
    const input: SnapshotRunInput = { from: first, to: last };
    return this.jobs.enqueue(ctx, JobKind.KPI_SNAPSHOT, input, idempotencyKey);
  }

  /** Today's snapshot, once per day and tenant (the daily schedule's run). */
  today(ctx: RequestContext): Promise<JobRun> {
    const day = isoDay(ctx.now);
    return this.jobs.enqueue(ctx, JobKind.KPI_SNAPSHOT, { from: day, to: day } satisfies SnapshotRunInput, `daily:${day}`);
  }
}
