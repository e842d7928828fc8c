import { Arg, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { Services } from '../app/services.js';
import type { RequestContext } from '../domain/context/request-context.js';
import { CreditKpisType, KpiFilter } from '../schema/kpi.type.js';
import { READ_KPIS } from './access.js';

@Resolver()
export class KpiResolver {
  constructor(private readonly services: Services) {}

  @Authorized(READ_KPIS)
  @Query(() => CreditKpisType)
  creditKpis(@Ctx() ctx: RequestContext, @Arg('filter', () => KpiFilter, { nullable: true }) filter?: KpiFilter) {
    return this.services.kpis.creditKpis(ctx, filter ?? {});
  }
}
