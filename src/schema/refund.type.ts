import { ArrayMaxSize, MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Decimal } from '../domain/money/money.js';
import { RefundReason, RefundStatus } from '../domain/refunds/refund-request.entity.js';
import { DateTimeScalar } from './scalars/date.scalar.js';
import { DecimalScalar } from './scalars/decimal.scalar.js';

registerEnumType(RefundStatus, { name: 'RefundStatus' });
registerEnumType(RefundReason, { name: 'RefundReason', description: 'Why money goes back; OTHER needs a reason in words.' });

@ObjectType('RefundRequest')
export class RefundRequestType {
  @Field(() => ID)
  id!: string;

  @Field(() => DecimalScalar)
  amount!: Decimal;

  @Field(() => RefundStatus)
  status!: RefundStatus;

  @Field()
  reason!: string;

  @Field(() => RefundReason)
  reasonCode!: RefundReason;

  @Field(() => [String], { description: 'Supporting notes and documents, by reference.' })
  documents!: string[];

  @Field()
  requestedBy!: string;

  @Field(() => String, { nullable: true })
  approvedBy?: string | null;

  @Field(() => String, { nullable: true, description: 'Set when the amount needed a second approval.' })
  secondApprovedBy?: string | null;

  @Field(() => String, { nullable: true })
  rejectionReason?: string | null;

  @Field(() => String, { nullable: true, description: 'Check number / EFT trace once ISSUED.' })
  reference?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  issuedAt?: Date | null;

  @Field(() => String, { nullable: true })
  voidReason?: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

@InputType('RequestRefundInput')
export class RequestRefundInput {
  @Field(() => ID)
  creditId!: string;

  @Field(() => DecimalScalar)
  amount!: Decimal;

  @Field({ description: 'Why; when it is a RefundReason code and reasonCode is omitted, it is taken as the code.' })
  @MaxLength(1000)
  reason!: string;

  @Field(() => RefundReason, { nullable: true })
  reasonCode?: RefundReason | null;

  @Field(() => [String], { nullable: true })
  @ArrayMaxSize(20)
  documents?: string[] | null;
}

@InputType('AutoAdjustInput')
export class AutoAdjustInput {
  @Field(() => DecimalScalar, { nullable: true, description: 'Default "100.00": credits strictly below it are eligible.' })
  maxAmount?: Decimal | null;

  @Field(() => Boolean, { nullable: true, description: 'Default false: report what would be adjusted, post nothing.' })
  dryRun?: boolean | null;

  @Field(() => String, { nullable: true })
  @MaxLength(128)
  idempotencyKey?: string | null;
}

@ObjectType('AuditEvent')
export class AuditEventType {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  seq!: number;

  @Field(() => DateTimeScalar)
  at!: Date;

  @Field()
  actor!: string;

  @Field()
  action!: string;

  @Field()
  subjectType!: string;

  @Field()
  subjectId!: string;

  @Field(() => String, { nullable: true, description: 'JSON of the state before.' })
  before?: string | null;

  @Field(() => String, { nullable: true, description: 'JSON of the state after.' })
  after?: string | null;

  @Field(() => String, { nullable: true })
  reason?: string | null;

  @Field()
  hash!: string;
}

@ObjectType('AuditChainVerification')
export class AuditChainVerificationType {
  @Field()
  valid!: boolean;

  @Field(() => Int)
  checked!: number;

  @Field(() => Int, { nullable: true, description: 'The first event whose link does not hold.' })
  brokenAtSeq?: number | null;

  @Field(() => String, { nullable: true })
  problem?: string | null;
}

@InputType('ReapplyPatientCreditInput')
export class ReapplyPatientCreditInput {
  @Field(() => ID)
  creditId!: string;

  @Field({ description: 'Another account of the same patient, or of another patient of the same guarantor.' })
  @MaxLength(64)
  targetAccountNumber!: string;

  @Field(() => DecimalScalar, { nullable: true, description: 'Default: as much as the credit and the target balance allow.' })
  amount?: Decimal | null;

  @Field(() => Boolean, { nullable: true, description: 'Required to apply to another patient of the guarantor (seed 004: named explicitly).' })
  allowOtherPatient?: boolean | null;

  @Field(() => String, { nullable: true, description: 'The same key again returns the original result and moves nothing.' })
  @MaxLength(100)
  idempotencyKey?: string | null;
}

@InputType('RunCreditReapplicationInput')
export class RunCreditReapplicationInput {
  @Field(() => Boolean, { nullable: true, description: 'Default false: report the moves, post nothing.' })
  dryRun?: boolean | null;

  @Field(() => String, { nullable: true })
  @MaxLength(128)
  idempotencyKey?: string | null;
}

@ObjectType('CreditTransferResult')
export class CreditTransferResultType {
  @Field(() => DecimalScalar, { description: 'What moved; the rest stays on the original account.' })
  moved!: Decimal;
}

@ObjectType('AdjustmentRequest', { description: 'An adjustment at or above the tenant threshold, waiting for (or decided by) an approver.' })
export class AdjustmentRequestType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  creditId!: string;

  @Field(() => DecimalScalar)
  amount!: Decimal;

  @Field()
  reason!: string;

  @Field({ description: 'REQUESTED, APPROVED or REJECTED.' })
  status!: string;

  @Field()
  requestedBy!: string;

  @Field(() => String, { nullable: true })
  approvedBy?: string | null;

  @Field(() => String, { nullable: true })
  rejectionReason?: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}
