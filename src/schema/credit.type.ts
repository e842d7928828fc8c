import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { Decimal } from '../domain/money/money.js';
import { AgingBucket, Complexity, CreditStatus, ResolutionKind, RootCauseCode } from './enums.js';
import { DateTimeScalar } from './scalars/date.scalar.js';
import { DecimalScalar } from './scalars/decimal.scalar.js';

@ObjectType('Credit')
export class CreditType {
  @Field(() => ID)
  id!: string;

  @Field(() => DecimalScalar, { description: 'Positive magnitude of the credit balance still open (0 once resolved).' })
  amount!: Decimal;

  @Field(() => DecimalScalar, { description: 'The magnitude when detection first found it.' })
  originalAmount!: Decimal;

  @Field(() => CreditStatus)
  status!: CreditStatus;

  @Field(() => RootCauseCode)
  rootCause!: RootCauseCode;

  @Field(() => DateTimeScalar, { description: 'When the balance went (and stayed) negative.' })
  originatedAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When detection found it.' })
  identifiedAt!: Date;

  @Field(() => DateTimeScalar)
  slaDueAt!: Date;

  @Field(() => ResolutionKind, { nullable: true, description: 'Set once RESOLVED.' })
  resolution?: ResolutionKind | null;

  @Field(() => DateTimeScalar, { nullable: true })
  resolvedAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'Why the credit exists, in one line; null until classified.' })
  rootCauseExplanation?: string | null;

  @Field(() => Complexity, { nullable: true })
  complexity?: Complexity | null;

  @Field(() => String, { nullable: true, description: 'Which rule set slaDueAt.' })
  slaReason?: string | null;

  @Field(() => String, { nullable: true })
  assignee?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  assignedAt?: Date | null;
}

@ObjectType('PageInfo')
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType('CreditEdge')
export class CreditEdge {
  @Field()
  cursor!: string;

  @Field(() => CreditType)
  node!: CreditType;
}

@ObjectType('CreditConnection')
export class CreditConnection {
  @Field(() => [CreditEdge])
  edges!: CreditEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}

@InputType('CreditFilter')
export class CreditFilter {
  @Field(() => [CreditStatus], { nullable: true })
  statuses?: CreditStatus[] | null;

  @Field(() => [RootCauseCode], { nullable: true })
  rootCauses?: RootCauseCode[] | null;

  @Field(() => [String], { nullable: true, description: 'Refund payer codes.' })
  payerCodes?: string[] | null;

  @Field(() => [AgingBucket], { nullable: true })
  agingBuckets?: AgingBucket[] | null;

  @Field(() => DecimalScalar, { nullable: true })
  minAmount?: Decimal | null;

  @Field(() => DecimalScalar, { nullable: true })
  maxAmount?: Decimal | null;

  @Field(() => String, { nullable: true })
  accountNumber?: string | null;
}
