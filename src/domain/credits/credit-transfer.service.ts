import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { RequestContext } from '../context/request-context.js';
import { BadInputError, ConflictError, NotFoundError } from '../errors.js';
import { EntryKind } from '../ledger/entry-kind.js';
import { Decimal, formatMoney } from '../money/money.js';
import { defaultAllowOffset, type PayerKind } from '../payers/payer-kind.js';
import { Credit } from './credit.entity.js';
import { ACTIVE_CREDIT_STATUSES, ResolutionKind } from './credit-enums.js';
import type { CreditSettlement } from './credit-settlement.js';

export interface ReapplyInput {
  creditId: string;
  targetAccountNumber: string;
  /** Default: as much as both sides allow. */
  amount?: Decimal | null;
  /** Another patient under the same guarantor only when this is set (seed 004: explicitly named). */
  allowOtherPatient?: boolean | null;
  /** The same key again returns the original result and moves nothing; with another amount it is a CONFLICT. */
  idempotencyKey?: string | null;
}

export interface TransferOutcome {
  credit: Credit;
  moved: Decimal;
}

/** The patient side (entries without a payer) and the whole balance of an account. */
async function owed(ctx: RequestContext, accountId: string, payerId: string | null): Promise<Decimal> {
  const row = await ctx.uow.one<{ side: string | null; total: string | null }>(sql`
    select (select sum(amount) from ledger_entry where account_id = ${accountId}::uuid
             and payer_id is not distinct from ${payerId}::uuid)::text as side,
           (select balance from account_balance where account_id = ${accountId}::uuid)::text as total`);
  const side = new Decimal(row?.side ?? '0');
  const total = new Decimal(row?.total ?? '0');
  return Decimal.max(0, Decimal.min(side, total));
}

/**
 * Moving credit instead of paying it out: re-applying a patient's credit to another balance the
 * patient (or, when named, another patient of the same guarantor) owes, and offsetting a payer's
 * credit against balances the same payer owes. Both post paired TRANSFER entries that sum to zero;
 * what cannot be applied stays on the original account.
 */
export class CreditTransferService {
  constructor(private readonly settlement: CreditSettlement) {}

  async reapply(ctx: RequestContext, input: ReapplyInput): Promise<TransferOutcome> {
    const replay = await this.replay(ctx, 'reapply', input.creditId, input.idempotencyKey, input.amount);
    if (replay) return replay;
    const credit = await this.openCredit(ctx, input.creditId);
    if (credit.refundPayerId || !credit.ownerPortions.some((p) => p.ownerKind === 'PATIENT')) {
      throw new ConflictError('only a credit owed to the patient can be re-applied; a payer credit is refunded or offset', { field: 'creditId' });
    }
    const [source, target] = await Promise.all([this.account(ctx, credit.accountId), this.accountByNumber(ctx, input.targetAccountNumber)]);
    if (target.id === source.id) throw new BadInputError('targetAccountNumber', 'is the credit’s own account');
    if (target.guarantor_id !== source.guarantor_id) {
      throw new ConflictError('a patient credit is re-applied only within the same guarantor', { field: 'targetAccountNumber' });
    }
    if (target.patient_id !== source.patient_id && !input.allowOtherPatient) {
      throw new ConflictError('the target belongs to another patient of the guarantor: set allowOtherPatient to name them explicitly', { field: 'allowOtherPatient' });
    }
    const targetOwes = await owed(ctx, target.id, null);
    const moved = this.amountToMove(input.amount, credit.amount, targetOwes, 'the target account owes the patient side nothing');
    await this.move(ctx, credit, target.id, null, moved, 'reapply', this.key(input.idempotencyKey));
    return { credit: await this.settlement.settle(ctx, credit, ResolutionKind.TRANSFER), moved };
  }

  /** Applies a payer's credit to balances the same payer owes, oldest account first (or one named). */
  async offset(ctx: RequestContext, creditId: string, targetAccountNumber?: string | null, idempotencyKey?: string | null): Promise<TransferOutcome> {
    const replay = await this.replay(ctx, 'offset', creditId, idempotencyKey, null);
    if (replay) return replay;
    const credit = await this.openCredit(ctx, creditId);
    if (!credit.refundPayerId) throw new ConflictError('only a credit owed to a payer can be offset', { field: 'creditId' });
    const payer = await ctx.uow.one<{ code: string; kind: PayerKind; allow_offset: boolean | null }>(
      sql`select code, kind, allow_offset from payer where id = ${credit.refundPayerId}::uuid`,
    );
    if (!(payer!.allow_offset ?? defaultAllowOffset(payer!.kind))) {
      throw new ConflictError(`${payer!.code}'s policy does not allow offsets: refund the credit instead`, { field: 'creditId' });
    }
    const targets = targetAccountNumber
      ? [(await this.accountByNumber(ctx, targetAccountNumber)).id]
      : (
          await ctx.uow.rows<{ id: string }>(sql`
            select a.id from account a join account_balance b on b.account_id = a.id
             where a.tenant_id = ${ctx.tenantId} and a.primary_payer_id = ${credit.refundPayerId}::uuid and b.balance > 0 and a.id <> ${credit.accountId}::uuid
             order by a.created_at, a.id limit 50`)
        ).map((r) => r.id);
    let left = credit.amount;
    let moved = new Decimal(0);
    for (const target of targets) {
      if (!left.gt(0)) break;
      if (target === credit.accountId) throw new BadInputError('targetAccountNumber', 'is the credit’s own account');
      const x = Decimal.min(left, await owed(ctx, target, credit.refundPayerId));
      if (!x.gt(0)) continue;
      await this.move(ctx, credit, target, credit.refundPayerId, x, 'offset', this.key(idempotencyKey, targets.indexOf(target)));
      left = left.minus(x);
      moved = moved.plus(x);
    }
    if (!moved.gt(0)) throw new ConflictError(`${payer!.code} owes no open balance to offset against`, { field: targetAccountNumber ? 'targetAccountNumber' : 'creditId' });
    return { credit: await this.settlement.settle(ctx, credit, ResolutionKind.OFFSET), moved };
  }

  private async move(ctx: RequestContext, credit: Credit, targetAccountId: string, payerId: string | null, amount: Decimal, kind: 'reapply' | 'offset', suffix: string): Promise<void> {
    const key = `${kind}:${credit.id}:${suffix}`;
    const reference = `${kind.toUpperCase()} ${credit.id.slice(0, 8)}`;
    await this.settlement.post(ctx, credit, { externalId: `${key}:from`, kind: EntryKind.TRANSFER, amount, payerId, reference });
    await this.settlement.postOn(ctx, targetAccountId, credit.id, { externalId: `${key}:to`, kind: EntryKind.TRANSFER, amount: amount.neg(), payerId, reference });
  }

  private key(idempotencyKey: string | null | undefined, index = 0): string {
    const key = idempotencyKey?.trim();
    if (key && key.length > 100) throw new BadInputError('idempotencyKey', 'must be at most 100 characters');
    return key ? `key:${key}:${index}` : randomUUID();
  }

  /** A move already made under this key: its result, or a CONFLICT when the amount differs. */
  private async replay(ctx: RequestContext, kind: 'reapply' | 'offset', creditId: string, idempotencyKey: string | null | undefined, amount: Decimal | null | undefined): Promise<TransferOutcome | null> {
    const key = idempotencyKey?.trim();
    if (!key) return null;
    const row = await ctx.uow.one<{ moved: string | null }>(sql`
      select sum(amount)::text as moved from ledger_entry
       where tenant_id = ${ctx.tenantId} and external_id like ${`${kind}:${creditId}:key:${key}:%:from`}`);
    if (!row?.moved) return null;
    const moved = new Decimal(row.moved);
    if (amount && !amount.eq(moved)) throw new ConflictError(`idempotencyKey "${key}" already moved ${formatMoney(moved)}`, { field: 'idempotencyKey' });
    return { credit: await this.settlement.load(ctx, creditId), moved };
  }

  private amountToMove(requested: Decimal | null | undefined, available: Decimal, targetOwes: Decimal, nothing: string): Decimal {
    if (requested && !requested.gt(0)) throw new BadInputError('amount', 'must be positive');
    if (requested && requested.gt(available)) throw new BadInputError('amount', `${formatMoney(requested)} exceeds the open credit of ${formatMoney(available)}`);
    const x = Decimal.min(requested ?? available, available, targetOwes);
    if (!x.gt(0)) throw new ConflictError(nothing, { field: 'targetAccountNumber' });
    return x;
  }

  private async openCredit(ctx: RequestContext, creditId: string): Promise<Credit> {
    const credit = await this.settlement.load(ctx, creditId);
    if (!ACTIVE_CREDIT_STATUSES.includes(credit.status)) {
      throw new ConflictError(`credit ${credit.id} is ${credit.status}: only an open credit can be moved`, { status: credit.status });
    }
    return credit;
  }

  private async account(ctx: RequestContext, id: string) {
    return (await ctx.uow.one<{ id: string; patient_id: string; guarantor_id: string }>(sql`select id, patient_id, guarantor_id from account where id = ${id}::uuid`))!;
  }

  private async accountByNumber(ctx: RequestContext, accountNumber: string) {
    const row = await ctx.uow.one<{ id: string; patient_id: string; guarantor_id: string }>(
      sql`select id, patient_id, guarantor_id from account where tenant_id = ${ctx.tenantId} and account_number = ${accountNumber}`,
    );
    if (!row) throw new NotFoundError('account', accountNumber);
    return row;
  }
}
