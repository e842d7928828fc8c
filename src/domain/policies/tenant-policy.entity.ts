import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { Decimal } from '../money/money.js';
import { MoneyType } from '../money/money.type.js';

/** A tenant's deadline policy; absent means the defaults (DEFAULT_DEADLINE_POLICY). */
@Entity({ tableName: 'tenant_policy' })
export class TenantPolicy {
  @PrimaryKey({ type: 'text' })
  tenantId!: string;

  @Property({ type: MoneyType })
  highValueThreshold!: Decimal;

  @Property({ type: 'integer' })
  highValueDays!: number;

  @Property({ type: 'integer' })
  patientRefundDays!: number;

  @Property({ type: 'integer' })
  lowComplexityDays!: number;

  @Property({ type: 'integer' })
  mediumComplexityDays!: number;

  @Property({ type: 'integer' })
  highComplexityDays!: number;

  @Property({ type: 'integer' })
  maxSuspensionDays!: number;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt!: Date;
}
