import { sql, type RawBuilder } from 'kysely';

/** Age = whole days since the balance went negative (originatedAt), relative to an as-of instant. */
export enum AgingBucket {
  DAYS_0_30 = 'DAYS_0_30',
  DAYS_31_60 = 'DAYS_31_60',
  DAYS_61_90 = 'DAYS_61_90',
  DAYS_OVER_90 = 'DAYS_OVER_90',
}

const DAY_MS = 86_400_000;

/** Inclusive day ranges; the last bucket is open-ended. */
export const AGING_BUCKETS: readonly { bucket: AgingBucket; minDays: number; maxDays: number | null }[] = [
  { bucket: AgingBucket.DAYS_0_30, minDays: 0, maxDays: 30 },
  { bucket: AgingBucket.DAYS_31_60, minDays: 31, maxDays: 60 },
  { bucket: AgingBucket.DAYS_61_90, minDays: 61, maxDays: 90 },
  { bucket: AgingBucket.DAYS_OVER_90, minDays: 91, maxDays: null },
];

export function ageDays(originatedAt: Date, asOf: Date): number {
  return Math.max(0, Math.floor((asOf.getTime() - originatedAt.getTime()) / DAY_MS));
}

export function agingBucket(days: number): AgingBucket {
  for (const b of AGING_BUCKETS) if (b.maxDays === null || days <= b.maxDays) return b.bucket;
  return AgingBucket.DAYS_OVER_90;
}

/**
 * The originatedAt interval of a bucket at `asOf`: age ≥ min ⟺ originatedAt ≤ asOf − min days,
 * age ≤ max ⟺ originatedAt > asOf − (max + 1) days. Lets filters use the originated_at index.
 */
export function originatedRange(bucket: AgingBucket, asOf: Date): { after?: Date; atOrBefore?: Date } {
  const b = AGING_BUCKETS.find((x) => x.bucket === bucket)!;
  const range: { after?: Date; atOrBefore?: Date } = {};
  if (b.minDays > 0) range.atOrBefore = new Date(asOf.getTime() - b.minDays * DAY_MS);
  if (b.maxDays !== null) range.after = new Date(asOf.getTime() - (b.maxDays + 1) * DAY_MS);
  return range;
}

/** The same rule in SQL, for aggregates: `originated` is a timestamptz column expression. */
export function ageDaysSql(originated: RawBuilder<unknown>, asOf: Date): RawBuilder<number> {
  return ageDaysAtSql(originated, sql`${asOf.toISOString()}::timestamptz`);
}

/** The same rule against an as-of column expression (e.g. one snapshot day per row). */
export function ageDaysAtSql(originated: RawBuilder<unknown>, asOf: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`greatest(0, floor(extract(epoch from (${asOf} - ${originated})) / 86400))::integer`;
}

export function agingBucketSql(ageDaysExpr: RawBuilder<number>): RawBuilder<AgingBucket> {
  const whens = AGING_BUCKETS.filter((b) => b.maxDays !== null).map(
    (b) => sql`when ${ageDaysExpr} <= ${sql.lit(b.maxDays)} then ${sql.lit(b.bucket)}`,
  );
  return sql<AgingBucket>`(case ${sql.join(whens, sql` `)} else ${sql.lit(AgingBucket.DAYS_OVER_90)} end)`;
}
