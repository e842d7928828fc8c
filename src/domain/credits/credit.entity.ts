import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { Decimal } from '../money/money.js';
import { MoneyType } from '../money/money.type.js';
import { Complexity, CreditStatus, ResolutionKind, RootCauseCode } from './credit-enums.js';

/**
 * A credit balance on one account. At most one active credit (OPEN, IN_REVIEW, PENDING_APPROVAL)
 * per account, enforced by a partial unique index; a later negative balance after resolution
 * opens a new credit rather than reopening the old one.
 */
@Entity({ tableName: 'credit' })
@Index({ properties: ['tenantId', 'status', 'originatedAt', 'id'] })
export class Credit {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' })
  id!: string;

  @Property({ type: 'text' })
  tenantId!: string;

  @Property({ type: 'uuid' })
  accountId!: string;

  /** Positive magnitude still open; zero once resolved. */
  @Property({ type: MoneyType })
  amount!: Decimal;

  /** The magnitude when detection first found it. */
  @Property({ type: MoneyType })
  originalAmount!: Decimal;

  @Enum({ items: () => CreditStatus })
  status!: CreditStatus;

  @Enum({ items: () => RootCauseCode })
  rootCause!: RootCauseCode;

  @Property({ type: 'uuid', nullable: true })
  refundPayerId?: string | null;

  @Property({ type: 'timestamptz' })
  originatedAt!: Date;

  @Property({ type: 'timestamptz' })
  identifiedAt!: Date;

  @Property({ type: 'timestamptz' })
  slaDueAt!: Date;

  @Enum({ items: () => ResolutionKind, nullable: true })
  resolution?: ResolutionKind | null;

  @Property({ type: 'timestamptz', nullable: true })
  resolvedAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  closedAt?: Date | null;

  /** One line an analyst would accept: why the credit exists. */
  @Property({ type: 'text', nullable: true })
  rootCauseExplanation?: string | null;

  /** The primary finding first, then secondary ones: { code, explanation, evidence: entry ids }. */
  @Property({ type: 'jsonb' })
  findings!: { code: RootCauseCode; explanation: string; evidence: string[] }[];

  /** Who is owed what: { ownerKind: PAYER | PATIENT | NONE, payerId, amount } adding up to the credit. */
  @Property({ type: 'jsonb' })
  ownerPortions!: { ownerKind: 'PAYER' | 'PATIENT' | 'NONE'; payerId: string | null; amount: string }[];

  @Enum({ items: () => Complexity, nullable: true })
  complexity?: Complexity | null;

  /** Which rule set slaDueAt. */
  @Property({ type: 'text', nullable: true })
  slaReason?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  classifiedAt?: Date | null;

  @Property({ type: 'integer' })
  deadlineSuspendedDays!: number;

  @Property({ type: 'text', nullable: true })
  suspensionReason?: string | null;

  @Property({ type: 'text', nullable: true })
  suspendedBy?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  suspendedAt?: Date | null;

  @Property({ type: 'uuid', nullable: true })
  worklistId?: string | null;

  @Property({ type: 'text', nullable: true })
  assignee?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  assignedAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  reviewStartedAt?: Date | null;

  /** The account's entry count when detection last looked: unchanged means nothing to recompute. */
  @Property({ type: 'integer', nullable: true })
  entriesSeen?: number | null;

  /** The detection run that last changed this credit. */
  @Property({ type: 'uuid', nullable: true })
  detectionRunId?: string | null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  updatedAt!: Date;
}
