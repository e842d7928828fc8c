import { sql, type RawBuilder } from 'kysely';
import type { RequestContext } from '../context/request-context.js';
import { BadInputError } from '../errors.js';
import { Decimal, moneyFromDb } from '../money/money.js';
import { ageDaysSql, agingBucketSql } from '../credits/aging-bucket.js';
import { ACTIVE_CREDIT_STATUSES, ResolutionKind } from '../credits/credit-enums.js';
import { dollarTierSql } from '../credits/dollar-tier.js';
import type { KpiCore } from './kpi-core.js';
import { rollupKpisFrom, rollupKpisSql } from './credit-rollup.js';

/** What KPIs can be grouped by. */
export enum KpiGroupBy {
  NONE = 'NONE',
  PAYER = 'PAYER',
  PAYER_KIND = 'PAYER_KIND',
  ROOT_CAUSE = 'ROOT_CAUSE',
  WORKLIST = 'WORKLIST',
  AGING_BUCKET = 'AGING_BUCKET',
  DOLLAR_TIER = 'DOLLAR_TIER',
  /** The account's service location; UNKNOWN where none is recorded. */
  LOCATION = 'LOCATION',
}

export interface GroupedKpiQuery {
  asOf?: Date | null;
  since?: Date | null;
  payerCodes?: string[] | null;
  payerKinds?: string[] | null;
  rootCauses?: string[] | null;
  worklistIds?: string[] | null;
  /** Account locations; UNKNOWN matches accounts without one. */
  locations?: string[] | null;
}

export interface GroupedKpis extends KpiCore {
  resolutionMix: { resolution: ResolutionKind; count: number; amount: Decimal }[];
  autoResolutionRate: number | null;
  refundsDecided: number;
  refundsApproved: number;
  refundApprovalRate: number | null;
  errorRate: number | null;
}

/** What the maintained rollups answer (credit-rollup.ts); any other field needs every credit read. */
const ROLLUP_FIELDS = ['key', 'openCredits', 'creditBalanceTotal', 'over90Count', 'over90Amount', 'pastDueCount', 'pastDueAmount', 'resolvedInWindow', 'resolvedOnTime', 'slaAdherence'] as const;
export type RollupGroupKpis = Pick<GroupedKpis, (typeof ROLLUP_FIELDS)[number]>;
const ROLLUP_GROUPS = new Set([KpiGroupBy.NONE, KpiGroupBy.PAYER, KpiGroupBy.PAYER_KIND]);

const ACTIVE = sql.join(ACTIVE_CREDIT_STATUSES.map((s) => sql.lit(s)));
const DAY = 86_400_000;
const KINDS = Object.values(ResolutionKind);

/** The group key of a credit, in SQL: 'PATIENT' where no payer is owed. */
function keyOf(groupBy: KpiGroupBy, asOf: Date): RawBuilder<string> {
  switch (groupBy) {
    case KpiGroupBy.NONE:
      return sql<string>`'ALL'`;
    case KpiGroupBy.PAYER:
      return sql<string>`coalesce(p.code, 'PATIENT')`;
    case KpiGroupBy.PAYER_KIND:
      return sql<string>`coalesce(p.kind, 'PATIENT')`;
    case KpiGroupBy.ROOT_CAUSE:
      return sql<string>`c.root_cause`;
    case KpiGroupBy.WORKLIST:
      return sql<string>`coalesce(w.name, 'UNPLACED')`;
    case KpiGroupBy.AGING_BUCKET:
      return agingBucketSql(ageDaysSql(sql`c.originated_at`, asOf));
    case KpiGroupBy.DOLLAR_TIER:
      return dollarTierSql(sql`c.original_amount`);
    case KpiGroupBy.LOCATION:
      return sql<string>`coalesce(a.location, 'UNKNOWN')`;
  }
}

const rate = (num: number, den: number) => (den > 0 ? num / den : null);

/**
 * The reporting KPIs of README "KPIs", per group, each one SQL aggregate over the tenant's credits:
 * open exposure and age, past due, SLA adherence and turnaround of the credits resolved in the
 * window [since, asOf], resolution mix and auto-resolution rate, inflow (identified in the window),
 * refund approval rate and the error rate (resolutions later undone: reopened, or refund voided).
 */
export class GroupedKpiService {
  /**
   * `fields`: the KPIs the caller reads (all when absent). When they are among ROLLUP_FIELDS, the
   * grouping is by payer or none and only payers filter, the maintained rollups answer (the same
   * numbers, a few hundred rows read instead of every credit of the tenant).
   */
  async kpis(ctx: RequestContext, query: GroupedKpiQuery, groupBy: KpiGroupBy, fields?: ReadonlySet<string>): Promise<GroupedKpis[] | RollupGroupKpis[]> {
    const asOf = query.asOf ?? ctx.now;
    const since = query.since ?? new Date(asOf.getTime() - 90 * DAY);
    if (since > asOf) throw new BadInputError('filter.since', 'must not be after asOf');
    const t = ctx.tenantId;
    const key = keyOf(groupBy, asOf);
    const payerConditions: RawBuilder<unknown>[] = [];
    if (query.payerCodes?.length) payerConditions.push(sql`p.code = any(${query.payerCodes}::text[])`);
    if (query.payerKinds?.length) payerConditions.push(sql`p.kind = any(${query.payerKinds}::text[])`);
    const onlyPayerFilters = !query.rootCauses?.length && !query.worklistIds?.length && !query.locations?.length;
    const rollupAnswers = fields && [...fields].every((f) => f === '__typename' || (ROLLUP_FIELDS as readonly string[]).includes(f));
    if (rollupAnswers && onlyPayerFilters && ROLLUP_GROUPS.has(groupBy)) {
      const rows = await ctx.reads.rows(rollupKpisSql({ tenantId: t, asOf, since, key, payerConditions }));
      return rows.map((row) => {
        const k = rollupKpisFrom(row);
        const { key, openCredits, creditBalanceTotal, over90Count, over90Amount, pastDueCount, pastDueAmount, resolvedInWindow, resolvedOnTime } = k;
        return { key, openCredits, creditBalanceTotal, over90Count, over90Amount, pastDueCount, pastDueAmount, resolvedInWindow, resolvedOnTime, slaAdherence: rate(resolvedOnTime, resolvedInWindow) };
      });
    }
    const filters: RawBuilder<unknown>[] = [sql`c.tenant_id = ${t}`, ...payerConditions];
    if (query.rootCauses?.length) filters.push(sql`c.root_cause = any(${query.rootCauses}::text[])`);
    if (query.worklistIds?.length) filters.push(sql`c.worklist_id = any(${query.worklistIds}::uuid[])`);
    if (query.locations?.length) filters.push(sql`coalesce(a.location, 'UNKNOWN') = any(${query.locations}::text[])`);
    // The account is joined only when its location is asked for: the other groupings never read it.
    const byLocation = groupBy === KpiGroupBy.LOCATION || Boolean(query.locations?.length);
    const accountJoin = byLocation ? sql`left join account a on a.id = c.account_id` : sql``;
    const where = sql.join(filters, sql` and `);
    const age = ageDaysSql(sql`c.originated_at`, asOf);
    const hours = sql`extract(epoch from (c.resolved_at - c.identified_at)) / 3600`;

    const rows = await ctx.reads.rows<Record<string, string | number | null>>(sql`
      with base as (
        select c.*, ${key} as key, c.status in (${ACTIVE}) as is_open, ${age} as age,
               c.resolved_at >= ${since} and c.resolved_at <= ${asOf} as resolved_in_window,
               c.identified_at >= ${since} and c.identified_at <= ${asOf} as identified_in_window,
               (c.reopened_count > 0 or exists (select 1 from refund_request r where r.credit_id = c.id and r.status = 'VOIDED')) as undone
          from credit c
          left join payer p on p.id = c.refund_payer_id
          left join worklist w on w.id = c.worklist_id
          ${accountJoin}
         where ${where}
      )
      select key,
             count(*) filter (where is_open)::integer as open_count,
             coalesce(sum(amount) filter (where is_open), 0)::text as open_amount,
             count(*) filter (where is_open and age > 90)::integer as over90_count,
             coalesce(sum(amount) filter (where is_open and age > 90), 0)::text as over90_amount,
             count(*) filter (where is_open and sla_due_at < ${asOf})::integer as past_due_count,
             coalesce(sum(amount) filter (where is_open and sla_due_at < ${asOf}), 0)::text as past_due_amount,
             count(*) filter (where resolved_in_window)::integer as resolved,
             count(*) filter (where resolved_in_window and resolved_at <= sla_due_at)::integer as on_time,
             avg(${hours}) filter (where resolved_in_window) as mean_hours,
             percentile_cont(0.5) within group (order by ${hours}) filter (where resolved_in_window) as median_hours,
             percentile_cont(0.9) within group (order by ${hours}) filter (where resolved_in_window) as p90_hours,
             ${sql.join(
               KINDS.map(
                 (k) => sql`count(*) filter (where resolved_in_window and resolution = ${sql.lit(k)})::integer as ${sql.ref(`n_${k}`)},
                            coalesce(sum(original_amount) filter (where resolved_in_window and resolution = ${sql.lit(k)}), 0)::text as ${sql.ref(`a_${k}`)}`,
               ),
             )},
             count(*) filter (where identified_in_window)::integer as inflow_count,
             coalesce(sum(original_amount) filter (where identified_in_window), 0)::text as inflow_amount,
             count(*) filter (where resolved_in_window and undone)::integer as undone_resolved,
             count(*) filter (where undone and resolved_at is null and updated_at >= ${since} and updated_at <= ${asOf})::integer as undone_reopened
        from base c group by key order by key`);

    const refunds = await ctx.reads.rows<{ key: string; decided: number; approved: number }>(sql`
      select ${key} as key,
             count(*) filter (where r.status <> 'REQUESTED')::integer as decided,
             count(*) filter (where r.status in ('APPROVED', 'ISSUED', 'VOIDED'))::integer as approved
        from refund_request r
        join credit c on c.id = r.credit_id
        left join payer p on p.id = c.refund_payer_id
        left join worklist w on w.id = c.worklist_id
        ${accountJoin}
       where ${where} and r.updated_at >= ${since} and r.updated_at <= ${asOf}
       group by 1`);
    const refundsByKey = new Map(refunds.map((r) => [r.key, r]));
    const num = (v: string | number | null | undefined) => (v === null || v === undefined ? null : Number(v));

    return rows.map((r) => {
      const resolved = Number(r.resolved);
      const refund = refundsByKey.get(String(r.key));
      const mix = KINDS.map((k) => ({ resolution: k, count: Number(r[`n_${k}`]), amount: moneyFromDb(String(r[`a_${k}`])) }));
      const auto = mix.find((m) => m.resolution === ResolutionKind.AUTO_ADJUSTMENT)!.count;
      return {
        key: String(r.key),
        openCredits: Number(r.open_count),
        creditBalanceTotal: moneyFromDb(String(r.open_amount)),
        over90Count: Number(r.over90_count),
        over90Amount: moneyFromDb(String(r.over90_amount)),
        pastDueCount: Number(r.past_due_count),
        pastDueAmount: moneyFromDb(String(r.past_due_amount)),
        resolvedInWindow: resolved,
        resolvedOnTime: Number(r.on_time),
        slaAdherence: rate(Number(r.on_time), resolved),
        turnaroundHours: { mean: num(r.mean_hours), median: num(r.median_hours), p90: num(r.p90_hours) },
        resolutionMix: mix,
        autoResolutionRate: rate(auto, resolved),
        inflowCount: Number(r.inflow_count),
        inflowAmount: moneyFromDb(String(r.inflow_amount)),
        refundsDecided: refund?.decided ?? 0,
        refundsApproved: refund?.approved ?? 0,
        refundApprovalRate: rate(refund?.approved ?? 0, refund?.decided ?? 0),
        // Resolutions later undone: still resolved but a refund voided, or reopened (no longer resolved).
        errorRate: rate(Number(r.undone_resolved) + Number(r.undone_reopened), resolved + Number(r.undone_reopened)),
      };
    });
  }
}
