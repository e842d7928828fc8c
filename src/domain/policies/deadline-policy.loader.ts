import { sql } from 'kysely';
import type { SqlRunner } from '../../infra/db/sql-runner.js';
import { Decimal } from '../money/money.js';
import { DEFAULT_DEADLINE_POLICY, type DeadlinePolicy } from '../credits/deadline-policy.js';

/** The tenant's deadline policy, or the defaults when it has none. */
export async function loadDeadlinePolicy(db: SqlRunner, tenantId: string): Promise<DeadlinePolicy> {
  const row = await db.one<{
    high_value_threshold: string;
    high_value_days: number;
    patient_refund_days: number;
    low_complexity_days: number;
    medium_complexity_days: number;
    high_complexity_days: number;
    max_suspension_days: number;
  }>(sql`select * from tenant_policy where tenant_id = ${tenantId}`);
  if (!row) return DEFAULT_DEADLINE_POLICY;
  return {
    highValueThreshold: new Decimal(row.high_value_threshold),
    highValueDays: row.high_value_days,
    patientRefundDays: row.patient_refund_days,
    complexityDays: { LOW: row.low_complexity_days, MEDIUM: row.medium_complexity_days, HIGH: row.high_complexity_days },
    maxSuspensionDays: row.max_suspension_days,
  };
}
