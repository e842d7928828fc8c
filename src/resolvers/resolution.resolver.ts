import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Services } from '../app/services.js';
import type { RequestContext } from '../domain/context/request-context.js';
import { autoAdjustOptions } from '../domain/credits/auto-adjust.service.js';
import { JobKind } from '../domain/jobs/job-state.js';
import type { Decimal } from '../domain/money/money.js';
import { CreditType } from '../schema/credit.type.js';
import { JobRunType } from '../schema/job-run.type.js';
import {
  AdjustmentRequestType,
  AuditChainVerificationType,
  AuditEventType,
  AutoAdjustInput,
  CreditTransferResultType,
  ReapplyPatientCreditInput,
  RunCreditReapplicationInput,
} from '../schema/refund.type.js';
import { DecimalScalar } from '../schema/scalars/decimal.scalar.js';
import { APPROVE, READ_AUDIT, READ_CREDITS, RUN_JOBS, VERIFY_AUDIT, WORK_CREDITS } from './access.js';

@Resolver()
export class ResolutionResolver {
  constructor(private readonly services: Services) {}

  @Authorized(WORK_CREDITS)
  @Mutation(() => CreditType, { description: 'RESOLVED → CLOSED, once the account balance is no longer negative (CONFLICT otherwise).' })
  closeCredit(@Arg('creditId', () => ID) creditId: string, @Ctx() ctx: RequestContext) {
    return this.services.creditWork.close(ctx, creditId);
  }

  @Authorized(READ_CREDITS)
  @Query(() => [AdjustmentRequestType], { description: "Adjustments waiting for (or decided by) an approver; a credit's, or all." })
  adjustmentRequests(@Ctx() ctx: RequestContext, @Arg('creditId', () => ID, { nullable: true }) creditId?: string) {
    return this.services.creditWork.adjustmentRequests(ctx, creditId);
  }

  @Authorized(APPROVE)
  @Mutation(() => AdjustmentRequestType, { description: 'Posts the adjustment; the approver must not be the requester.' })
  approveAdjustment(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return this.services.creditWork.approveAdjustment(ctx, id);
  }

  @Authorized(APPROVE)
  @Mutation(() => AdjustmentRequestType)
  rejectAdjustment(@Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: RequestContext) {
    return this.services.creditWork.rejectAdjustment(ctx, id, reason);
  }

  @Authorized(WORK_CREDITS)
  @Mutation(() => CreditType, { description: 'Posts an ADJUSTMENT reducing the open credit (resolving it at zero); at or above the tenant threshold it waits for approval.' })
  adjustCredit(
    @Arg('creditId', () => ID) creditId: string,
    @Arg('amount', () => DecimalScalar) amount: Decimal,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: RequestContext,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey?: string,
  ) {
    return this.services.creditWork.adjust(ctx, creditId, amount, reason, idempotencyKey);
  }

  @Authorized(RUN_JOBS)
  @Mutation(() => JobRunType, { description: 'Enqueues the batch auto-adjustment of small credits; poll job(id).' })
  autoAdjustSmallCredits(@Ctx() ctx: RequestContext, @Arg('input', () => AutoAdjustInput, { nullable: true }) input?: AutoAdjustInput) {
    return this.services.jobs.enqueue(ctx, JobKind.AUTO_ADJUST, { ...autoAdjustOptions(input ?? {}) }, input?.idempotencyKey);
  }

  @Authorized(WORK_CREDITS)
  @Mutation(() => CreditTransferResultType, { description: "Moves a patient's credit to another balance of the patient (or, named, of the guarantor's other patients)." })
  reapplyPatientCredit(@Arg('input', () => ReapplyPatientCreditInput) input: ReapplyPatientCreditInput, @Ctx() ctx: RequestContext) {
    return this.services.transfers.reapply(ctx, input);
  }

  @Authorized(WORK_CREDITS)
  @Mutation(() => CreditTransferResultType, { description: "Applies a payer's credit to balances the same payer owes, where its policy allows offsets." })
  offsetCredit(
    @Arg('creditId', () => ID) creditId: string,
    @Ctx() ctx: RequestContext,
    @Arg('targetAccountNumber', () => String, { nullable: true }) targetAccountNumber?: string,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey?: string,
  ) {
    return this.services.transfers.offset(ctx, creditId, targetAccountNumber, idempotencyKey);
  }

  @Authorized(RUN_JOBS)
  @Mutation(() => JobRunType, { description: 'Enqueues the re-application of patient credits across each guarantor; poll job(id).' })
  runCreditReapplication(@Ctx() ctx: RequestContext, @Arg('input', () => RunCreditReapplicationInput, { nullable: true }) input?: RunCreditReapplicationInput) {
    return this.services.jobs.enqueue(ctx, JobKind.CREDIT_REAPPLICATION, { dryRun: input?.dryRun ?? false }, input?.idempotencyKey);
  }

  @Authorized(READ_AUDIT)
  @Query(() => [AuditEventType], { description: "A credit's history, in order." })
  async auditTrail(@Arg('creditId', () => ID) creditId: string, @Ctx() ctx: RequestContext) {
    const events = await this.services.audit.trail(ctx, 'credit', creditId);
    return events.map((e) => ({ ...e, at: new Date(e.at), before: e.before === null ? null : JSON.stringify(e.before), after: e.after === null ? null : JSON.stringify(e.after) }));
  }

  @Authorized(VERIFY_AUDIT)
  @Query(() => AuditChainVerificationType, { description: "Recomputes the tenant's hash chain and reports the first broken link." })
  verifyAuditChain(@Ctx() ctx: RequestContext) {
    return this.services.audit.verify(ctx.uow, ctx.tenantId);
  }
}

@Resolver(() => CreditTransferResultType)
export class CreditTransferResultResolver {
  @FieldResolver(() => CreditType, { description: 'The credit after the move.' })
  credit(@Root() outcome: { credit: unknown }) {
    return outcome.credit;
  }
}
