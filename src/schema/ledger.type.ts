import { MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { Decimal } from '../domain/money/money.js';
import { EntryKind } from './enums.js';
import { DateScalar, DateTimeScalar } from './scalars/date.scalar.js';
import { DecimalScalar } from './scalars/decimal.scalar.js';

@ObjectType('LedgerEntry')
export class LedgerEntryType {
  @Field(() => ID)
  id!: string;

  @Field()
  externalId!: string;

  @Field(() => EntryKind)
  kind!: EntryKind;

  @Field(() => DecimalScalar)
  amount!: Decimal;

  @Field(() => DateTimeScalar)
  postedAt!: Date;

  @Field(() => DateScalar, { nullable: true })
  serviceDate?: string | null;

  @Field(() => String, { nullable: true })
  claimNumber?: string | null;

  @Field(() => String, { nullable: true })
  reference?: string | null;

  @Field(() => String, { nullable: true })
  reasonCode?: string | null;
}

@InputType('LedgerEntryInput')
export class LedgerEntryInput {
  @Field({ description: 'Unique per tenant; the same content again is a no-op, other content a CONFLICT.' })
  @MaxLength(128)
  externalId!: string;

  @Field({ description: 'The account is created on first use.' })
  @MaxLength(64)
  accountNumber!: string;

  @Field()
  @MaxLength(64)
  patientId!: string;

  @Field(() => String, { nullable: true, description: 'Default: patientId.' })
  @MaxLength(64)
  guarantorId?: string | null;

  @Field(() => String, { nullable: true, description: 'Must name an existing payer; null: the patient / guarantor.' })
  payerCode?: string | null;

  @Field(() => EntryKind)
  kind!: EntryKind;

  @Field(() => DecimalScalar, {
    description:
      'Signed effect on the balance: a charge positive, a payment or contractual adjustment negative, a refund positive; a reversal carries the opposite sign.',
  })
  amount!: Decimal;

  @Field(() => DateTimeScalar)
  postedAt!: Date;

  @Field(() => DateScalar, { nullable: true })
  serviceDate?: string | null;

  @Field(() => String, { nullable: true, description: 'Payer claim control number (835 CLP07) when known.' })
  claimNumber?: string | null;

  @Field(() => String, { nullable: true, description: 'Check / EFT trace number when known.' })
  reference?: string | null;

  @Field(() => String, { nullable: true, description: 'CARC when known, e.g. "45", "18".' })
  reasonCode?: string | null;
}

@ObjectType('PostLedgerEntriesPayload')
export class PostLedgerEntriesPayload {
  @Field(() => Int)
  posted!: number;

  @Field(() => Int)
  skippedDuplicates!: number;
}
