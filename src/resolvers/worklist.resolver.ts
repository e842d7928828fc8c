import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Services } from '../app/services.js';
import type { RequestContext } from '../domain/context/request-context.js';
import { rootCauseSummaries } from '../domain/classification/root-causes.js';
import { CreditConnection, CreditType } from '../schema/credit.type.js';
import { RootCauseSummaryType } from '../schema/classification.type.js';
import { WorklistInput, WorklistType } from '../schema/worklist.type.js';
import { CONFIGURE, DECIDE, READ_KPIS, READ_WORK, WORK_CREDITS } from './access.js';

@Resolver(() => WorklistType)
export class WorklistResolver {
  constructor(private readonly services: Services) {}

  @Authorized(READ_KPIS)
  @Query(() => [RootCauseSummaryType], { description: 'Each root cause with its label, description and open credits.' })
  rootCauses(@Ctx() ctx: RequestContext) {
    return rootCauseSummaries(ctx);
  }

  @Authorized(READ_WORK)
  @Query(() => [WorklistType], { description: 'In priority order, the default catch-all last.' })
  worklists(@Ctx() ctx: RequestContext) {
    return this.services.worklists.list(ctx);
  }

  @Authorized(READ_WORK)
  @Query(() => WorklistType, { nullable: true })
  worklist(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return this.services.worklists.byId(ctx, id);
  }

  @Authorized(READ_WORK)
  @FieldResolver(() => CreditConnection, {
    description: 'Open credits by exposure: largest amount first, then the earliest due date.',
    complexity: ({ args, childComplexity }) => 1 + Math.max(0, Number(args.first ?? 50)) * childComplexity,
  })
  async credits(
    @Root() worklist: WorklistType,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<CreditConnection> {
    const page = await this.services.worklists.credits(ctx, worklist.id, first, after);
    return { edges: page.edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor }, totalCount: page.totalCount ?? 0 };
  }

  @Authorized(CONFIGURE)
  @Mutation(() => WorklistType, { description: 'Creates a worklist and re-places the open credits.' })
  createWorklist(@Arg('input', () => WorklistInput) input: WorklistInput, @Ctx() ctx: RequestContext) {
    return this.services.worklists.create(ctx, input);
  }

  @Authorized(CONFIGURE)
  @Mutation(() => WorklistType, { description: 'Changes a worklist and re-places the open credits.' })
  updateWorklist(@Arg('id', () => ID) id: string, @Arg('input', () => WorklistInput) input: WorklistInput, @Ctx() ctx: RequestContext) {
    return this.services.worklists.update(ctx, id, input);
  }

  @Authorized(CONFIGURE)
  @Mutation(() => Boolean, { description: 'Deletes a worklist; its credits go to the next matching one.' })
  deleteWorklist(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return this.services.worklists.delete(ctx, id);
  }

  @Authorized(WORK_CREDITS)
  @Mutation(() => CreditType, { description: 'Assigns an open credit to someone (null: unassign).' })
  assignCredit(@Arg('creditId', () => ID) creditId: string, @Arg('assignee', () => String, { nullable: true }) assignee: string | null, @Ctx() ctx: RequestContext) {
    return this.services.worklists.assign(ctx, creditId, assignee);
  }

  @Authorized(WORK_CREDITS)
  @Mutation(() => CreditType, { nullable: true, description: 'Hands the caller the next unassigned open credit of the worklist; null when none is left.' })
  claimNextCredit(@Arg('worklistId', () => ID) worklistId: string, @Ctx() ctx: RequestContext) {
    return this.services.worklists.claimNext(ctx, worklistId);
  }

  @Authorized(WORK_CREDITS)
  @Mutation(() => CreditType, { description: 'OPEN → IN_REVIEW (CONFLICT otherwise).' })
  startReview(@Arg('creditId', () => ID) creditId: string, @Ctx() ctx: RequestContext) {
    return this.services.worklists.startReview(ctx, creditId);
  }

  @Authorized(DECIDE)
  @Mutation(() => CreditType, { description: 'Suspends a Medicare/Medicaid refund clock for a documented investigation (at most 180 days).' })
  suspendCreditDeadline(
    @Arg('creditId', () => ID) creditId: string,
    @Arg('days', () => Int) days: number,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: RequestContext,
  ) {
    return this.services.deadlines.suspend(ctx, creditId, days, reason);
  }
}
