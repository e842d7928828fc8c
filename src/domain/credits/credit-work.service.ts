import { randomUUID } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { RequestContext } from '../context/request-context.js';
import { BadInputError, ConflictError } from '../errors.js';
import { EntryKind } from '../ledger/entry-kind.js';
import { Decimal, formatMoney } from '../money/money.js';
import { Credit } from './credit.entity.js';
import { ACTIVE_CREDIT_STATUSES, CreditStatus, ResolutionKind } from './credit-enums.js';
import { CreditEvent } from './credit-lifecycle.js';
import type { CreditSettlement } from './credit-settlement.js';
import type { AuditService } from '../audit/audit.service.js';
import { Role } from '../context/role.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { isUuid } from '../ids.js';

export interface AdjustmentRequestRow {
  id: string;
  creditId: string;
  amount: Decimal;
  reason: string;
  status: 'REQUESTED' | 'APPROVED' | 'REJECTED';
  requestedBy: string;
  approvedBy: string | null;
  rejectionReason: string | null;
  createdAt: Date;
}

interface AdjustmentRow {
  id: string;
  credit_id: string;
  amount: string;
  reason: string;
  status: AdjustmentRequestRow['status'];
  requested_by: string;
  approved_by: string | null;
  rejection_reason: string | null;
  created_at: Date | string;
}

const toRequest = (r: AdjustmentRow): AdjustmentRequestRow => ({
  id: r.id,
  creditId: r.credit_id,
  amount: new Decimal(r.amount),
  reason: r.reason,
  status: r.status,
  requestedBy: r.requested_by,
  approvedBy: r.approved_by,
  rejectionReason: r.rejection_reason,
  createdAt: new Date(r.created_at),
});

/**
 * Closing resolved credits and correcting open ones with an adjustment. Adjustments at or above
 * the tenant's threshold (default $1,000) wait for an APPROVER other than the requester.
 */
export class CreditWorkService {
  constructor(
    private readonly settlement: CreditSettlement,
    private readonly audit: AuditService,
  ) {}

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
    const threshold = await ctx.uow.one<{ t: string }>(sql`select adjustment_approval_threshold::text as t from tenant_policy where tenant_id = ${ctx.tenantId}`);
    if (amount.gte(threshold?.t ?? '1000.00')) {
      if (key) {
        const pending = await ctx.uow.one(sql`select 1 from adjustment_request where credit_id = ${credit.id}::uuid and idempotency_key = ${key}`);
        if (pending) return credit;
      }
      const row = await ctx.uow.one<{ id: string }>(sql`
        insert into adjustment_request (tenant_id, credit_id, amount, reason, idempotency_key, status, requested_by)
        values (${ctx.tenantId}, ${credit.id}::uuid, ${formatMoney(amount)}::numeric, ${why}, ${key}, 'REQUESTED', ${ctx.actor.id}) returning id`);
      await this.audit.record(ctx, { action: 'adjustment.request', subjectType: 'credit', subjectId: credit.id, after: { adjustmentId: row!.id, amount: formatMoney(amount) }, reason: why });
      if (credit.status !== CreditStatus.PENDING_APPROVAL) await this.settlement.transition(ctx, credit, CreditEvent.REQUEST_APPROVAL, { adjustmentId: row!.id });
      return this.settlement.load(ctx, credit.id);
    }
    await this.settlement.post(ctx, credit, { externalId, kind: EntryKind.ADJUSTMENT, amount, payerId: credit.refundPayerId ?? null, reference: why.slice(0, 64) });
    return this.settlement.settle(ctx, credit, ResolutionKind.ADJUSTMENT);
  }

  async adjustmentRequests(ctx: RequestContext, creditId?: string | null): Promise<AdjustmentRequestRow[]> {
    if (creditId && !isUuid(creditId)) return [];
    const rows = await ctx.uow.rows<AdjustmentRow>(sql`
      select * from adjustment_request where tenant_id = ${ctx.tenantId} ${creditId ? sql`and credit_id = ${creditId}::uuid` : sql``} order by created_at, id`);
    return rows.map(toRequest);
  }

  /** Four eyes: an APPROVER who did not request it; posts the ADJUSTMENT and settles the credit. */
  async approveAdjustment(ctx: RequestContext, id: string): Promise<AdjustmentRequestRow> {
    const request = await this.adjustmentRequest(ctx, id);
    if (!ctx.actor.roles.includes(Role.APPROVER)) throw new ForbiddenError('approving an adjustment needs the APPROVER role');
    if (request.requestedBy === ctx.actor.id) throw new ForbiddenError('the approver must not be the requester (four-eyes rule)');
    await this.decide(ctx, request, 'APPROVED', sql`approved_by = ${ctx.actor.id}`);
    const credit = await this.settlement.load(ctx, request.creditId);
    await this.settlement.post(ctx, credit, {
      externalId: `adjust:${credit.id}:request:${id}`,
      kind: EntryKind.ADJUSTMENT,
      amount: request.amount,
      payerId: credit.refundPayerId ?? null,
      reference: request.reason.slice(0, 64),
    });
    const settled = await this.settlement.settle(ctx, credit, ResolutionKind.ADJUSTMENT);
    if (settled.status === CreditStatus.PENDING_APPROVAL) await this.settlement.withdrawIfNothingPending(ctx, settled.id);
    return this.adjustmentRequest(ctx, id);
  }

  async rejectAdjustment(ctx: RequestContext, id: string, reason: string): Promise<AdjustmentRequestRow> {
    const why = reason.trim();
    if (why.length < 3) throw new BadInputError('reason', 'say why the adjustment is rejected');
    const request = await this.adjustmentRequest(ctx, id);
    if (!ctx.actor.roles.includes(Role.APPROVER)) throw new ForbiddenError('rejecting an adjustment needs the APPROVER role');
    await this.decide(ctx, request, 'REJECTED', sql`rejected_by = ${ctx.actor.id}, rejection_reason = ${why}`, why);
    await this.settlement.withdrawIfNothingPending(ctx, request.creditId);
    return this.adjustmentRequest(ctx, id);
  }

  private async decide(ctx: RequestContext, request: AdjustmentRequestRow, to: 'APPROVED' | 'REJECTED', set: RawBuilder<unknown>, reason?: string): Promise<void> {
    const changed = await ctx.uow.affected(sql`
      update adjustment_request set status = ${to}, ${set}, decided_at = now() where id = ${request.id}::uuid and status = 'REQUESTED'`);
    if (!changed) throw new ConflictError(`adjustment request ${request.id} is ${request.status}; it cannot be ${to.toLowerCase()}`, { status: request.status });
    await this.audit.record(ctx, { action: `adjustment.${to.toLowerCase()}`, subjectType: 'credit', subjectId: request.creditId, before: { adjustmentId: request.id, status: request.status }, after: { adjustmentId: request.id, status: to }, reason });
  }

  private async adjustmentRequest(ctx: RequestContext, id: string): Promise<AdjustmentRequestRow> {
    const row = isUuid(id) ? await ctx.uow.one<AdjustmentRow>(sql`select * from adjustment_request where id = ${id}::uuid`) : undefined;
    if (!row) throw new NotFoundError('adjustment request', id);
    return toRequest(row);
  }
}
