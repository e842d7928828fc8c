import { Arg, Authorized, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { selects } from '../infra/graphql/selection.js';
import type { Services } from '../app/services.js';
import { accountLoader } from '../domain/accounts/account.loader.js';
import type { RequestContext } from '../domain/context/request-context.js';
import { ageDays, agingBucket } from '../domain/credits/aging-bucket.js';
import type { CreditRow } from '../domain/credits/credit-page.js';
import { accountEntriesLoader } from '../domain/ledger/ledger-entry.loader.js';
import { payerLoader } from '../domain/payers/payer.loader.js';
import { AccountType } from '../schema/account.type.js';
import { CreditConnection, CreditFilter, CreditType } from '../schema/credit.type.js';
import { AgingBucket } from '../schema/enums.js';
import { LedgerEntryType } from '../schema/ledger.type.js';
import { PayerType } from '../schema/payer.type.js';
import { READ_CREDITS, READ_WORK } from './access.js';
import { FindingType, OwnerPortionType, DeadlineSuspensionType } from '../schema/classification.type.js';
import { DollarTier, dollarTier } from '../domain/credits/dollar-tier.js';
import { Decimal } from '../domain/money/money.js';
import { WorklistType } from '../schema/worklist.type.js';
import { ACTIVE_CREDIT_STATUSES } from '../domain/credits/credit-enums.js';

/** Query cost of `entries`: priced as a typical account's ledger (the synthetic practice averages ~10). */
const ENTRIES_PER_ACCOUNT_ESTIMATE = 10;

@Resolver(() => CreditType)
export class CreditResolver {
  constructor(private readonly services: Services) {}

  @Authorized(READ_CREDITS)
  @Query(() => CreditConnection, {
    description: 'Oldest origination first; first: default 50, at most 500.',
    complexity: ({ args, childComplexity }) => 1 + Math.max(0, Number(args.first ?? 50)) * childComplexity,
  })
  async credits(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => CreditFilter, { nullable: true }) filter?: CreditFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Info() info?: GraphQLResolveInfo,
  ): Promise<CreditConnection> {
    const page = await this.services.credits.list(ctx, filter ?? {}, first, after, { count: !info || selects(info, 'totalCount') });
    return {
      edges: page.edges,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      // Not selected when null: never serialized.
      totalCount: page.totalCount ?? 0,
    };
  }

  @Authorized(READ_CREDITS)
  @Query(() => CreditType, { nullable: true })
  credit(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return this.services.credits.byId(ctx, id);
  }

  @FieldResolver(() => AccountType)
  account(@Root() credit: CreditRow, @Ctx() ctx: RequestContext) {
    return ctx.loader(accountLoader).load(credit.accountId);
  }

  @FieldResolver(() => PayerType, { nullable: true, description: 'Who the money is owed to; null: the patient / guarantor.' })
  refundPayer(@Root() credit: CreditRow, @Ctx() ctx: RequestContext) {
    return credit.refundPayerId ? ctx.loader(payerLoader).load(credit.refundPayerId) : null;
  }

  @FieldResolver(() => [LedgerEntryType], {
    description: "The account's ledger, oldest first.",
    complexity: ({ childComplexity }) => ENTRIES_PER_ACCOUNT_ESTIMATE * childComplexity,
  })
  entries(@Root() credit: CreditRow, @Ctx() ctx: RequestContext) {
    return ctx.loader(accountEntriesLoader).load(credit.accountId);
  }

  @FieldResolver(() => Int, { description: 'Whole days since originatedAt, as of this request.' })
  ageDays(@Root() credit: CreditRow, @Ctx() ctx: RequestContext) {
    return ageDays(credit.originatedAt, ctx.now);
  }

  @FieldResolver(() => AgingBucket)
  agingBucket(@Root() credit: CreditRow, @Ctx() ctx: RequestContext) {
    return agingBucket(ageDays(credit.originatedAt, ctx.now));
  }

  @FieldResolver(() => DollarTier, { description: 'Of the open amount (of the original amount once resolved).' })
  dollarTier(@Root() credit: CreditRow) {
    return dollarTier(credit.amount.gt(0) ? credit.amount : credit.originalAmount);
  }

  @FieldResolver(() => Boolean, { description: 'Still open after slaDueAt, as of this request.' })
  overdue(@Root() credit: CreditRow, @Ctx() ctx: RequestContext) {
    return ACTIVE_CREDIT_STATUSES.includes(credit.status) && credit.slaDueAt < ctx.now;
  }

  @FieldResolver(() => [FindingType], { description: 'The root cause first, then secondary findings, each with its evidence.' })
  findings(@Root() credit: CreditRow) {
    return credit.findings;
  }

  @FieldResolver(() => [OwnerPortionType], { description: 'Who is owed what; adds up to the credit.' })
  ownerPortions(@Root() credit: CreditRow) {
    return credit.ownerPortions.map((p) => ({ ...p, amount: new Decimal(p.amount) }));
  }

  @FieldResolver(() => DeadlineSuspensionType, { nullable: true })
  deadlineSuspension(@Root() credit: CreditRow) {
    if (!credit.deadlineSuspendedDays || !credit.suspendedAt) return null;
    return { days: credit.deadlineSuspendedDays, reason: credit.suspensionReason, suspendedBy: credit.suspendedBy, suspendedAt: credit.suspendedAt };
  }

  @Authorized(READ_WORK)
  @FieldResolver(() => WorklistType, { nullable: true })
  worklist(@Root() credit: CreditRow, @Ctx() ctx: RequestContext) {
    return credit.worklistId ? this.services.worklists.byId(ctx, credit.worklistId) : null;
  }
}
