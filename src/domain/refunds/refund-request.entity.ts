import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { Decimal } from '../money/money.js';
import { MoneyType } from '../money/money.type.js';

export enum RefundStatus {
  REQUESTED = 'REQUESTED',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  ISSUED = 'ISSUED',
  VOIDED = 'VOIDED',
}

/** Why money goes back: a fixed list; OTHER needs words. */
export enum RefundReason {
  DUPLICATE = 'DUPLICATE',
  OVERPAYMENT = 'OVERPAYMENT',
  POSTED_IN_ERROR = 'POSTED_IN_ERROR',
  COB = 'COB',
  PATIENT_REQUESTED = 'PATIENT_REQUESTED',
  OTHER = 'OTHER',
}

@Entity({ tableName: 'refund_request' })
export class RefundRequest {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' })
  id!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'uuid' })
  creditId!: string;

  @Property({ type: MoneyType })
  amount!: Decimal;

  @Enum({ items: () => RefundReason })
  reasonCode!: RefundReason;

  @Property({ type: 'text' })
  reason!: string;

  /** The payer refunded; null: the patient / guarantor. */
  @Property({ type: 'uuid', nullable: true })
  payeePayerId?: string | null;

  @Enum({ items: () => RefundStatus })
  status!: RefundStatus;

  /** Supporting notes and documents, by reference (a document id or URL, never the document). */
  @Property({ type: 'jsonb' })
  documents!: string[];

  @Property({ type: 'text' })
  requestedBy!: string;

  @Property({ type: 'text', nullable: true })
  approvedBy?: string | null;

  @Property({ type: 'text', nullable: true })
  secondApprovedBy?: string | null;

  @Property({ type: 'text', nullable: true })
  rejectedBy?: string | null;

  @Property({ type: 'text', nullable: true })
  rejectionReason?: string | null;

  @Property({ type: 'text', nullable: true })
  reference?: string | null;

  @Property({ type: 'text', nullable: true })
  issuedBy?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  issuedAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  voidedBy?: string | null;

  @Property({ type: 'text', nullable: true })
  voidReason?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  voidedAt?: Date | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt!: Date;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt!: Date;
}
