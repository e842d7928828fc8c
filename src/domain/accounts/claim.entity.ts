import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';

/**
 * Claim-level facts the ledger does not carry, keyed by the ledger's claim number: one account
 * (encounter) can be billed under several claims, each with its own type of bill and payer ICN.
 */
@Entity({ tableName: 'claim' })
@Unique({ properties: ['tenantId', 'claimNumber'] })
export class Claim {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' })
  id!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'text' })
  claimNumber!: string;

  @Property({ type: 'uuid' })
  accountId!: string;

  /** UB-04 form locator 4, e.g. 111 (inpatient, admit through discharge), 131 (outpatient). */
  @Property({ type: 'text', nullable: true })
  typeOfBill?: string | null;

  /** PHI (a date of service). `YYYY-MM-DD`. */
  @Property({ type: 'date', nullable: true })
  admissionDate?: string | null;

  /** PHI (a date of service). `YYYY-MM-DD`. */
  @Property({ type: 'date', nullable: true })
  dischargeDate?: string | null;

  /** The payer's internal control number for the claim. */
  @Property({ type: 'text', nullable: true })
  icn?: string | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt!: Date;
}
