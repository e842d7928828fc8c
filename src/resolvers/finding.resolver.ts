import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../domain/context/request-context.js';
import { entryByIdLoader } from '../domain/ledger/ledger-entry.loader.js';
import { payerLoader } from '../domain/payers/payer.loader.js';
import { FindingType, OwnerPortionType } from '../schema/classification.type.js';
import { LedgerEntryType } from '../schema/ledger.type.js';
import { PayerType } from '../schema/payer.type.js';

@Resolver(() => FindingType)
export class FindingResolver {
  @FieldResolver(() => [LedgerEntryType], { description: 'The ledger entries that prove the finding.' })
  async evidence(@Root() finding: { evidence: string[] }, @Ctx() ctx: RequestContext) {
    const entries = await ctx.loader(entryByIdLoader).loadMany(finding.evidence);
    return entries.filter((e) => e && !(e instanceof Error));
  }
}

@Resolver(() => OwnerPortionType)
export class OwnerPortionResolver {
  @FieldResolver(() => PayerType, { nullable: true, description: 'The payer owed this portion; null for the patient or nobody.' })
  payer(@Root() portion: { payerId: string | null }, @Ctx() ctx: RequestContext) {
    return portion.payerId ? ctx.loader(payerLoader).load(portion.payerId) : null;
  }
}
