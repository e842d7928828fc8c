import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, Info, Query, Resolver } from 'type-graphql';
import type { Services } from '../app/services.js';
import type { RequestContext } from '../domain/context/request-context.js';
import { CreditKpisType, KpiFilter, KpiGroupType, KpiQueryFilter } from '../schema/kpi.type.js';
import { KpiGroupBy } from '../domain/kpis/grouped-kpis.service.js';
import { READ_KPIS } from './access.js';
import { selectedFields } from '../infra/graphql/selection.js';

@Resolver()
export class KpiResolver {
  constructor(private readonly services: Services) {}

  @Authorized(READ_KPIS)
  @Query(() => CreditKpisType)
  creditKpis(@Ctx() ctx: RequestContext, @Arg('filter', () => KpiFilter, { nullable: true }) filter?: KpiFilter) {
    return this.services.kpis.creditKpis(ctx, filter ?? {});
  }

  @Authorized(READ_KPIS)
  @Query(() => [KpiGroupType], { description: 'The reporting KPIs, grouped (default: one group, ALL).', complexity: 200 })
  kpis(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => KpiQueryFilter, { nullable: true }) filter?: KpiQueryFilter,
    @Arg('groupBy', () => KpiGroupBy, { nullable: true }) groupBy?: KpiGroupBy,
    @Info() info?: GraphQLResolveInfo,
  ) {
    return this.services.groupedKpis.kpis(ctx, filter ?? {}, groupBy ?? KpiGroupBy.NONE, info && selectedFields(info));
  }
}
