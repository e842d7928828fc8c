import { Entity, Enum, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { PayerKind } from './payer-kind.js';

@Entity({ tableName: 'payer' })
@Unique({ properties: ['tenantId', 'code'] })
export class Payer {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' })
  id!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'text' })
  code!: string;

  @Property({ type: 'text' })
  name!: string;

  @Enum({ items: () => PayerKind })
  kind!: PayerKind;

  @Property({ type: 'integer' })
  refundDeadlineDays!: number;

  /** Whether its credits may be offset against balances it owes; null: by kind (defaultAllowOffset). */
  @Property({ type: 'boolean', nullable: true })
  allowOffset?: boolean | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt!: Date;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt!: Date;
}
