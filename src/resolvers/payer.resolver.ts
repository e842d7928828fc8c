import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { PayerRow } from '../domain/payers/payer.loader.js';
import { defaultAllowOffset } from '../domain/payers/payer-kind.js';
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

  @FieldResolver(() => Boolean, { description: 'Whether its credits may be offset against balances it owes (default: not MEDICARE/MEDICAID).' })
  allowOffset(@Root() payer: PayerRow) {
    return payer.allowOffset ?? defaultAllowOffset(payer.kind);
  }

  @Authorized(CONFIGURE)
  @Mutation(() => PayerType)
  upsertPayer(@Arg('input', () => PayerInput) input: PayerInput, @Ctx() ctx: RequestContext) {
    return this.services.payers.upsert(ctx, input);
  }
}
