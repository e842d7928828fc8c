import DataLoader from 'dataloader';
import { sql } from 'kysely';
import type { RequestContext } from '../context/request-context.js';
import { moneyFromDb } from '../money/money.js';
import { LedgerEntry } from './ledger-entry.entity.js';

/** A ledger entry as the API shows it: plain values (no entity to hydrate, track and diff at commit). */
export type LedgerEntryRow = Pick<
  LedgerEntry,
  'id' | 'accountId' | 'externalId' | 'kind' | 'amount' | 'postedAt' | 'serviceDate' | 'payerId' | 'claimNumber' | 'reference' | 'reasonCode'
>;

/** An account's ledger, oldest first, for many accounts in one query, only the columns the API shows. */
export function accountEntriesLoader(ctx: RequestContext): DataLoader<string, LedgerEntryRow[]> {
  return new DataLoader(async (accountIds) => {
    const rows = await ctx.uow.rows<Record<'id' | 'account_id' | 'external_id' | 'kind' | 'amount' | 'posted_at', string> & Record<'service_date' | 'payer_id' | 'claim_number' | 'reference' | 'reason_code', string | null>>(sql`
      select e.id, e.account_id, e.external_id, e.kind, e.amount, e.posted_at, e.service_date::text as service_date, e.payer_id, e.claim_number, e.reference, e.reason_code
        from ledger_entry e
       where e.tenant_id = ${ctx.tenantId} and e.account_id = any(${accountIds}::uuid[])
       order by e.account_id, e.posted_at, e.id`);
    const byAccount = new Map<string, LedgerEntryRow[]>();
    for (const r of rows) {
      const entry: LedgerEntryRow = {
        id: r.id,
        accountId: r.account_id,
        externalId: r.external_id,
        kind: r.kind as LedgerEntryRow['kind'],
        amount: moneyFromDb(r.amount),
        postedAt: new Date(r.posted_at),
        serviceDate: r.service_date,
        payerId: r.payer_id,
        claimNumber: r.claim_number,
        reference: r.reference,
        reasonCode: r.reason_code,
      };
      const list = byAccount.get(entry.accountId);
      if (list) list.push(entry);
      else byAccount.set(entry.accountId, [entry]);
    }
    return accountIds.map((id) => byAccount.get(id) ?? []);
  });
}

/** Ledger entries by id (the evidence of findings), one query per batch. */
export function entryByIdLoader(ctx: RequestContext): DataLoader<string, LedgerEntry | null> {
  return new DataLoader(async (ids) => {
    const em = await ctx.uow.tx();
    const entries = await em.find(LedgerEntry, { id: { $in: [...ids] } });
    const byId = new Map(entries.map((e) => [String(e.id), e]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}
