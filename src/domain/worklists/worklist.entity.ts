import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';

/**
 * A queue of credits defined by criteria. An empty (null) criterion matches everything; detection
 * puts each open credit in the first worklist by priority that matches, the default one last.
 */
@Entity({ tableName: 'worklist' })
@Unique({ properties: ['tenantId', 'name'] })
export class Worklist {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' })
  id!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'text' })
  name!: string;

  /** Lower goes first. */
  @Property({ type: 'integer' })
  priority!: number;

  @Property({ type: 'text[]', nullable: true })
  payerCodes?: string[] | null;

  @Property({ type: 'text[]', nullable: true })
  payerKinds?: string[] | null;

  @Property({ type: 'text[]', nullable: true })
  agingBuckets?: string[] | null;

  @Property({ type: 'text[]', nullable: true })
  dollarTiers?: string[] | null;

  @Property({ type: 'text[]', nullable: true })
  complexities?: string[] | null;

  @Property({ type: 'text[]', nullable: true })
  rootCauses?: string[] | null;

  @Property({ type: 'boolean' })
  isDefault!: boolean;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt!: Date;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt!: Date;
}
