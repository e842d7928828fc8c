import { sql } from 'kysely';
import type { RequestContext } from '../context/request-context.js';
import { BadInputError, ConflictError, NotFoundError } from '../errors.js';
import { Decimal } from '../money/money.js';
import { PayerKind } from '../payers/payer-kind.js';
import { loadDeadlinePolicy } from '../policies/deadline-policy.loader.js';
import { Complexity } from './credit-enums.js';
import { Credit } from './credit.entity.js';
import { ACTIVE_CREDIT_STATUSES } from './credit-enums.js';
import { computeDeadline } from './deadline-policy.js';
import type { AuditService } from '../audit/audit.service.js';
import { isUuid } from '../ids.js';


/**
 * Suspends a Medicare/Medicaid refund clock while a documented investigation runs (up to the
 * policy's maximum, 180 days by default): records who, when and why, and moves slaDueAt.
 */
export class DeadlineSuspensionService {
  constructor(private readonly audit: AuditService) {}

  async suspend(ctx: RequestContext, creditId: string, days: number, reason: string): Promise<Credit> {
    const why = reason.trim();
    if (why.length < 10) throw new BadInputError('reason', 'document the investigation (at least 10 characters)');
    const policy = await loadDeadlinePolicy(ctx.uow, ctx.tenantId);
    if (!Number.isInteger(days) || days < 1 || days > policy.maxSuspensionDays) {
      throw new BadInputError('days', `must be between 1 and ${policy.maxSuspensionDays}`);
    }
    const em = await ctx.uow.tx();
    const credit = isUuid(creditId) ? await em.findOne(Credit, { id: creditId }) : null;
    if (!credit) throw new NotFoundError('credit', creditId);
    if (!ACTIVE_CREDIT_STATUSES.includes(credit.status)) throw new ConflictError(`credit ${creditId} is ${credit.status}: its deadline no longer runs`, { status: credit.status });
    const payer = credit.refundPayerId
      ? await ctx.uow.one<{ code: string; kind: PayerKind; refund_deadline_days: number }>(
          sql`select code, kind, refund_deadline_days from payer where id = ${credit.refundPayerId}::uuid`,
        )
      : undefined;
    if (!payer || (payer.kind !== PayerKind.MEDICARE && payer.kind !== PayerKind.MEDICAID)) {
      throw new ConflictError('only a Medicare or Medicaid refund clock can be suspended for an investigation', { field: 'creditId' });
    }
    const deadline = computeDeadline(
      {
        identifiedAt: credit.identifiedAt,
        amount: new Decimal(credit.amount),
        complexity: credit.complexity ?? Complexity.HIGH,
        payer: { code: payer.code, kind: payer.kind, refundDeadlineDays: payer.refund_deadline_days },
        suspendedDays: days,
      },
      policy,
    );
    await ctx.uow.affected(sql`
      update credit set deadline_suspended_days = ${days}, suspension_reason = ${why}, suspended_by = ${ctx.actor.id},
             suspended_at = now(), sla_due_at = ${deadline.dueAt.toISOString()}, sla_reason = ${deadline.reason}, updated_at = now()
       where id = ${creditId}::uuid`);
    await this.audit.record(ctx, {
      action: 'credit.suspend_deadline',
      subjectType: 'credit',
      subjectId: creditId,
      before: { slaDueAt: credit.slaDueAt.toISOString(), suspendedDays: credit.deadlineSuspendedDays },
      after: { slaDueAt: deadline.dueAt.toISOString(), suspendedDays: days, slaReason: deadline.reason },
      reason: why,
    });
    return em.findOneOrFail(Credit, { id: creditId }, { refresh: true });
  }
}
