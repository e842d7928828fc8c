import { sql, type RawBuilder } from 'kysely';
import type { Decimal } from '../money/money.js';

/** Seed 000's dollar tiers: under $100 batch-eligible, $100-$999.99 standard, $1,000+ expedited. */
export enum DollarTier {
  UNDER_100 = 'UNDER_100',
  FROM_100_TO_999 = 'FROM_100_TO_999',
  AT_LEAST_1000 = 'AT_LEAST_1000',
}

export function dollarTier(amount: Decimal): DollarTier {
  if (amount.lt(100)) return DollarTier.UNDER_100;
  if (amount.lt(1000)) return DollarTier.FROM_100_TO_999;
  return DollarTier.AT_LEAST_1000;
}

/** The same rule in SQL over an amount column expression. */
export function dollarTierSql(amount: RawBuilder<unknown>): RawBuilder<DollarTier> {
  return sql<DollarTier>`(case when ${amount} < 100 then ${sql.lit(DollarTier.UNDER_100)} when ${amount} < 1000 then ${sql.lit(DollarTier.FROM_100_TO_999)} else ${sql.lit(DollarTier.AT_LEAST_1000)} end)`;
}
