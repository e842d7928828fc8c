import DataLoader from 'dataloader';
import type { RequestContext } from '../context/request-context.js';
import { Account } from './account.entity.js';
import { Claim } from './claim.entity.js';
import { AccountBalance } from './account-balance.entity.js';
import { Decimal } from '../money/money.js';

/** Accounts by id, one query per batch. */
export function accountLoader(ctx: RequestContext): DataLoader<string, Account | null> {
  return new DataLoader(async (ids) => {
    const em = await ctx.uow.tx();
    const accounts = await em.find(Account, { id: { $in: [...ids] } });
    const byId = new Map(accounts.map((a) => [a.id, a]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Account balances by account id (zero for an account without entries), one query per batch. */
export function accountBalanceLoader(ctx: RequestContext): DataLoader<string, Decimal> {
  return new DataLoader(async (ids) => {
    const em = await ctx.uow.tx();
    const rows = await em.find(AccountBalance, { accountId: { $in: [...ids] } });
    const byId = new Map(rows.map((r) => [r.accountId, r.balance]));
    return ids.map((id) => byId.get(id) ?? new Decimal(0));
  });
}

/** The claims of accounts by account id, claim number order, one query per batch. */
export function accountClaimsLoader(ctx: RequestContext): DataLoader<string, Claim[]> {
  return new DataLoader(async (ids) => {
    const em = await ctx.uow.tx();
    const claims = await em.find(Claim, { accountId: { $in: [...ids] } }, { orderBy: { claimNumber: 'asc' } });
    const byAccount = new Map<string, Claim[]>();
    for (const c of claims) byAccount.set(c.accountId, [...(byAccount.get(c.accountId) ?? []), c]);
    return ids.map((id) => byAccount.get(id) ?? []);
  });
}
