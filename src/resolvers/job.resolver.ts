import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Services } from '../app/services.js';
import type { RequestContext } from '../domain/context/request-context.js';
import type { JobRun } from '../domain/jobs/job-run.entity.js';
import { JobKind } from '../domain/jobs/job-state.js';
import { JobRunType, RunCreditDetectionInput } from '../schema/job-run.type.js';
import { READ_JOBS, RUN_JOBS } from './access.js';

@Resolver(() => JobRunType)
export class JobResolver {
  constructor(private readonly services: Services) {}

  @Authorized(READ_JOBS)
  @Query(() => JobRunType, { nullable: true })
  job(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return this.services.jobs.find(ctx, id);
  }

  @Authorized(RUN_JOBS)
  @Mutation(() => JobRunType, { description: 'Enqueues full credit detection; poll job(id).' })
  runCreditDetection(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => RunCreditDetectionInput, { nullable: true }) input?: RunCreditDetectionInput,
  ) {
    return this.services.jobs.enqueue(ctx, JobKind.CREDIT_DETECTION, {}, input?.idempotencyKey);
  }

  @FieldResolver(() => String, { nullable: true, description: 'JSON summary once COMPLETED (counts, amounts).' })
  result(@Root() run: JobRun) {
    return run.result ? JSON.stringify(run.result) : null;
  }
}
