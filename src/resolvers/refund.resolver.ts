import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Services } from '../app/services.js';
import type { RequestContext } from '../domain/context/request-context.js';
import { payerLoader } from '../domain/payers/payer.loader.js';
import type { RefundRequest } from '../domain/refunds/refund-request.entity.js';
import { CreditType } from '../schema/credit.type.js';
import { PayerType } from '../schema/payer.type.js';
import { RefundRequestType, RequestRefundInput } from '../schema/refund.type.js';
import { APPROVE, PAY_OUT, READ_CREDITS, WORK_CREDITS } from './access.js';

@Resolver(() => RefundRequestType)
export class RefundResolver {
  constructor(private readonly services: Services) {}

  @Authorized(READ_CREDITS)
  @Query(() => [RefundRequestType], { description: "A credit's refund requests (all when creditId is omitted), oldest first." })
  refundRequests(@Ctx() ctx: RequestContext, @Arg('creditId', () => ID, { nullable: true }) creditId?: string) {
    return this.services.refunds.list(ctx, creditId);
  }

  @Authorized(WORK_CREDITS)
  @Mutation(() => RefundRequestType, { description: 'Requests a (partial) refund; the credit waits for approval.' })
  requestRefund(@Arg('input', () => RequestRefundInput) input: RequestRefundInput, @Ctx() ctx: RequestContext) {
    return this.services.refunds.request(ctx, input);
  }

  @Authorized(APPROVE)
  @Mutation(() => RefundRequestType, { description: 'The approver must not be the requester; large refunds need two approvers.' })
  approveRefund(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return this.services.refunds.approve(ctx, id);
  }

  @Authorized(APPROVE)
  @Mutation(() => RefundRequestType)
  rejectRefund(@Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: RequestContext) {
    return this.services.refunds.reject(ctx, id, reason);
  }

  @Authorized(PAY_OUT)
  @Mutation(() => RefundRequestType, { description: 'Posts the REFUND ledger entry (once per refund) and resolves the credit when it reaches zero.' })
  issueRefund(@Arg('id', () => ID) id: string, @Arg('reference', () => String) reference: string, @Ctx() ctx: RequestContext) {
    return this.services.refunds.issue(ctx, id, reference);
  }

  @Authorized(PAY_OUT)
  @Mutation(() => RefundRequestType, { description: 'Voids a refund; an issued one gets its reversing entry and its credit reopens.' })
  voidRefund(@Arg('id', () => ID) id: string, @Arg('reason', () => String) reason: string, @Ctx() ctx: RequestContext) {
    return this.services.refunds.void(ctx, id, reason);
  }

  @FieldResolver(() => CreditType)
  credit(@Root() refund: RefundRequest, @Ctx() ctx: RequestContext) {
    return this.services.credits.byId(ctx, refund.creditId);
  }

  @FieldResolver(() => PayerType, { nullable: true, description: 'Null: the patient / guarantor.' })
  payee(@Root() refund: RefundRequest, @Ctx() ctx: RequestContext) {
    return refund.payeePayerId ? ctx.loader(payerLoader).load(refund.payeePayerId) : null;
  }
}
