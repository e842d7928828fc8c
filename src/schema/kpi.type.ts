import { Field, Float, ID, InputType, Int, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';
import type { Decimal } from '../domain/money/money.js';
import { AgingBucket, PayerKind, ResolutionKind, RootCauseCode } from './enums.js';
import { KpiGroupBy } from '../domain/kpis/grouped-kpis.service.js';

registerEnumType(KpiGroupBy, { name: 'KpiGroupBy' });
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

@ObjectType('TurnaroundHours', { description: 'Identification to resolution, for credits resolved in the window.' })
export class TurnaroundHoursType {
  @Field(() => Float, { nullable: true })
  mean!: number | null;

  @Field(() => Float, { nullable: true })
  median!: number | null;

  @Field(() => Float, { nullable: true })
  p90!: number | null;
}

@ObjectType('ResolutionCount')
export class ResolutionCountType {
  @Field(() => ResolutionKind)
  resolution!: ResolutionKind;

  @Field(() => Int)
  count!: number;

  @Field(() => DecimalScalar, { description: 'Original amounts of the credits resolved this way.' })
  amount!: Decimal;
}

/** The fields `KpiGroup` and `KpiTrendPoint` share, as src/domain/kpis/kpi-core.ts defines them. */
@InterfaceType('KpiCore', { description: 'The KPIs every grouped view shares: live (kpis) and from snapshots (kpiTrend).' })
export abstract class KpiCoreType {
  @Field(() => Int)
  openCredits!: number;

  @Field(() => DecimalScalar)
  creditBalanceTotal!: Decimal;

  @Field(() => Int)
  over90Count!: number;

  @Field(() => DecimalScalar)
  over90Amount!: Decimal;

  @Field(() => Int, { description: 'Open credits past slaDueAt at asOf.' })
  pastDueCount!: number;

  @Field(() => DecimalScalar)
  pastDueAmount!: Decimal;

  @Field(() => Int)
  resolvedOnTime!: number;

  @Field(() => Float, { nullable: true })
  slaAdherence!: number | null;

  @Field(() => TurnaroundHoursType)
  turnaroundHours!: TurnaroundHoursType;
}

@ObjectType('KpiGroup', { implements: KpiCoreType, description: 'The reporting KPIs of one group (README "KPIs" defines each).' })
export class KpiGroupType extends KpiCoreType {
  @Field({ description: 'The group: a payer code, payer kind, root cause, worklist name, aging bucket, dollar tier or location (UNKNOWN: none recorded); PATIENT where no payer is owed; ALL without grouping.' })
  key!: string;

  @Field(() => Int)
  resolvedInWindow!: number;

  @Field(() => [ResolutionCountType])
  resolutionMix!: ResolutionCountType[];

  @Field(() => Float, { nullable: true, description: 'AUTO_ADJUSTMENT ÷ credits resolved in the window.' })
  autoResolutionRate!: number | null;

  @Field(() => Int, { description: 'Backlog inflow: credits identified in the window (outflow: resolvedInWindow).' })
  inflowCount!: number;

  @Field(() => DecimalScalar)
  inflowAmount!: Decimal;

  @Field(() => Float, { nullable: true, description: 'Refund requests approved ÷ decided in the window.' })
  refundApprovalRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Credits resolved in the window whose resolution was later undone (reopened, or refund voided) ÷ resolved.' })
  errorRate!: number | null;
}

@InputType('KpiQueryFilter')
export class KpiQueryFilter {
  @Field(() => DateTimeScalar, { nullable: true, description: 'Default now.' })
  asOf?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Window start; default 90 days before asOf.' })
  since?: Date | null;

  @Field(() => [String], { nullable: true })
  payerCodes?: string[] | null;

  @Field(() => [PayerKind], { nullable: true })
  payerKinds?: PayerKind[] | null;

  @Field(() => [RootCauseCode], { nullable: true })
  rootCauses?: RootCauseCode[] | null;

  @Field(() => [ID], { nullable: true })
  worklistIds?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Account locations (facility codes); UNKNOWN: accounts without one.' })
  locations?: string[] | null;
}
