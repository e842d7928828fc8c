import DataLoader from 'dataloader';
import { sql } from 'kysely';
import type { RequestContext } from '../context/request-context.js';
import type { Account } from './account.entity.js';
import { Claim } from './claim.entity.js';
import { AccountBalance } from './account-balance.entity.js';
import { Decimal } from '../money/money.js';

/** An account as the API shows it: plain values (no entity to hydrate, track and diff at commit). */
export type AccountRow = Pick<Account, 'id' | 'accountNumber' | 'patientId' | 'guarantorId' | 'location' | 'state' | 'patientName' | 'guarantorName' | 'payerMemberId'>;

/** Accounts by id, one query per batch, only the columns the API shows. */
export function accountLoader(ctx: RequestContext): DataLoader<string, AccountRow | null> {
  return new DataLoader(async (ids) => {
    const accounts = await ctx.uow.rows<AccountRow>(sql`
      select a.id, a.account_number as "accountNumber", a.patient_id as "patientId", a.guarantor_id as "guarantorId",
             a.location, a.state, a.patient_name as "patientName", a.guarantor_name as "guarantorName", a.payer_member_id as "payerMemberId"
        from account a where a.tenant_id = ${ctx.tenantId} and a.id = any(${ids}::uuid[])`);
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
