import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Services } from '../app/services.js';
import { accountBalanceLoader, accountClaimsLoader, type AccountRow } from '../domain/accounts/account.loader.js';
import type { RequestContext } from '../domain/context/request-context.js';
import { AccountDetailsInput, AccountType, ClaimType } from '../schema/account.type.js';
import { DecimalScalar } from '../schema/scalars/decimal.scalar.js';
import { EDIT_ACCOUNTS, READ_CREDITS, READ_PHI } from './access.js';

const PHI = 'PHI: every read is recorded in the audit trail.';

@Resolver(() => AccountType)
export class AccountResolver {
  constructor(private readonly services: Services) {}

  @Authorized(READ_PHI)
  @Query(() => AccountType, { nullable: true })
  account(@Arg('accountNumber', () => String) accountNumber: string, @Ctx() ctx: RequestContext) {
    return this.services.accounts.byNumber(ctx, accountNumber);
  }

  @Authorized(EDIT_ACCOUNTS)
  @Mutation(() => AccountType, {
    description: 'Sets the reporting details of an account (a field left out is kept, null clears it) and upserts its claims.',
  })
  updateAccountDetails(
    @Arg('accountNumber', () => String) accountNumber: string,
    @Arg('input', () => AccountDetailsInput) input: AccountDetailsInput,
    @Ctx() ctx: RequestContext,
  ) {
    return this.services.accountDetails.update(ctx, accountNumber, input);
  }

  @Authorized(READ_CREDITS)
  @FieldResolver(() => DecimalScalar, { description: 'Sum of all its ledger entries.' })
  balance(@Root() account: AccountRow, @Ctx() ctx: RequestContext) {
    return ctx.loader(accountBalanceLoader).load(account.id);
  }

  @Authorized(READ_PHI)
  @FieldResolver(() => String, { description: PHI })
  patientId(@Root() account: AccountRow, @Ctx() ctx: RequestContext) {
    ctx.readPhi(account.id, 'patientId');
    return account.patientId;
  }

  @Authorized(READ_PHI)
  @FieldResolver(() => String, { description: PHI })
  guarantorId(@Root() account: AccountRow, @Ctx() ctx: RequestContext) {
    ctx.readPhi(account.id, 'guarantorId');
    return account.guarantorId;
  }

  @Authorized(READ_PHI)
  @FieldResolver(() => String, { nullable: true, description: PHI })
  patientName(@Root() account: AccountRow, @Ctx() ctx: RequestContext) {
    if (account.patientName) ctx.readPhi(account.id, 'patientName');
    return account.patientName ?? null;
  }

  @Authorized(READ_PHI)
  @FieldResolver(() => String, { nullable: true, description: PHI })
  guarantorName(@Root() account: AccountRow, @Ctx() ctx: RequestContext) {
    if (account.guarantorName) ctx.readPhi(account.id, 'guarantorName');
    return account.guarantorName ?? null;
  }

  @Authorized(READ_PHI)
  @FieldResolver(() => String, { nullable: true, description: `The member id with the primary payer (MBI for Medicare). ${PHI}` })
  payerMemberId(@Root() account: AccountRow, @Ctx() ctx: RequestContext) {
    if (account.payerMemberId) ctx.readPhi(account.id, 'payerMemberId');
    return account.payerMemberId ?? null;
  }

  @Authorized(READ_PHI)
  @FieldResolver(() => [ClaimType], { description: `Claim-level details (stay dates are ${PHI})` })
  async claims(@Root() account: AccountRow, @Ctx() ctx: RequestContext) {
    const claims = await ctx.loader(accountClaimsLoader).load(account.id);
    if (claims.length) ctx.readPhi(account.id, 'claims');
    return claims;
  }
}
