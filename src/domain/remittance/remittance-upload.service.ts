import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { RequestContext } from '../context/request-context.js';
import { BadInputError } from '../errors.js';
import type { JobRun } from '../jobs/job-run.entity.js';
import type { JobRunService } from '../jobs/job-run.service.js';
import { JobKind } from '../jobs/job-state.js';
import type { TenantService } from '../tenancy/tenant.service.js';

/** Largest 835 file one import takes (the request body limit is above it, for the JSON around it). */
export const MAX_REMITTANCE_BYTES = 20 * 1024 * 1024;

/**
 * Stages an 835 file in PostgreSQL and queues its import. The raw text stays in the database (it
 * holds patient names and ids); the job's input is the file id and its Redis payload the run id.
 * Files are content-addressed per tenant: the same bytes again reuse the staged row, and the
 * import then finds the file already imported and does nothing.
 */
export class RemittanceUploadService {
  constructor(
    private readonly tenants: TenantService,
    private readonly jobs: JobRunService,
  ) {}

  async submit(ctx: RequestContext, content: string, fileName: string, idempotencyKey?: string | null): Promise<JobRun> {
    const name = fileName.trim();
    if (!name) throw new BadInputError('fileName', 'is required');
    if (name.length > 255) throw new BadInputError('fileName', 'must be at most 255 characters');
    const bytes = Buffer.byteLength(content, 'utf8');
    if (bytes > MAX_REMITTANCE_BYTES) throw new BadInputError('content', `is ${bytes} bytes; at most ${MAX_REMITTANCE_BYTES} (20 MB) per file`);
    if (!content.trim()) throw new BadInputError('content', 'is empty');
    if (content.includes('\u0000')) throw new BadInputError('content', 'contains NUL characters: not an X12 text file');
    const hash = createHash('sha256').update(content).digest('hex');
    await this.tenants.ensure(ctx);
    await ctx.uow.affected(sql`
      insert into remittance_file (tenant_id, content_hash, file_name, byte_size, content, status)
      values (${ctx.tenantId}, ${hash}, ${name}, ${bytes}, ${content}, 'STAGED')
      on conflict (tenant_id, content_hash) do nothing`);
    const file = await ctx.uow.one<{ id: string }>(sql`select id from remittance_file where tenant_id = ${ctx.tenantId} and content_hash = ${hash}`);
    return this.jobs.enqueue(ctx, JobKind.REMITTANCE_IMPORT, { fileId: file!.id }, idempotencyKey);
  }
}
