import { ArrayMaxSize, MaxLength } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { Decimal } from '../domain/money/money.js';
import { AgingBucket, Complexity, DollarTier, PayerKind, RootCauseCode } from './enums.js';
import { DecimalScalar } from './scalars/decimal.scalar.js';

@ObjectType('Worklist', { description: 'A queue of open credits defined by criteria; an empty criterion matches everything.' })
export class WorklistType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => Int, { description: 'Lower goes first: a credit lands in the first worklist it matches.' })
  priority!: number;

  @Field(() => [String], { nullable: true })
  payerCodes?: string[] | null;

  @Field(() => [PayerKind], { nullable: true })
  payerKinds?: PayerKind[] | null;

  @Field(() => [AgingBucket], { nullable: true })
  agingBuckets?: AgingBucket[] | null;

  @Field(() => [DollarTier], { nullable: true })
  dollarTiers?: DollarTier[] | null;

  @Field(() => [Complexity], { nullable: true })
  complexities?: Complexity[] | null;

  @Field(() => [RootCauseCode], { nullable: true })
  rootCauses?: RootCauseCode[] | null;

  @Field({ description: 'The catch-all: matches every credit no other worklist takes.' })
  isDefault!: boolean;

  @Field(() => Int)
  openCount!: number;

  @Field(() => DecimalScalar)
  openAmount!: Decimal;
}

@InputType('WorklistInput')
export class WorklistInput {
  @Field()
  @MaxLength(120)
  name!: string;

  @Field(() => Int)
  priority!: number;

  @Field(() => [String], { nullable: true })
  @ArrayMaxSize(100)
  payerCodes?: string[] | null;

  @Field(() => [PayerKind], { nullable: true })
  payerKinds?: PayerKind[] | null;

  @Field(() => [AgingBucket], { nullable: true })
  agingBuckets?: AgingBucket[] | null;

  @Field(() => [DollarTier], { nullable: true })
  dollarTiers?: DollarTier[] | null;

  @Field(() => [Complexity], { nullable: true })
  complexities?: Complexity[] | null;

  @Field(() => [RootCauseCode], { nullable: true })
  rootCauses?: RootCauseCode[] | null;
}
