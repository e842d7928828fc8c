import { Entity, Enum, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { JobState } from './job-state.js';

/**
 * The durable record of one bulk job. The BullMQ job carries only { tenantId, runId }; state,
 * progress and result live here, under the tenant's row-level security.
 */
@Entity({ tableName: 'job_run' })
@Unique({ properties: ['tenantId', 'kind', 'idempotencyKey'] })
export class JobRun {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' })
  id!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'text' })
  kind!: string;

  @Enum({ items: () => JobState })
  state!: JobState;

  @Property({ type: 'integer', default: 0 })
  processed!: number;

  @Property({ type: 'integer', nullable: true })
  total?: number | null;

  /** Job parameters (ids and options only: never patient data). */
  @Property({ type: 'jsonb' })
  input!: Record<string, unknown>;

  @Property({ type: 'jsonb', nullable: true })
  result?: Record<string, unknown> | null;

  @Property({ type: 'text', nullable: true })
  error?: string | null;

  @Property({ type: 'text', nullable: true })
  idempotencyKey?: string | null;

  @Property({ type: 'text' })
  requestedBy!: string;

  @Property({ type: 'integer', default: 0 })
  attempts!: number;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  startedAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  finishedAt?: Date | null;
}
