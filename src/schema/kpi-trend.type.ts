import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Decimal } from '../domain/money/money.js';
import { SnapshotGroupBy } from '../domain/kpis/kpi-snapshot.service.js';
import { TrendInterval } from '../domain/kpis/kpi-trend.service.js';
import { AgingBucketKpiType, KpiCoreType } from './kpi.type.js';
import { DateScalar, DateTimeScalar } from './scalars/date.scalar.js';
import { DecimalScalar } from './scalars/decimal.scalar.js';

registerEnumType(SnapshotGroupBy, { name: 'KpiTrendGroupBy', description: 'The groupings daily KPI snapshots are kept for.' });
registerEnumType(TrendInterval, { name: 'TrendInterval', description: 'DAY, WEEK (ISO, from Monday) or MONTH, in UTC.' });

@ObjectType('KpiTrendPoint', {
  implements: KpiCoreType,
  description: "One group's KPIs for one period: the period's last daily snapshot, with inflow and outflow summed over the period.",
})
export class KpiTrendPointType extends KpiCoreType {
  @Field(() => DateScalar, { description: 'First day of the period.' })
  period!: string;

  @Field(() => DateScalar, { description: 'The day whose snapshot stands for the period.' })
  snapshotDate!: string;

  @Field(() => DateTimeScalar, { description: 'The instant the snapshot describes: the end of snapshotDate (UTC), or when it was taken for today.' })
  asOf!: Date;

  @Field({ description: 'ALL without grouping; a payer code, payer kind or root cause; PATIENT where no payer is owed; UNDETECTED for days in credit that no detection run ever saw.' })
  key!: string;

  @Field(() => DecimalScalar, { nullable: true, description: "Gross A/R of the group's accounts (by primary payer); null for root causes." })
  accountsReceivable!: Decimal | null;

  @Field(() => Float, { nullable: true, description: '100 × creditBalanceTotal ÷ accountsReceivable (0 when A/R is 0; null for root causes).' })
  creditPercentOfAr!: number | null;

  @Field(() => Float)
  over90Share!: number;

  @Field(() => Float)
  over90AmountShare!: number;

  @Field(() => Int, { description: 'Credits resolved in the 90 days up to asOf.' })
  resolvedInWindow!: number;

  @Field(() => [AgingBucketKpiType])
  agingBuckets!: AgingBucketKpiType[];

  @Field(() => Int, { description: 'Detected credits that originated in the period (by the day their balance went negative).' })
  inflowCount!: number;

  @Field(() => DecimalScalar, { description: 'Their original amounts.' })
  inflowAmount!: Decimal;

  @Field(() => Int, { description: 'Credits resolved in the period.' })
  outflowCount!: number;

  @Field(() => DecimalScalar)
  outflowAmount!: Decimal;
}
