import { sql } from 'kysely';
import type { RequestContext } from '../context/request-context.js';
import { BadInputError } from '../errors.js';
import { Decimal, moneyFromDb } from '../money/money.js';
import type { AgingBucketKpi } from './credit-kpis.service.js';
import type { KpiCore } from './kpi-core.js';
import { BUCKET_COLUMNS, SnapshotGroupBy, type IsoDay } from './kpi-snapshot.service.js';

export enum TrendInterval {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}

export interface KpiTrendQuery {
  from: IsoDay;
  to: IsoDay;
  interval: TrendInterval;
  groupBy: SnapshotGroupBy;
}

export interface KpiTrendPoint extends KpiCore {
  /** First day of the period (a Monday for WEEK, the 1st for MONTH). */
  period: IsoDay;
  /** The day whose snapshot stands for the period: its last one in [from, to]. */
  snapshotDate: IsoDay;
  asOf: Date;
  accountsReceivable: Decimal | null;
  creditPercentOfAr: number | null;
  over90Share: number;
  over90AmountShare: number;
  agingBuckets: AgingBucketKpi[];
  outflowCount: number;
  outflowAmount: Decimal;
}

const UNIT: Record<TrendInterval, string> = { DAY: 'day', WEEK: 'week', MONTH: 'month' };
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
/** At most ten years of points per call. */
const MAX_RANGE_DAYS = 3660;

// The shares of creditKpis (README "KPIs"), from a snapshot's numerators and denominators.
const share = (num: Decimal, den: Decimal) => (den.isZero() ? 0 : num.div(den).toNumber());

/**
 * Reads kpi_snapshot as a series: for each period of the interval and each group, the last
 * snapshot of the period (stock figures: totals, aging, A/R, SLA adherence of its 90-day window)
 * and the period's summed daily inflow and outflow.
 */
export class KpiTrendService {
  async trend(ctx: RequestContext, query: KpiTrendQuery): Promise<KpiTrendPoint[]> {
    const { from, to } = query;
    if (!DAY_RE.test(from)) throw new BadInputError('from', 'must be a date YYYY-MM-DD');
    if (!DAY_RE.test(to)) throw new BadInputError('to', 'must be a date YYYY-MM-DD');
    if (from > to) throw new BadInputError('from', 'must not be after to');
    if ((Date.parse(to) - Date.parse(from)) / 86_400_000 > MAX_RANGE_DAYS) throw new BadInputError('to', `range must be at most ${MAX_RANGE_DAYS} days`);
    const unit = sql.lit(UNIT[query.interval]);
    const period = sql`date_trunc(${unit}, s.snapshot_date::timestamp)::date`;
    const buckets = sql.join(BUCKET_COLUMNS.map(({ column }) => sql`${sql.ref(`${column}_count`)}, ${sql.ref(`${column}_amount`)}::text as ${sql.ref(`${column}_amount`)}`));
    const rows = await ctx.reads.rows<Record<string, string | number | Date | null>>(sql`
      select * from (
        select ${period}::text as period, s.snapshot_date::text as snapshot_date, s.as_of, s.group_key,
               s.accounts_receivable::text as accounts_receivable, s.credit_count, s.credit_total::text as credit_total,
               s.over90_count, s.over90_amount::text as over90_amount, s.past_due_count, s.past_due_amount::text as past_due_amount,
               ${buckets},
               s.resolved_count, s.resolved_on_time, s.turnaround_mean_hours, s.turnaround_median_hours, s.turnaround_p90_hours,
               sum(s.inflow_count) over p as inflow_count, (sum(s.inflow_amount) over p)::text as inflow_amount,
               sum(s.outflow_count) over p as outflow_count, (sum(s.outflow_amount) over p)::text as outflow_amount,
               row_number() over (p order by s.snapshot_date desc) as rn
          from kpi_snapshot s
         where s.tenant_id = ${ctx.tenantId} and s.group_by = ${query.groupBy}
           and s.snapshot_date between ${from}::date and ${to}::date
        window p as (partition by ${period}, s.group_key)
      ) x where rn = 1
      order by period, group_key`);

    return rows.map((r) => {
      const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
      const ar = r.accounts_receivable === null ? null : moneyFromDb(String(r.accounts_receivable));
      const total = moneyFromDb(String(r.credit_total));
      const open = Number(r.credit_count);
      const over90Amount = moneyFromDb(String(r.over90_amount));
      const resolved = Number(r.resolved_count);
      return {
        period: String(r.period),
        snapshotDate: String(r.snapshot_date),
        asOf: new Date(r.as_of as Date),
        key: String(r.group_key),
        accountsReceivable: ar,
        creditBalanceTotal: total,
        openCredits: open,
        creditPercentOfAr: ar === null ? null : share(total.times(100), ar),
        over90Count: Number(r.over90_count),
        over90Amount,
        over90Share: share(new Decimal(Number(r.over90_count)), new Decimal(open)),
        over90AmountShare: share(over90Amount, total),
        pastDueCount: Number(r.past_due_count),
        pastDueAmount: moneyFromDb(String(r.past_due_amount)),
        resolvedInWindow: resolved,
        resolvedOnTime: Number(r.resolved_on_time),
        slaAdherence: resolved > 0 ? Number(r.resolved_on_time) / resolved : null,
        turnaroundHours: { mean: num(r.turnaround_mean_hours), median: num(r.turnaround_median_hours), p90: num(r.turnaround_p90_hours) },
        agingBuckets: BUCKET_COLUMNS.map(({ bucket, column }) => ({
          bucket,
          count: Number(r[`${column}_count`]),
          amount: moneyFromDb(String(r[`${column}_amount`])),
        })),
        inflowCount: Number(r.inflow_count),
        inflowAmount: moneyFromDb(String(r.inflow_amount)),
        outflowCount: Number(r.outflow_count),
        outflowAmount: moneyFromDb(String(r.outflow_amount)),
      };
    });
  }
}
