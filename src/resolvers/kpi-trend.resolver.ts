import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Services } from '../app/services.js';
import type { RequestContext } from '../domain/context/request-context.js';
import { SnapshotGroupBy } from '../domain/kpis/kpi-snapshot.service.js';
import { TrendInterval } from '../domain/kpis/kpi-trend.service.js';
import { JobRunType } from '../schema/job-run.type.js';
import { KpiTrendPointType } from '../schema/kpi-trend.type.js';
import { DateScalar } from '../schema/scalars/date.scalar.js';
import { READ_KPIS, RUN_JOBS } from './access.js';

@Resolver()
export class KpiTrendResolver {
  constructor(private readonly services: Services) {}

  @Authorized(READ_KPIS)
  @Query(() => [KpiTrendPointType], {
    description: 'KPIs over time from the daily snapshots: per period and group, the last snapshot of the period.',
    complexity: 200,
  })
  kpiTrend(
    @Ctx() ctx: RequestContext,
    @Arg('from', () => DateScalar) from: string,
    @Arg('to', () => DateScalar) to: string,
    @Arg('interval', () => TrendInterval, { defaultValue: TrendInterval.DAY }) interval: TrendInterval,
    @Arg('groupBy', () => SnapshotGroupBy, { defaultValue: SnapshotGroupBy.NONE }) groupBy: SnapshotGroupBy,
  ) {
    return this.services.kpiTrends.trend(ctx, { from, to, interval, groupBy });
  }

  @Authorized(RUN_JOBS)
  @Mutation(() => JobRunType, {
    description: "Rebuilds the daily KPI snapshots of [from, to] from the ledger and credit history (from: the first ledger day, to: today, by default); poll job(id).",
  })
  backfillKpiSnapshots(
    @Ctx() ctx: RequestContext,
    @Arg('idempotencyKey', () => String) idempotencyKey: string,
    @Arg('from', () => DateScalar, { nullable: true }) from?: string | null,
    @Arg('to', () => DateScalar, { nullable: true }) to?: string | null,
  ) {
    return this.services.kpiBackfill.backfill(ctx, from, to, idempotencyKey);
  }
}
