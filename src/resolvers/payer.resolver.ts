import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../domain/context/request-context.js';
import type { Services } from '../app/services.js';
import { PayerInput, PayerType } from '../schema/payer.type.js';
import { CONFIGURE, READ_CREDITS } from './access.js';

@Resolver(() => PayerType)
export class PayerResolver {
  constructor(private readonly services: Services) {}

  @Authorized(READ_CREDITS)
  @Query(() => [PayerType], { complexity: ({ childComplexity }) => 20 * childComplexity })
  payers(@Ctx() ctx: RequestContext) {
    return this.services.payers.list(ctx);
  }

  @Authorized(CONFIGURE)
  @Mutation(() => PayerType)
  upsertPayer(@Arg('input', () => PayerInput) input: PayerInput, @Ctx() ctx: RequestContext) {
    return this.services.payers.upsert(ctx, input);
  }
}
