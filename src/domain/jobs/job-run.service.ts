import { sql } from 'kysely';
import type { RequestContext } from '../context/request-context.js';
import { BadInputError, ConflictError } from '../errors.js';
import type { TenantService } from '../tenancy/tenant.service.js';
import { JobRun } from './job-run.entity.js';
import { JobState, type JobKind } from './job-state.js';
import type { AuditService } from '../audit/audit.service.js';
import { isUuid } from '../ids.js';

/** What a BullMQ job carries: ids only, since job data sits in Redis in clear text. */
export interface JobPayload {
  tenantId: string;
  runId: string;
}

/** Puts a run on its queue. Implemented over BullMQ in src/jobs; the domain only knows this. */
export interface JobScheduler {
  schedule(kind: JobKind, payload: JobPayload): Promise<void>;
}


/** Key order must not make two equal inputs differ. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export class JobRunService {
  constructor(
    private readonly tenants: TenantService,
    private readonly scheduler: JobScheduler,
    private readonly audit: AuditService,
  ) {}

  /**
   * Records a run and queues it once the transaction commits. The same idempotency key with the
   * same input returns the original run; with other input it is a CONFLICT.
   */
  async enqueue(ctx: RequestContext, kind: JobKind, input: Record<string, unknown>, idempotencyKey?: string | null): Promise<JobRun> {
    const key = idempotencyKey?.trim() || null;
    if (key && key.length > 128) throw new BadInputError('input.idempotencyKey', 'must be at most 128 characters');
    await this.tenants.ensure(ctx);
    const created = await ctx.uow.one<{ id: string }>(sql`
      insert into job_run (tenant_id, kind, state, input, idempotency_key, requested_by)
      values (${ctx.tenantId}, ${kind}, ${JobState.QUEUED}, ${JSON.stringify(input)}::jsonb, ${key}, ${ctx.actor.id})
      on conflict (tenant_id, kind, idempotency_key) do nothing
      returning id`);
    const em = await ctx.uow.tx();
    if (!created) {
      const existing = await em.findOneOrFail(JobRun, { kind, idempotencyKey: key });
      if (canonicalJson(existing.input) !== canonicalJson(input)) {
        throw new ConflictError(`idempotencyKey "${key}" was already used for a ${kind} run with other input`, {
          field: 'input.idempotencyKey',
          runId: existing.id,
        });
      }
      return existing;
    }
    await this.audit.record(ctx, { action: 'job.enqueue', subjectType: 'job', subjectId: created.id, after: { kind, input, idempotencyKey: key } });
    ctx.uow.afterCommit(() => this.scheduler.schedule(kind, { tenantId: ctx.tenantId, runId: created.id }));
    return em.findOneOrFail(JobRun, { id: created.id });
  }

  async find(ctx: RequestContext, id: string): Promise<JobRun | null> {
    if (!isUuid(id)) return null;
    const em = await ctx.uow.tx();
    return em.findOne(JobRun, { id });
  }
}
