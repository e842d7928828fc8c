import { sql, type RawBuilder } from 'kysely';
import type { RequestContext } from '../context/request-context.js';
import { Role } from '../context/role.js';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import { EntryKind } from '../ledger/entry-kind.js';
import { Decimal, formatMoney } from '../money/money.js';
import type { AuditService } from '../audit/audit.service.js';
import { ACTIVE_CREDIT_STATUSES, CreditStatus, ResolutionKind } from '../credits/credit-enums.js';
import { CreditEvent } from '../credits/credit-lifecycle.js';
import type { CreditSettlement } from '../credits/credit-settlement.js';
import { RefundReason, RefundRequest, RefundStatus } from './refund-request.entity.js';
import { isUuid } from '../ids.js';

export interface RefundInput {
  creditId: string;
  amount: Decimal;
  /** Free text; when it is one of the RefundReason codes and no reasonCode is given, it is the code. */
  reason: string;
  reasonCode?: RefundReason | null;
  documents?: string[] | null;
}

const PENDING = [RefundStatus.REQUESTED, RefundStatus.APPROVED];

/**
 * Refunds with four-eyes approval: requested by one person, approved by another holding APPROVER
 * (two others at or above the tenant's second-approval threshold), issued with a check/EFT
 * reference — which posts the REFUND entry, idempotent on the refund id — and voidable (posting the
 * reversal). Partial refunds are allowed; together they never exceed the credit.
 */
export class RefundService {
  constructor(
    private readonly settlement: CreditSettlement,
    private readonly audit: AuditService,
  ) {}

  async list(ctx: RequestContext, creditId?: string | null): Promise<RefundRequest[]> {
    const em = await ctx.uow.tx();
    if (creditId && !isUuid(creditId)) return [];
    return em.find(RefundRequest, creditId ? { creditId } : {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  async request(ctx: RequestContext, input: RefundInput): Promise<RefundRequest> {
    const reasonText = input.reason.trim();
    const asCode = (Object.values(RefundReason) as string[]).includes(reasonText.toUpperCase()) ? (reasonText.toUpperCase() as RefundReason) : null;
    const reasonCode = input.reasonCode ?? asCode ?? RefundReason.OTHER;
    if (reasonCode === RefundReason.OTHER && reasonText.length < 5) {
      throw new BadInputError('input.reason', 'an OTHER refund needs a reason of at least 5 characters');
    }
    if (reasonText.length > 1000) throw new BadInputError('input.reason', 'must be at most 1000 characters');
    if (!input.amount.gt(0)) throw new BadInputError('input.amount', 'must be positive');
    const documents = (input.documents ?? []).map((d) => d.trim()).filter(Boolean);
    if (documents.length > 20 || documents.some((d) => d.length > 500)) throw new BadInputError('input.documents', 'at most 20 references of at most 500 characters');

    const credit = await this.settlement.load(ctx, input.creditId);
    if (!ACTIVE_CREDIT_STATUSES.includes(credit.status)) {
      throw new ConflictError(`credit ${credit.id} is ${credit.status}: refunds are requested on open credits`, { status: credit.status });
    }
    // Lock the credit row: concurrent requests on one credit are checked one after the other.
    await ctx.uow.affected(sql`select 1 from credit where id = ${credit.id}::uuid for update`);
    const pending = await ctx.uow.one<{ total: string }>(sql`
      select coalesce(sum(amount), 0)::text as total from refund_request
       where credit_id = ${credit.id}::uuid and status in (${sql.join(PENDING.map((s) => sql.lit(s)))})`);
    const available = credit.amount.minus(pending!.total);
    if (input.amount.gt(available)) {
      throw new BadInputError('input.amount', `${formatMoney(input.amount)} exceeds what is left to refund on the credit (${formatMoney(Decimal.max(available, 0))})`);
    }
    const row = await ctx.uow.one<{ id: string }>(sql`
      insert into refund_request (tenant_id, credit_id, amount, reason_code, reason, payee_payer_id, status, documents, requested_by)
      values (${ctx.tenantId}, ${credit.id}::uuid, ${formatMoney(input.amount)}::numeric, ${reasonCode}, ${reasonText},
              ${credit.refundPayerId ?? null}::uuid, ${RefundStatus.REQUESTED}, ${JSON.stringify(documents)}::jsonb, ${ctx.actor.id})
      returning id`);
    await this.audit.record(ctx, {
      action: 'refund.request',
      subjectType: 'credit',
      subjectId: credit.id,
      after: { refundId: row!.id, amount: formatMoney(input.amount), reasonCode, payeePayerId: credit.refundPayerId ?? null, documents },
      reason: reasonText,
    });
    if (credit.status !== CreditStatus.PENDING_APPROVAL) await this.settlement.transition(ctx, credit, CreditEvent.REQUEST_APPROVAL, { refundId: row!.id });
    return this.get(ctx, row!.id);
  }

  async approve(ctx: RequestContext, id: string): Promise<RefundRequest> {
    const refund = await this.get(ctx, id);
    if (!ctx.actor.roles.includes(Role.APPROVER)) throw new ForbiddenError('approving a refund needs the APPROVER role');
    if (refund.requestedBy === ctx.actor.id) throw new ForbiddenError('the approver must not be the requester (four-eyes rule)');
    if (refund.approvedBy === ctx.actor.id) throw new ForbiddenError('a second approval must come from another approver');
    this.expect(refund, [RefundStatus.REQUESTED], 'approved');
    const threshold = await this.secondApprovalThreshold(ctx);
    const needsTwo = refund.amount.gte(threshold);
    const complete = !needsTwo || refund.approvedBy != null;
    const changed = await ctx.uow.affected(sql`
      update refund_request
         set approved_by = coalesce(approved_by, ${ctx.actor.id}),
             second_approved_by = case when approved_by is null then null else ${ctx.actor.id} end,
             status = ${complete ? RefundStatus.APPROVED : RefundStatus.REQUESTED}, updated_at = now()
       where id = ${id}::uuid and status = ${RefundStatus.REQUESTED} and approved_by is not distinct from ${refund.approvedBy ?? null}`);
    if (!changed) throw new ConflictError(`refund ${id} changed while it was being approved; reload and retry`, { status: refund.status });
    await this.audit.record(ctx, {
      action: complete ? 'refund.approve' : 'refund.first_approval',
      subjectType: 'credit',
      subjectId: refund.creditId,
      before: { refundId: id, status: refund.status },
      after: { refundId: id, status: complete ? RefundStatus.APPROVED : RefundStatus.REQUESTED, needsSecondApproval: needsTwo },
    });
    return this.get(ctx, id);
  }

  async reject(ctx: RequestContext, id: string, reason: string): Promise<RefundRequest> {
    const why = reason.trim();
    if (why.length < 3) throw new BadInputError('reason', 'say why the refund is rejected');
    const refund = await this.get(ctx, id);
    if (!ctx.actor.roles.includes(Role.APPROVER)) throw new ForbiddenError('rejecting a refund needs the APPROVER role');
    await this.move(ctx, refund, [RefundStatus.REQUESTED, RefundStatus.APPROVED], RefundStatus.REJECTED, sql`rejected_by = ${ctx.actor.id}, rejection_reason = ${why}`, 'refund.reject', why);
    await this.settlement.withdrawIfNothingPending(ctx, refund.creditId);
    return this.get(ctx, id);
  }

  /** Posts the REFUND entry (idempotent on the refund id) and settles the credit. */
  async issue(ctx: RequestContext, id: string, reference: string): Promise<RefundRequest> {
    const ref = reference.trim();
    if (ref.length < 1 || ref.length > 64) throw new BadInputError('reference', 'the check number or EFT trace (1-64 characters)');
    const refund = await this.get(ctx, id);
    if (refund.status === RefundStatus.ISSUED && refund.reference === ref) return refund; // a replay: the original result
    await this.move(ctx, refund, [RefundStatus.APPROVED], RefundStatus.ISSUED, sql`reference = ${ref}, issued_by = ${ctx.actor.id}, issued_at = now()`, 'refund.issue');
    const credit = await this.settlement.load(ctx, refund.creditId);
    await this.settlement.post(ctx, credit, {
      externalId: `refund:${id}`,
      kind: EntryKind.REFUND,
      amount: refund.amount,
      payerId: refund.payeePayerId ?? null,
      reference: ref,
    });
    const settled = await this.settlement.settle(ctx, credit, ResolutionKind.REFUND);
    if (settled.status === CreditStatus.PENDING_APPROVAL) await this.settlement.withdrawIfNothingPending(ctx, settled.id);
    return this.get(ctx, id);
  }

  /** Voids a refund: before issue it simply ends; after issue the reversing entry is posted. */
  async void(ctx: RequestContext, id: string, reason: string): Promise<RefundRequest> {
    const why = reason.trim();
    if (why.length < 3) throw new BadInputError('reason', 'say why the refund is voided');
    const refund = await this.get(ctx, id);
    if (refund.status === RefundStatus.VOIDED) return refund; // a replay: the original result
    const wasIssued = refund.status === RefundStatus.ISSUED;
    await this.move(ctx, refund, [RefundStatus.REQUESTED, RefundStatus.APPROVED, RefundStatus.ISSUED], RefundStatus.VOIDED, sql`voided_by = ${ctx.actor.id}, void_reason = ${why}, voided_at = now()`, 'refund.void', why);
    const credit = await this.settlement.load(ctx, refund.creditId);
    if (!wasIssued) {
      await this.settlement.withdrawIfNothingPending(ctx, credit.id);
      return this.get(ctx, id);
    }
    await this.settlement.post(ctx, credit, {
      externalId: `refund-void:${id}`,
      kind: EntryKind.REFUND,
      amount: refund.amount.neg(),
      payerId: refund.payeePayerId ?? null,
      reference: `VOID ${refund.reference ?? ''}`.trim(),
    });
    // The money is back on the account: a resolved credit reopens for review (a closed one stays
    // closed, and the next detection opens a new credit for the negative balance).
    if (credit.status === CreditStatus.RESOLVED) {
      await this.settlement.transition(ctx, credit, CreditEvent.REOPEN, { refundVoided: id }, why);
      await ctx.uow.affected(sql`update credit set resolution = null, resolved_at = null, resolved_by = null, reopened_count = reopened_count + 1 where id = ${credit.id}::uuid`);
    }
    if (credit.status !== CreditStatus.CLOSED) await this.settlement.settle(ctx, await this.settlement.load(ctx, credit.id), ResolutionKind.REFUND);
    return this.get(ctx, id);
  }

  async get(ctx: RequestContext, id: string): Promise<RefundRequest> {
    const em = await ctx.uow.tx();
    const refund = isUuid(id) ? await em.findOne(RefundRequest, { id }, { refresh: true }) : null;
    if (!refund) throw new NotFoundError('refund request', id);
    return refund;
  }

  private expect(refund: RefundRequest, allowed: RefundStatus[], action: string): void {
    if (!allowed.includes(refund.status)) {
      throw new ConflictError(`refund ${refund.id} is ${refund.status}; it cannot be ${action} (it must be ${allowed.join(' or ')})`, { status: refund.status });
    }
  }

  /** Compare-and-set on the refund's status, then the audit event. */
  private async move(
    ctx: RequestContext,
    refund: RefundRequest,
    from: RefundStatus[],
    to: RefundStatus,
    set: RawBuilder<unknown>,
    action: string,
    reason?: string,
  ): Promise<void> {
    this.expect(refund, from, to.toLowerCase());
    const changed = await ctx.uow.affected(sql`
      update refund_request set status = ${to}, ${set}, updated_at = now()
       where id = ${refund.id}::uuid and status = ${refund.status}`);
    if (!changed) throw new ConflictError(`refund ${refund.id} changed meanwhile; reload and retry`, { status: refund.status });
    await this.audit.record(ctx, {
      action,
      subjectType: 'credit',
      subjectId: refund.creditId,
      before: { refundId: refund.id, status: refund.status },
      after: { refundId: refund.id, status: to },
      reason,
    });
  }

  private async secondApprovalThreshold(ctx: RequestContext): Promise<Decimal> {
    const row = await ctx.uow.one<{ t: string }>(sql`select second_approval_threshold::text as t from tenant_policy where tenant_id = ${ctx.tenantId}`);
    return new Decimal(row?.t ?? '5000.00');
  }
}
