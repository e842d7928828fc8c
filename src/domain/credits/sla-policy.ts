import { sql, type RawBuilder } from 'kysely';

/**
 * Deadline policy (foundation slice): high-value credits (≥ $1,000) are due within 10 days of
 * identification (seed 000's dollar tiers); every other credit within the refund payer's
 * `refundDeadlineDays`, or 60 days when the money is owed to the patient or no payer is known
 * (the 60-day report-and-return rule is the strictest common statutory clock). The earlier wins.
 */
export const HIGH_VALUE_THRESHOLD = '1000.00';
export const HIGH_VALUE_DAYS = 10;
export const DEFAULT_DEADLINE_DAYS = 60;

/** SQL for the due date: `identified`, `amount` and `payerDays` are column expressions. */
export function slaDueAtSql(
  identified: RawBuilder<unknown>,
  amount: RawBuilder<unknown>,
  payerDays: RawBuilder<unknown>,
): RawBuilder<Date> {
  return sql<Date>`${identified} + make_interval(days => least(
    coalesce(${payerDays}, ${sql.lit(DEFAULT_DEADLINE_DAYS)}),
    case when ${amount} >= ${sql.lit(HIGH_VALUE_THRESHOLD)}::numeric then ${sql.lit(HIGH_VALUE_DAYS)} else ${sql.lit(DEFAULT_DEADLINE_DAYS)} end))`;
}
