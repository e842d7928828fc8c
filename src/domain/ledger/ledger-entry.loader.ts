import DataLoader from 'dataloader';
import type { RequestContext } from '../context/request-context.js';
import { LedgerEntry } from './ledger-entry.entity.js';

/** An account's ledger, oldest first, for many accounts in one query. */
export function accountEntriesLoader(ctx: RequestContext): DataLoader<string, LedgerEntry[]> {
  return new DataLoader(async (accountIds) => {
    const em = await ctx.uow.tx();
    const entries = await em.find(
      LedgerEntry,
      { accountId: { $in: [...accountIds] } },
      { orderBy: { accountId: 'asc', postedAt: 'asc', id: 'asc' } },
    );
    const byAccount = new Map<string, LedgerEntry[]>();
    for (const entry of entries) {
      const list = byAccount.get(entry.accountId) ?? [];
      list.push(entry);
      byAccount.set(entry.accountId, list);
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
