import { Arg, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Services } from '../app/services.js';
import type { Account } from '../domain/accounts/account.entity.js';
import { accountBalanceLoader } from '../domain/accounts/account.loader.js';
import type { RequestContext } from '../domain/context/request-context.js';
import { AccountType } from '../schema/account.type.js';
import { DecimalScalar } from '../schema/scalars/decimal.scalar.js';
import { READ_CREDITS, READ_PHI } from './access.js';

@Resolver(() => AccountType)
export class AccountResolver {
  constructor(private readonly services: Services) {}

  @Authorized(READ_PHI)
  @Query(() => AccountType, { nullable: true })
  account(@Arg('accountNumber', () => String) accountNumber: string, @Ctx() ctx: RequestContext) {
    return this.services.accounts.byNumber(ctx, accountNumber);
  }

  @Authorized(READ_CREDITS)
  @FieldResolver(() => DecimalScalar, { description: 'Sum of all its ledger entries.' })
  balance(@Root() account: Account, @Ctx() ctx: RequestContext) {
    return ctx.loader(accountBalanceLoader).load(account.id);
  }

  @Authorized(READ_PHI)
  @FieldResolver(() => String, { description: 'PHI: every read is recorded in the audit trail.' })
  patientId(@Root() account: Account, @Ctx() ctx: RequestContext) {
    ctx.phiReads.add(account.id);
    return account.patientId;
  }

  @Authorized(READ_PHI)
  @FieldResolver(() => String, { description: 'PHI: every read is recorded in the audit trail.' })
  guarantorId(@Root() account: Account, @Ctx() ctx: RequestContext) {
    ctx.phiReads.add(account.id);
    return account.guarantorId;
  }
}
