import { Arg, Authorized, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Services } from '../app/services.js';
import type { RequestContext } from '../domain/context/request-context.js';
import { JobRunType } from '../schema/job-run.type.js';
import { RemittanceReconciliationType } from '../schema/remittance.type.js';
import { READ_WORK, RUN_JOBS } from './access.js';

@Resolver()
export class RemittanceResolver {
  constructor(private readonly services: Services) {}

  @Authorized(RUN_JOBS)
  @Mutation(() => JobRunType, {
    description:
      'Stages an X12 835 file (at most 20 MB) and queues its import: accepted sets are recorded and posted, ' +
      'malformed ones rejected whole, then credits are detected for the touched accounts. Poll job(id); its result lists ' +
      'accepted, rejected and duplicate sets, warnings, claims posted/reversed/denied/unmatched and entries posted. ' +
      'The same file, or the same payer + TRN trace, imports nothing a second time.',
  })
  importRemittance(
    @Arg('content', () => String) content: string,
    @Arg('fileName', () => String) fileName: string,
    @Ctx() ctx: RequestContext,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey?: string | null,
  ) {
    return this.services.remittanceUpload.submit(ctx, content, fileName, idempotencyKey);
  }

  @Authorized(READ_WORK)
  @Query(() => RemittanceReconciliationType, { description: 'ERA ↔ ledger gaps and the posting-exception worklist.', complexity: 100 })
  remittanceReconciliation(@Ctx() ctx: RequestContext, @Arg('first', () => Int, { defaultValue: 100, description: 'Items per section (at most 500).' }) first: number) {
    return this.services.reconciliation.reconcile(ctx, first);
  }
}
