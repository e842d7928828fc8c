import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { RequestContext } from '../context/request-context.js';
import { BadInputError, ConflictError } from '../errors.js';
import { EntryKind } from '../ledger/entry-kind.js';
import { Decimal, formatMoney } from '../money/money.js';
import { Credit } from './credit.entity.js';
import { ACTIVE_CREDIT_STATUSES, ResolutionKind } from './credit-enums.js';
import { CreditEvent } from './credit-lifecycle.js';
import type { CreditSettlement } from './credit-settlement.js';

/** Closing resolved credits and correcting open ones with an adjustment. */
export class CreditWorkService {
  constructor(private readonly settlement: CreditSettlement) {}

  /** RESOLVED → CLOSED, after re-checking that the account balance is no longer negative. */
  async close(ctx: RequestContext, creditId: string): Promise<Credit> {
    const credit = await this.settlement.load(ctx, creditId);
    const row = await ctx.uow.one<{ balance: string }>(sql`select balance::text as balance from account_balance where account_id = ${credit.accountId}::uuid`);
    const balance = new Decimal(row?.balance ?? '0');
    if (balance.lt(0)) {
      throw new ConflictError(`the account balance is ${formatMoney(balance)}: a credit closes only once the balance is no longer negative`, {
        status: credit.status,
        balance: formatMoney(balance),
      });
    }
    await this.settlement.transition(ctx, credit, CreditEvent.CLOSE, { balance: formatMoney(balance) });
    await ctx.uow.affected(sql`update credit set closed_at = now(), closed_by = ${ctx.actor.id} where id = ${credit.id}::uuid`);
    return this.settlement.load(ctx, credit.id);
  }

  /**
   * Posts an ADJUSTMENT that reduces the open credit by `amount` (at most the open amount) and
   * settles it. With an idempotency key, a replay returns the same result and posts nothing;
   * the same key with another amount is a CONFLICT.
   */
  async adjust(ctx: RequestContext, creditId: string, amount: Decimal, reason: string, idempotencyKey?: string | null): Promise<Credit> {
    const why = reason.trim();
    if (why.length < 3 || why.length > 1000) throw new BadInputError('reason', 'say why (3-1000 characters)');
    if (!amount.gt(0)) throw new BadInputError('amount', 'must be positive');
    const key = idempotencyKey?.trim() || null;
    if (key && key.length > 100) throw new BadInputError('idempotencyKey', 'must be at most 100 characters');
    const credit = await this.settlement.load(ctx, creditId);
    const externalId = `adjust:${credit.id}:${key ?? randomUUID()}`;
    if (key) {
      const prior = await ctx.uow.one<{ amount: string }>(sql`select amount::text as amount from ledger_entry where tenant_id = ${ctx.tenantId} and external_id = ${externalId}`);
      if (prior) {
        if (!new Decimal(prior.amount).eq(amount)) throw new ConflictError(`idempotencyKey "${key}" was used for an adjustment of ${prior.amount}`, { field: 'idempotencyKey' });
        return credit;
      }
    }
    if (!ACTIVE_CREDIT_STATUSES.includes(credit.status)) {
      throw new ConflictError(`credit ${credit.id} is ${credit.status}: only an open credit can be adjusted`, { status: credit.status });
    }
    if (amount.gt(credit.amount)) throw new BadInputError('amount', `${formatMoney(amount)} exceeds the open credit of ${formatMoney(credit.amount)}`);
    await this.settlement.post(ctx, credit, { externalId, kind: EntryKind.ADJUSTMENT, amount, payerId: credit.refundPayerId ?? null, reference: why.slice(0, 64) });
    return this.settlement.settle(ctx, credit, ResolutionKind.ADJUSTMENT);
  }
}
