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

  /** Service location / facility code: not PHI, a grouping for KPIs and reports. */
  @Property({ type: 'text', nullable: true })
  location?: string | null;

  /** PHI. */
  @Property({ type: 'text', nullable: true })
  patientName?: string | null;

  /** PHI. */
  @Property({ type: 'text', nullable: true })
  guarantorName?: string | null;

  /** PHI: the patient's member id with the primary payer (the MBI for Medicare). */
  @Property({ type: 'text', nullable: true })
  payerMemberId?: string | null;

  /** Two-letter state of the patient's last known address: the unclaimed-property jurisdiction. */
  @Property({ type: 'text', nullable: true })
  state?: string | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt!: Date;
}
