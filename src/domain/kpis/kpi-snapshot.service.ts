import { sql, type RawBuilder } from 'kysely';
import type { SqlRunner } from '../../infra/db/sql-runner.js';
import { foldCreditRollup } from './credit-rollup.js';
import { AGING_BUCKETS, ageDaysAtSql, agingBucketSql } from '../credits/aging-bucket.js';

/** The groupings a daily snapshot is kept for (a subset of the `kpis` groupings). */
export enum SnapshotGroupBy {
  NONE = 'NONE',
  PAYER = 'PAYER',
  PAYER_KIND = 'PAYER_KIND',
  ROOT_CAUSE = 'ROOT_CAUSE',
}

/** A calendar day (UTC) as `YYYY-MM-DD`. */
export type IsoDay = string;

/** Same window as creditKpis' default: SLA adherence and turnaround over the 90 days up to as-of. */
const SLA_WINDOW = sql`interval '2160 hours'`;
/** The group of days in credit that no credit row explains (before the first detection run). */
const UNDETECTED = sql.lit('UNDETECTED');
/** Days written per statement: bounds each statement's (credit × day) rows. */
export const SNAPSHOT_CHUNK_DAYS = 31;

export function isoDay(at: Date): IsoDay {
  return at.toISOString().slice(0, 10);
}

export function addDays(day: IsoDay, days: number): IsoDay {
  return isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000));
}

/** [from, to] cut into chunks of at most `size` days. */
export function dayChunks(from: IsoDay, to: IsoDay, size = SNAPSHOT_CHUNK_DAYS): [IsoDay, IsoDay][] {
  const chunks: [IsoDay, IsoDay][] = [];
  for (let start = from; start <= to; start = addDays(start, size)) {
    const end = addDays(start, size - 1);
    chunks.push([start, end < to ? end : to]);
  }
  return chunks;
}

/** A day's as-of instant: its last microsecond (UTC), or now for today. */
function asOfSql(day: IsoDay, now: Date): RawBuilder<unknown> {
  return sql`least(((${day}::date + 1)::timestamp at time zone 'UTC') - interval '1 microsecond', ${now}::timestamptz)`;
}

/** The UTC day an entry counts from; entries dated after now count from no day of a range. */
function dayOfSql(at: RawBuilder<unknown>, now: Date): RawBuilder<unknown> {
  return sql`(case when ${at} > ${now}::timestamptz then 'infinity'::date else (${at} at time zone 'UTC')::date end)`;
}

/** The bucket columns of kpi_snapshot, in AGING_BUCKETS order. */
export const BUCKET_COLUMNS = AGING_BUCKETS.map(({ bucket }) => ({ bucket, column: bucket.toLowerCase() }));

/**
 * Writes kpi_snapshot rows: for each day of a range and each group, the state "as of" the end of
 * that day (UTC), or now for today. The definitions are those of creditKpis / kpis (README "KPIs"):
 * open credits with their amounts and aging, gross A/R, past due, SLA adherence and turnaround of
 * the credits resolved in the 90 days up to as-of; plus the day's inflow (credits originated that
 * day) and outflow (resolved that day). See README "Trends" for how the past is reconstructed.
 */
export class KpiSnapshotService {
  /**
   * Computes and upserts the snapshots of every day in [from, to], set-based: gross A/R of every
   * day in one pass over the entries posted since `from`, the negative stretches of the accounts
   * in one pass over their entries, then the credits a month of days per statement. Then drops
   * rows of those days that this computation no longer produced (a group that emptied). Rewriting
   * a day replaces its rows: nothing is ever counted twice.
   */
  async write(
    db: SqlRunner,
    tenantId: string,
    from: IsoDay,
    to: IsoDay,
    now: Date,
    progress?: (daysDone: number, days: number) => Promise<void>,
  ): Promise<{ days: number; rows: number }> {
    const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
    // generate_series' default estimate (1,000 rows) makes these plans look costly enough for JIT,
    // which then spends seconds compiling statements that run in milliseconds.
    await db.affected(sql`set local jit = off`);
    await this.receivables(db, tenantId, from, to, now);
    await this.negativeSteps(db, tenantId, from, to, now);
    let done = 0;
    let rows = 0;
    for (const [start, end] of dayChunks(from, to)) {
      rows += await this.writeDays(db, tenantId, start, end, now);
      done += Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000) + 1;
      await progress?.(done, days);
    }
    await db.affected(sql`drop table snap_ar, snap_steps`);
    // A group present in an earlier computation of these days but not in this one has emptied.
    await db.affected(sql`
      delete from kpi_snapshot
       where tenant_id = ${tenantId} and snapshot_date between ${from}::date and ${to}::date and computed_at <> ${now}::timestamptz`);
    // The daily run is also where the live KPIs' rollup gets its slots merged back (credit-rollup.ts).
    await foldCreditRollup(db, tenantId);
    return { days, rows };
  }

  /**
   * snap_ar(day, payer_id, ar): gross A/R per day and primary payer. Today's positive balances,
   * minus how each entry posted after a day moved its account's positive part: an entry's balance
   * after it is today's balance less the entries that follow it, so one window over the entries
   * posted since `from` gives every day of the range.
   */
  private async receivables(db: SqlRunner, t: string, from: IsoDay, to: IsoDay, now: Date): Promise<void> {
    const firstAsOf = asOfSql(from, now);
    const noPayer = sql`'00000000-0000-0000-0000-000000000000'::uuid`;
    // A bulk pass over accounts and entries: right after an import (no statistics yet) the planner
    // chose nested loops here and took a minute on 10k accounts; hash joins take a second.
    await db.affected(sql`set local enable_nestloop = off`);
    await db.affected(sql`
      create temp table snap_ar on commit drop as
      with ar_now as (
        select a.primary_payer_id as payer_id, coalesce(sum(b.balance) filter (where b.balance > 0), 0) as ar
          from account_balance b join account a on a.id = b.account_id
         where b.tenant_id = ${t}
         group by a.primary_payer_id
      ),
      ar_late as (
        -- Entries after the range count from the day after it.
        select x.payer_id, least(x.eday, ${to}::date + 1) as eday, sum(greatest(x.bal_after, 0) - greatest(x.bal_after - x.amount, 0)) as delta
          from (select coalesce(a.primary_payer_id, ${noPayer}) as payer_id, ${dayOfSql(sql`e.posted_at`, now)} as eday, e.amount,
                       b.balance - coalesce(sum(e.amount) over (partition by e.account_id order by e.posted_at, e.id
                                                                 rows between 1 following and unbounded following), 0) as bal_after
                  from ledger_entry e
                  join account_balance b on b.account_id = e.account_id
                  join account a on a.id = e.account_id
                 where e.tenant_id = ${t} and b.last_posted_at > ${firstAsOf} and e.posted_at > ${firstAsOf}) x
         group by 1, 2
      ),
      walked as (
        select n.payer_id, g::date as day,
               n.ar - coalesce(sum(l.delta) over (partition by n.payer_id order by g desc rows between unbounded preceding and 1 preceding), 0) as ar
          from ar_now n
         cross join generate_series(${from}::date, ${to}::date + 1, interval '1 day') g
          left join ar_late l on l.payer_id = coalesce(n.payer_id, ${noPayer}) and l.eday = g::date
      )
      select payer_id, day, ar from walked where day <= ${to}::date`);
    await db.affected(sql`set local enable_nestloop = on`);
  }

  /**
   * snap_steps(account_id, starts, ends, bal, origin): every stretch [starts, ends) of the range in
   * which an account's running balance was negative, with the start of that negative run
   * (originatedAt, as detection defines it). The accounts: those with entries since the first day,
   * negative now, or holding a credit row that meets the range. One pass over their entries.
   */
  private async negativeSteps(db: SqlRunner, t: string, from: IsoDay, to: IsoDay, now: Date): Promise<void> {
    const lastAsOf = asOfSql(to, now);
    const firstAsOf = asOfSql(from, now);
    await db.affected(sql`
      create temp table snap_steps on commit drop as
      with accts as (
        select b.account_id from account_balance b
         where b.tenant_id = ${t} and (b.last_posted_at > ${firstAsOf} or b.balance < 0)
        union
        select c.account_id from credit c
         where c.tenant_id = ${t} and c.originated_at <= ${lastAsOf} and (c.resolved_at is null or c.resolved_at > ${firstAsOf})
      ),
      running as (
        select a.account_id, e.posted_at, e.id, sum(e.amount) over w as bal, lead(e.posted_at) over w as ends
          from accts a
         cross join lateral (
                select e.posted_at, e.id, e.amount from ledger_entry e
                 where e.account_id = a.account_id
                 order by e.posted_at, e.id) e
        window w as (partition by a.account_id order by e.posted_at, e.id)
      ),
      opened as (
        select r.*, case when r.bal < 0 and coalesce(lag(r.bal) over w >= 0, true) then r.posted_at end as opens
          from running r
        window w as (partition by r.account_id order by r.posted_at, r.id)
      ),
      steps as (
        select o.account_id, o.posted_at as starts, o.ends, o.bal,
               max(o.opens) over (partition by o.account_id order by o.posted_at, o.id rows unbounded preceding) as origin
          from opened o
      )
      select * from steps s
       where s.bal < 0 and coalesce(s.ends, 'infinity'::timestamptz) > ${firstAsOf} and s.starts <= ${lastAsOf}`);
    await db.affected(sql`analyze snap_steps`);
  }

  /** Upserts the rows of [from, to] (a chunk), reading A/R from snap_ar. Returns the rows written. */
  private async writeDays(db: SqlRunner, t: string, from: IsoDay, to: IsoDay, now: Date): Promise<number> {
    const lastAsOf = asOfSql(to, now);
    const firstAsOf = asOfSql(from, now);
    const dayOf = (at: RawBuilder<unknown>) => dayOfSql(at, now);
    const age = ageDaysAtSql(sql`o.originated_at`, sql`o.as_of`);
    const bucket = agingBucketSql(age);
    const bucketAggregates = sql.join(
      BUCKET_COLUMNS.map(
        ({ bucket: b, column }) =>
          sql`count(*) filter (where k.bucket = ${sql.lit(b)}) as ${sql.ref(`${column}_count`)}, coalesce(sum(k.amount) filter (where k.bucket = ${sql.lit(b)}), 0) as ${sql.ref(`${column}_amount`)}`,
      ),
    );
    const zeroBuckets = sql.join(BUCKET_COLUMNS.map(({ column }) => sql`0 as ${sql.ref(`${column}_count`)}, 0 as ${sql.ref(`${column}_amount`)}`));
    const sumBuckets = sql.join(
      BUCKET_COLUMNS.map(({ column }) => sql`sum(${sql.ref(`${column}_count`)})::integer, sum(${sql.ref(`${column}_amount`)})`),
    );
    const bucketColumns = sql.join(BUCKET_COLUMNS.map(({ column }) => sql`${sql.ref(`${column}_count`)}, ${sql.ref(`${column}_amount`)}`));
    const bucketUpdates = sql.join(
      BUCKET_COLUMNS.map(
        ({ column }) =>
          sql`${sql.ref(`${column}_count`)} = excluded.${sql.ref(`${column}_count`)}, ${sql.ref(`${column}_amount`)} = excluded.${sql.ref(`${column}_amount`)}`,
      ),
    );
    // One row per group of each grouping set, labelled with its grouping. A/R has no root cause.
    const label = (withCause: boolean) => ({
      key: sql`case when grouping(k.payer_key) = 0 then k.payer_key when grouping(k.kind_key) = 0 then k.kind_key
                    ${withCause ? sql`when grouping(k.cause_key) = 0 then k.cause_key` : sql``} else 'ALL' end`,
      by: sql`case when grouping(k.payer_key) = 0 then 'PAYER' when grouping(k.kind_key) = 0 then 'PAYER_KIND'
                   ${withCause ? sql`when grouping(k.cause_key) = 0 then 'ROOT_CAUSE'` : sql``} else 'NONE' end`,
      sets: sql`grouping sets ((k.day), (k.day, k.payer_key), (k.day, k.kind_key)${withCause ? sql`, (k.day, k.cause_key)` : sql``})`,
    });
    const credits = label(true);
    const receivables = label(false);

    // Credit rows whose [originated_at, resolved_at) meets the chunk, with their group keys. Temp
    // tables, analyzed, so the plans hold right after a bulk import (no statistics yet).
    await db.affected(sql`
      create temp table snap_credit on commit drop as
      select c.account_id, c.originated_at, c.resolved_at, c.sla_due_at,
             coalesce(p.code, 'PATIENT') as payer_key, coalesce(p.kind, 'PATIENT') as kind_key, c.root_cause as cause_key
        from credit c
        left join payer p on p.id = c.refund_payer_id
       where c.tenant_id = ${t} and c.originated_at <= ${lastAsOf} and (c.resolved_at is null or c.resolved_at > ${firstAsOf})`);
    await db.affected(sql`analyze snap_credit`);
    // Each day of the chunk on which an account was in credit, from the negative steps.
    await db.affected(sql`
      create temp table snap_account_day on commit drop as
      select s.account_id, g::date as day, s.bal, s.origin
        from snap_steps s
       cross join lateral generate_series(
              greatest(${from}::date, ${dayOf(sql`s.starts`)}),
              least(${to}::date, ${dayOf(sql`coalesce(s.ends, 'infinity'::timestamptz)`)} - 1),
              interval '1 day') g
       where coalesce(s.ends, 'infinity'::timestamptz) > ${firstAsOf} and s.starts <= ${lastAsOf}`);
    await db.affected(sql`analyze snap_account_day`);

    const written = await db.affected(sql`
      with days as (
        select g::date as day,
               least(((g::date + 1)::timestamp at time zone 'UTC') - interval '1 microsecond', ${now}::timestamptz) as as_of
          from generate_series(${from}::date, ${to}::date, interval '1 day') g
      ),
      -- In credit on a day: the account negative at its end. The credit row open then (the
      -- latest-originated, where two overlap) gives the groups and the deadline; without one
      -- (a credit that came and went before any detection run) the groups are UNDETECTED.
      open_at as (
        select distinct on (ad.account_id, d.day) d.day, d.as_of, ad.origin as originated_at, c.sla_due_at,
               coalesce(c.payer_key, ${UNDETECTED}) as payer_key, coalesce(c.kind_key, ${UNDETECTED}) as kind_key,
               coalesce(c.cause_key, ${UNDETECTED}) as cause_key, -ad.bal as amount
          from snap_account_day ad
          join days d on d.day = ad.day
          left join snap_credit c on c.account_id = ad.account_id and c.originated_at <= d.as_of and (c.resolved_at is null or c.resolved_at > d.as_of)
         order by ad.account_id, d.day, c.originated_at desc nulls last
      ),
      open_agg as (
        select k.day, ${credits.by} as group_by, ${credits.key} as group_key, null::numeric as ar,
               count(*) as credit_count, sum(k.amount) as credit_total,
               count(*) filter (where k.age > 90) as over90_count, coalesce(sum(k.amount) filter (where k.age > 90), 0) as over90_amount,
               count(*) filter (where k.sla_due_at < k.as_of) as past_due_count,
               coalesce(sum(k.amount) filter (where k.sla_due_at < k.as_of), 0) as past_due_amount,
               ${bucketAggregates},
               0 as resolved_count, 0 as resolved_on_time, null::float8 as mean_h, null::float8 as median_h, null::float8 as p90_h,
               0 as inflow_count, 0 as inflow_amount, 0 as outflow_count, 0 as outflow_amount
          from (select o.*, ${age} as age, ${bucket} as bucket from open_at o) k
         group by ${credits.sets}
      ),
      -- Credits resolved in the 90 days up to each day's as-of, and the day's inflow and outflow.
      window_agg as (
        select k.day, ${credits.by} as group_by, ${credits.key} as group_key, null::numeric as ar,
               0 as credit_count, 0 as credit_total, 0 as over90_count, 0 as over90_amount, 0 as past_due_count, 0 as past_due_amount,
               ${zeroBuckets},
               count(*) filter (where k.in_window) as resolved_count,
               count(*) filter (where k.in_window and k.resolved_at <= k.sla_due_at) as resolved_on_time,
               avg(k.hours) filter (where k.in_window) as mean_h,
               percentile_cont(0.5) within group (order by k.hours) filter (where k.in_window) as median_h,
               percentile_cont(0.9) within group (order by k.hours) filter (where k.in_window) as p90_h,
               count(*) filter (where k.inflow) as inflow_count, coalesce(sum(k.original_amount) filter (where k.inflow), 0) as inflow_amount,
               count(*) filter (where k.outflow) as outflow_count, coalesce(sum(k.original_amount) filter (where k.outflow), 0) as outflow_amount
          from (select d.day, c.resolved_at, c.sla_due_at, c.original_amount,
                       extract(epoch from (c.resolved_at - c.identified_at)) / 3600 as hours,
                       c.resolved_at >= d.as_of - ${SLA_WINDOW} and c.resolved_at <= d.as_of as in_window,
                       ${dayOf(sql`c.originated_at`)} = d.day as inflow,
                       c.resolved_at is not null and ${dayOf(sql`c.resolved_at`)} = d.day as outflow,
                       coalesce(p.code, 'PATIENT') as payer_key, coalesce(p.kind, 'PATIENT') as kind_key, c.root_cause as cause_key
                  from days d
                  join credit c on c.tenant_id = ${t}
                   and ((c.resolved_at >= d.as_of - ${SLA_WINDOW} and c.resolved_at <= d.as_of)
                        or (c.originated_at >= d.day::timestamp at time zone 'UTC' and c.originated_at <= d.as_of))
                  left join payer p on p.id = c.refund_payer_id) k
         group by ${credits.sets}
      ),
      ar_day as (
        select a.day, a.payer_id, a.ar from snap_ar a where a.day between ${from}::date and ${to}::date
      ),
      ar_agg as (
        select k.day, ${receivables.by} as group_by, ${receivables.key} as group_key, sum(k.ar) as ar,
               0 as credit_count, 0 as credit_total, 0 as over90_count, 0 as over90_amount, 0 as past_due_count, 0 as past_due_amount,
               ${zeroBuckets},
               0 as resolved_count, 0 as resolved_on_time, null::float8 as mean_h, null::float8 as median_h, null::float8 as p90_h,
               0 as inflow_count, 0 as inflow_amount, 0 as outflow_count, 0 as outflow_amount
          from (select a.day, a.ar, coalesce(p.code, 'PATIENT') as payer_key, coalesce(p.kind, 'PATIENT') as kind_key
                  from ar_day a left join payer p on p.id = a.payer_id) k
         group by ${receivables.sets}
      ),
      parts as (
        select * from open_agg union all select * from window_agg union all select * from ar_agg
      )
      insert into kpi_snapshot as s (tenant_id, snapshot_date, group_by, group_key, as_of, accounts_receivable,
             credit_count, credit_total, over90_count, over90_amount, past_due_count, past_due_amount, ${bucketColumns},
             resolved_count, resolved_on_time, turnaround_mean_hours, turnaround_median_hours, turnaround_p90_hours,
             inflow_count, inflow_amount, outflow_count, outflow_amount, computed_at)
      select ${t}, x.day, x.group_by, x.group_key, d.as_of,
             case when x.group_by = 'ROOT_CAUSE' then null else coalesce(sum(x.ar), 0) end,
             sum(x.credit_count)::integer, sum(x.credit_total), sum(x.over90_count)::integer, sum(x.over90_amount),
             sum(x.past_due_count)::integer, sum(x.past_due_amount), ${sumBuckets},
             sum(x.resolved_count)::integer, sum(x.resolved_on_time)::integer, max(x.mean_h), max(x.median_h), max(x.p90_h),
             sum(x.inflow_count)::integer, sum(x.inflow_amount), sum(x.outflow_count)::integer, sum(x.outflow_amount), ${now}::timestamptz
        from parts x join days d on d.day = x.day
       group by x.day, x.group_by, x.group_key, d.as_of
      on conflict (tenant_id, group_by, snapshot_date, group_key) do update set
             as_of = excluded.as_of, accounts_receivable = excluded.accounts_receivable,
             credit_count = excluded.credit_count, credit_total = excluded.credit_total,
             over90_count = excluded.over90_count, over90_amount = excluded.over90_amount,
             past_due_count = excluded.past_due_count, past_due_amount = excluded.past_due_amount, ${bucketUpdates},
             resolved_count = excluded.resolved_count, resolved_on_time = excluded.resolved_on_time,
             turnaround_mean_hours = excluded.turnaround_mean_hours, turnaround_median_hours = excluded.turnaround_median_hours,
             turnaround_p90_hours = excluded.turnaround_p90_hours,
             inflow_count = excluded.inflow_count, inflow_amount = excluded.inflow_amount,
             outflow_count = excluded.outflow_count, outflow_amount = excluded.outflow_amount, computed_at = excluded.computed_at`);

    await db.affected(sql`drop table snap_account_day, snap_credit`);
    return written;
  }
}
