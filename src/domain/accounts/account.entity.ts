import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';

/** A patient account (encounter). Created on the first ledger entry that names it. */
@Entity({ tableName: 'account' })
@Unique({ properties: ['tenantId', 'accountNumber'] })
export class Account {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' })
  id!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'text' })
  accountNumber!: string;

  @Property({ type: 'text' })
  patientId!: string;

  @Property({ type: 'text' })
  guarantorId!: string;

  /** The payer of the account's first payer-linked entry: whose A/R this account counts in. */
  @Property({ type: 'uuid', nullable: true })
  primaryPayerId?: string | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt!: Date;
}
