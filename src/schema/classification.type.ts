import { Field, Int, ObjectType } from 'type-graphql';
import type { Decimal } from '../domain/money/money.js';
import { OwnerKind, RootCauseCode } from './enums.js';
import { DateTimeScalar } from './scalars/date.scalar.js';
import { DecimalScalar } from './scalars/decimal.scalar.js';

@ObjectType('Finding', { description: 'A rule that explains (part of) a credit, with the entries that prove it.' })
export class FindingType {
  @Field(() => RootCauseCode)
  code!: RootCauseCode;

  @Field()
  explanation!: string;
}

@ObjectType('OwnerPortion', { description: 'Who is owed what; the portions of a credit add up to its amount.' })
export class OwnerPortionType {
  @Field(() => OwnerKind)
  ownerKind!: OwnerKind;

  @Field(() => DecimalScalar)
  amount!: Decimal;
}

@ObjectType('RootCauseSummary')
export class RootCauseSummaryType {
  @Field(() => RootCauseCode)
  code!: RootCauseCode;

  @Field()
  label!: string;

  @Field()
  description!: string;

  @Field(() => Int)
  openCount!: number;

  @Field(() => DecimalScalar)
  openAmount!: Decimal;
}

@ObjectType('DeadlineSuspension', { description: 'A Medicare/Medicaid refund clock suspended for a documented investigation.' })
export class DeadlineSuspensionType {
  @Field(() => Int)
  days!: number;

  @Field()
  reason!: string;

  @Field()
  suspendedBy!: string;

  @Field(() => DateTimeScalar)
  suspendedAt!: Date;
}
