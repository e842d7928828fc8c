import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Services } from '../app/services.js';
import type { RequestContext } from '../domain/context/request-context.js';
import type { LedgerEntryRow } from '../domain/ledger/ledger-entry.loader.js';
import { payerLoader } from '../domain/payers/payer.loader.js';
import { LedgerEntryInput, LedgerEntryType, PostLedgerEntriesPayload } from '../schema/ledger.type.js';
import { PayerType } from '../schema/payer.type.js';
import { INGEST, READ_CREDITS } from './access.js';

@Resolver(() => LedgerEntryType)
export class LedgerResolver {
  constructor(private readonly services: Services) {}

  @Authorized(INGEST)
  @Mutation(() => PostLedgerEntriesPayload, { description: 'At most 5,000 entries a call; all or nothing.' })
  postLedgerEntries(@Arg('entries', () => [LedgerEntryInput]) entries: LedgerEntryInput[], @Ctx() ctx: RequestContext) {
    return this.services.ledger.post(ctx, entries);
  }

  @Authorized(READ_CREDITS)
  @FieldResolver(() => PayerType, { nullable: true, description: 'Null: the patient / guarantor.' })
  payer(@Root() entry: LedgerEntryRow, @Ctx() ctx: RequestContext) {
    return entry.payerId ? ctx.loader(payerLoader).load(entry.payerId) : null;
  }
}
