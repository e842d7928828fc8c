import { sql, type RawBuilder } from 'kysely';
import { AGING_BUCKETS, AgingBucket } from '../credits/aging-bucket.js';
import { ACTIVE_CREDIT_STATUSES } from '../credits/credit-enums.js';
import { Decimal, moneyFromDb } from '../money/money.js';
import type { SqlRunner } from '../../infra/db/sql-runner.js';
import type { KpiCore } from './kpi-core.js';

const DAY = 86_400_000;
const ACTIVE = sql.join(ACTIVE_CREDIT_STATUSES.map((s) => sql.lit(s)));

/** Open credits, their age buckets, past due and SLA counts of one group, as of `asOf` (current statuses). */
export interface RollupKpis
  extends Pick<KpiCore, 'key' | 'openCredits' | 'creditBalanceTotal' | 'over90Count' | 'over90Amount' | 'pastDueCount' | 'pastDueAmount' | 'resolvedInWindow' | 'resolvedOnTime'> {
  /** Credits of the group in any status: a group exists when it has had a credit. */
  credits: number;
  buckets: { bucket: AgingBucket; count: number; amount: Decimal }[];
}

export interface RollupQuery {
  tenantId: string;
  asOf: Date;
  since: Date;
  /** The group key, an expression over `p` (the refund payer, left-joined; null when owed to the patient). */
  key: RawBuilder<string>;
  /** Conditions over `p`. */
  payerConditions: RawBuilder<unknown>[];
}

/** [from, to) — or [from, to] when `toInclusive` — of instants. */
interface Range {
  from: Date;
  to: Date;
  toInclusive?: boolean;
}

const utcDay = (t: Date) => new Date(Math.floor(t.getTime() / DAY) * DAY);
const isoDay = (t: Date) => utcDay(t).toISOString().slice(0, 10);
const wholeDay = (t: Date): Range => ({ from: utcDay(t), to: new Date(utcDay(t).getTime() + DAY) });

const inRange =
  (r: Range) =>
  (column: RawBuilder<unknown>): RawBuilder<unknown> =>
    sql`${column} >= ${r.from} and ${column} ${r.toInclusive ? sql`<=` : sql`<`} ${r.to}`;

/** One UNION ALL branch per range, so each is a range scan of an index (an OR of ranges is not). */
function perRange(ranges: Range[], branch: (within: (column: RawBuilder<unknown>) => RawBuilder<unknown>) => RawBuilder<unknown>): RawBuilder<unknown> {
  return sql.join(ranges.map((r) => branch(inRange(r))), sql``);
}

/**
 * The open-credit and SLA KPIs per group from `credit_rollup` (migration credit_rollup), equal to
 * the same aggregates over `credit` (the statuses of now, ages and deadlines relative to `asOf`):
 * - open count and amount: the OPEN totals;
 * - aging buckets: a bucket changes only where `originatedAt` crosses T31, T61, T91 (asOf − 31/61/91
 *   days; age ≥ n ⟺ originatedAt ≤ asOf − n days), so an ORIGINATED day that holds none of them is
 *   wholly in one bucket: after T31's day 0–30, between T61's and T31's 31–60, between T91's and
 *   T61's 61–90. The three days that hold them are read from `credit`. Over 90 = open − the three
 *   younger buckets, so only the days after T91's are read;
 * - past due (slaDueAt < asOf) = open − SLA_DUE days after asOf's day − the credits due later on asOf's day;
 * - resolved in [since, asOf]: RESOLVED days strictly between since's and asOf's days, plus the
 *   credits resolved on those two days, read from `credit`.
 * Each read from `credit` is a range of at most a day on a partial or covering index. The facts
 * are summed per refund payer first; the payer (group key, filters) is joined once, to those sums.
 */
export function rollupKpisSql(q: RollupQuery): RawBuilder<Record<string, string | number | null>> {
  const { asOf, since, key } = q;
  const bounds = [31, 61, 91].map((d) => new Date(asOf.getTime() - d * DAY));
  const [d1, d2, d3] = bounds.map(isoDay);
  const nowDay = isoDay(asOf);
  const sinceDay = isoDay(since);
  const payer = sql.join([sql`true`, ...q.payerConditions], sql` and `);
  // The bucket rule of aging-bucket.ts as comparisons with the boundaries: age ≤ n ⟺ originatedAt > asOf − (n + 1) days.
  const exactBucket = sql`case when c.originated_at > ${bounds[0]} then ${sql.lit(AgingBucket.DAYS_0_30)}
                               when c.originated_at > ${bounds[1]} then ${sql.lit(AgingBucket.DAYS_31_60)}
                               when c.originated_at > ${bounds[2]} then ${sql.lit(AgingBucket.DAYS_61_90)}
                               else ${sql.lit(AgingBucket.DAYS_OVER_90)} end`;
  const resolvedRanges: Range[] =
    sinceDay === nowDay
      ? [{ from: since, to: asOf, toInclusive: true }]
      : [
          { from: since, to: wholeDay(since).to },
          { from: utcDay(asOf), to: asOf, toInclusive: true },
        ];
  const facts = sql`
    select r.refund_payer_id,
           case when r.axis <> 'ORIGINATED' then r.axis
                when r.day > ${d1}::date then ${sql.lit(AgingBucket.DAYS_0_30)}
                when r.day > ${d2}::date then ${sql.lit(AgingBucket.DAYS_31_60)}
                else ${sql.lit(AgingBucket.DAYS_61_90)} end as fact,
           r.credits, r.amount, r.on_time
      from credit_rollup r
     where r.tenant_id = ${q.tenantId}
       and (r.axis in ('ANY', 'OPEN')
            or (r.axis = 'ORIGINATED' and r.day > ${d3}::date and r.day not in (${d2}::date, ${d1}::date))
            or (r.axis = 'SLA_DUE' and r.day > ${nowDay}::date)
            or (r.axis = 'RESOLVED' and r.day > ${sinceDay}::date and r.day < ${nowDay}::date))
    ${perRange(bounds.map(wholeDay), (within) => sql`
    union all
    select c.refund_payer_id, ${exactBucket}, 1, c.amount, 0 from credit c
     where c.tenant_id = ${q.tenantId} and c.status in (${ACTIVE}) and ${within(sql`c.originated_at`)}`)}
    union all
    select c.refund_payer_id, 'SLA_DUE', 1, c.amount, 0 from credit c
     where c.tenant_id = ${q.tenantId} and c.status in (${ACTIVE})
       and ${inRange({ from: asOf, to: wholeDay(asOf).to })(sql`c.sla_due_at`)}
    ${perRange(resolvedRanges, (within) => sql`
    union all
    select c.refund_payer_id, 'RESOLVED', 1, 0, case when c.resolved_at <= c.sla_due_at then 1 else 0 end from credit c
     where c.tenant_id = ${q.tenantId} and ${within(sql`c.resolved_at`)}`)}`;
  const sums = (fact: string, name: string) => sql`
    coalesce(sum(credits) filter (where fact = ${sql.lit(fact)}), 0)::integer as ${sql.ref(`${name}_count`)},
    coalesce(sum(amount) filter (where fact = ${sql.lit(fact)}), 0)::text as ${sql.ref(`${name}_amount`)}`;
  return sql`
    select key, ${sums('ANY', 'any')}, ${sums('OPEN', 'open')}, ${sums('SLA_DUE', 'not_due')},
           ${sql.join(AGING_BUCKETS.slice(0, 3).map((b) => sums(b.bucket, b.bucket)))},
           ${sums('RESOLVED', 'resolved')},
           coalesce(sum(on_time) filter (where fact = 'RESOLVED'), 0)::integer as on_time
      from (select ${key} as key, f.fact, f.credits, f.amount, f.on_time
              from (select refund_payer_id, fact, sum(credits) as credits, sum(amount) as amount, sum(on_time) as on_time
                      from (${facts}) x (refund_payer_id, fact, credits, amount, on_time)
                     group by 1, 2) f
              left join payer p on p.id = f.refund_payer_id
             where ${payer}) f
     group by key
    having coalesce(sum(credits) filter (where fact = 'ANY'), 0) > 0
     order by key`;
}

/** Reads a row of `rollupKpisSql` into the KPIs it stands for. */
export function rollupKpisFrom(row: Record<string, string | number | null>): RollupKpis {
  const count = (name: string) => Number(row[`${name}_count`]);
  const amount = (name: string) => moneyFromDb(String(row[`${name}_amount`]));
  const open = { count: count('open'), amount: amount('open') };
  const younger = AGING_BUCKETS.slice(0, 3).map((b) => ({ bucket: b.bucket, count: count(b.bucket), amount: amount(b.bucket) }));
  const over90 = {
    bucket: AgingBucket.DAYS_OVER_90,
    count: open.count - younger.reduce((n, b) => n + b.count, 0),
    amount: younger.reduce((a, b) => a.minus(b.amount), open.amount),
  };
  return {
    key: String(row.key),
    credits: count('any'),
    buckets: [...younger, over90],
    openCredits: open.count,
    creditBalanceTotal: open.amount,
    over90Count: over90.count,
    over90Amount: over90.amount,
    pastDueCount: open.count - count('not_due'),
    pastDueAmount: open.amount.minus(amount('not_due')),
    resolvedInWindow: count('resolved'),
    resolvedOnTime: Number(row.on_time),
  };
}

/**
 * Merges a tenant's rollup slots into slot 0 and drops rows that net to zero, so reads stay a
 * few rows per key however many backends have written. Concurrent writers are not blocked: they
 * add to their own slot's rows, which this moves only once their transaction has committed.
 */
export async function foldCreditRollup(db: SqlRunner, tenantId: string): Promise<void> {
  await db.affected(sql`
    with moved as (
      delete from credit_rollup where tenant_id = ${tenantId} and slot <> 0
      returning tenant_id, axis, day, refund_payer_id, credits, amount, on_time)
    insert into credit_rollup as r (tenant_id, axis, day, refund_payer_id, slot, credits, amount, on_time)
    select tenant_id, axis, day, refund_payer_id, 0, sum(credits), sum(amount), sum(on_time)
      from moved group by 1, 2, 3, 4 order by 1, 2, 3, 4
    on conflict (tenant_id, axis, day, refund_payer_id, slot) do update
      set credits = r.credits + excluded.credits, amount = r.amount + excluded.amount, on_time = r.on_time + excluded.on_time`);
  await db.affected(sql`delete from credit_rollup where tenant_id = ${tenantId} and credits = 0 and amount = 0 and on_time = 0`);
}
