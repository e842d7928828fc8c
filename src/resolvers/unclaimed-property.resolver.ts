import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Services } from '../app/services.js';
import type { RequestContext } from '../domain/context/request-context.js';
import { CreditType } from '../schema/credit.type.js';
import { ReportingPolicyInput, ReportingPolicyType } from '../schema/reporting-policy.type.js';
import { CONFIGURE, PAY_OUT, READ_KPIS } from './access.js';

/** Escheatment of unclaimed patient credits, and the reporting settings the reports read. */
@Resolver()
export class UnclaimedPropertyResolver {
  constructor(private readonly services: Services) {}

  @Authorized(PAY_OUT)
  @Mutation(() => CreditType, {
    description: 'Pays an escheatable patient credit to the state: posts its ledger entry once and resolves it as ESCHEATMENT (CONFLICT before its letter period is over).',
  })
  escheatCredit(
    @Arg('creditId', () => ID) creditId: string,
    @Arg('state', () => String, { description: 'Two-letter state code.' }) state: string,
    @Arg('reference', () => String, { description: 'The remittance (report or check number).' }) reference: string,
    @Ctx() ctx: RequestContext,
  ) {
    return this.services.escheatment.escheat(ctx, { creditId, state, reference });
  }

  @Authorized(READ_KPIS)
  @Query(() => ReportingPolicyType)
  reportingPolicy(@Ctx() ctx: RequestContext) {
    return this.services.reportingPolicy.get(ctx);
  }

  @Authorized(CONFIGURE)
  @Mutation(() => ReportingPolicyType)
  updateReportingPolicy(@Arg('input', () => ReportingPolicyInput) input: ReportingPolicyInput, @Ctx() ctx: RequestContext) {
    return this.services.reportingPolicy.update(ctx, input);
  }
}
