import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import type { Decimal } from '../domain/money/money.js';
import { AgingBucket, PayerKind } from './enums.js';
import { DateTimeScalar } from './scalars/date.scalar.js';
import { DecimalScalar } from './scalars/decimal.scalar.js';

@ObjectType('AgingBucketKpi')
export class AgingBucketKpiType {
  @Field(() => AgingBucket)
  bucket!: AgingBucket;

  @Field(() => Int)
  count!: number;

  @Field(() => DecimalScalar)
  amount!: Decimal;
}

@ObjectType('CreditKpis')
export class CreditKpisType {
  @Field(() => DateTimeScalar)
  asOf!: Date;

  @Field(() => DecimalScalar, { description: 'Gross A/R: sum of the positive account balances.' })
  accountsReceivable!: Decimal;

  @Field(() => DecimalScalar, { description: 'Sum of open credit amounts (OPEN, IN_REVIEW, PENDING_APPROVAL).' })
  creditBalanceTotal!: Decimal;

  @Field(() => Float, { description: '100 × creditBalanceTotal ÷ accountsReceivable (0 when A/R is 0).' })
  creditPercentOfAr!: number;

  @Field(() => Int)
  openCredits!: number;

  @Field(() => Float, { description: 'Share (0..1) of open credits, by count, older than 90 days.' })
  over90Share!: number;

  @Field(() => Float, { description: 'The same share by amount.' })
  over90AmountShare!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Share (0..1) of credits resolved in the window that were resolved by slaDueAt; null if none.',
  })
  slaAdherence!: number | null;

  @Field(() => [AgingBucketKpiType])
  agingBuckets!: AgingBucketKpiType[];
}

@InputType('KpiFilter')
export class KpiFilter {
  @Field(() => DateTimeScalar, { nullable: true, description: 'Default now.' })
  asOf?: Date | null;

  @Field(() => [String], { nullable: true })
  payerCodes?: string[] | null;

  @Field(() => [PayerKind], { nullable: true })
  payerKinds?: PayerKind[] | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Window start for slaAdherence; default 90 days before asOf.' })
  since?: Date | null;
}
