import { sql, type RawBuilder } from 'kysely';
import type { Decimal } from '../money/money.js';
import { ageDaysSql } from '../credits/aging-bucket.js';
import { ACTIVE_CREDIT_STATUSES } from '../credits/credit-enums.js';
import { instant, money, text, textOrNull, type ReportDefinition } from './report.js';

export interface AgingByPatientParams {
  locations?: string[] | null;
}

export interface AgingByPatientRow {
  patientId: string;
  patientName: string | null;
  guarantorId: string;
  accountIds: string[];
  accounts: number;
  openCredits: number;
  creditTotal: Decimal;
  owedToPatient: Decimal;
  owedToPayers: Decimal;
  days0To30: Decimal;
  days31To60: Decimal;
  days61To90: Decimal;
  daysOver90: Decimal;
  oldestOriginatedAt: Date;
  balanceDue: Decimal;
}

const portion = (kind: 'PATIENT' | 'PAYER') =>
  sql`least(c.amount, coalesce((select sum((x->>'amount')::numeric) from jsonb_array_elements(c.owner_portions) x where x->>'ownerKind' = ${kind}), 0))`;

/**
 * Aging by patient (seed 004): per patient with an open credit, the credits by age bucket, who they
 * are owed to (the patient or payers, from the owner portions), and what the patient's other
 * accounts still owe (balance due), so a credit can be re-applied before it is refunded.
 */
export const agingByPatientReport: ReportDefinition<AgingByPatientParams, AgingByPatientRow> = {
  name: 'aging-by-patient',
  keyTypes: ['text', 'text'],
  query: (tenantId, p, asOf) => {
    const age = ageDaysSql(sql`c.originated_at`, asOf);
    const where: RawBuilder<unknown>[] = [sql`c.tenant_id = ${tenantId}`, sql`c.status = any(${[...ACTIVE_CREDIT_STATUSES]}::text[])`];
    if (p.locations?.length) where.push(sql`coalesce(a.location, 'UNKNOWN') = any(${p.locations}::text[])`);
    const bucket = (lo: number, hi: number | null) =>
      sql`coalesce(sum(c.amount) filter (where ${age} >= ${sql.lit(lo)} ${hi === null ? sql`` : sql`and ${age} <= ${sql.lit(hi)}`}), 0)::text`;
    return sql<Record<string, unknown>>`
      select g.*, g.patient_id as sort_key, g.patient_id as row_id,
             (select coalesce(sum(b.balance) filter (where b.balance > 0), 0)::text
                from account a2 join account_balance b on b.account_id = a2.id
               where a2.tenant_id = ${tenantId} and a2.patient_id = g.patient_id) as balance_due
        from (
          select a.patient_id, max(a.patient_name) as patient_name, min(a.guarantor_id) as guarantor_id,
                 array_agg(distinct a.id::text) as account_ids, count(distinct a.id)::integer as accounts,
                 count(*)::integer as open_credits, sum(c.amount)::text as credit_total,
                 sum(${portion('PATIENT')})::text as owed_to_patient, sum(${portion('PAYER')})::text as owed_to_payers,
                 ${bucket(0, 30)} as days_0_30, ${bucket(31, 60)} as days_31_60, ${bucket(61, 90)} as days_61_90,
                 ${bucket(91, null)} as days_over_90, min(c.originated_at) as oldest_originated_at
            from credit c join account a on a.id = c.account_id
           where ${sql.join(where, sql` and `)}
           group by a.patient_id
        ) g`;
  },
  fromDb: (r) => ({
    patientId: text(r.patient_id),
    patientName: textOrNull(r.patient_name),
    guarantorId: text(r.guarantor_id),
    accountIds: (r.account_ids as string[]) ?? [],
    accounts: Number(r.accounts),
    openCredits: Number(r.open_credits),
    creditTotal: money(r.credit_total),
    owedToPatient: money(r.owed_to_patient),
    owedToPayers: money(r.owed_to_payers),
    days0To30: money(r.days_0_30),
    days31To60: money(r.days_31_60),
    days61To90: money(r.days_61_90),
    daysOver90: money(r.days_over_90),
    oldestOriginatedAt: instant(r.oldest_originated_at),
    balanceDue: money(r.balance_due),
  }),
  columns: [
    { name: 'patientId', value: (r) => r.patientId, phi: true },
    { name: 'patientName', value: (r) => r.patientName, phi: true },
    { name: 'guarantorId', value: (r) => r.guarantorId, phi: true },
    { name: 'accounts', value: (r) => r.accounts },
    { name: 'openCredits', value: (r) => r.openCredits },
    { name: 'creditTotal', value: (r) => r.creditTotal },
    { name: 'owedToPatient', value: (r) => r.owedToPatient },
    { name: 'owedToPayers', value: (r) => r.owedToPayers },
    { name: 'days0To30', value: (r) => r.days0To30 },
    { name: 'days31To60', value: (r) => r.days31To60 },
    { name: 'days61To90', value: (r) => r.days61To90 },
    { name: 'daysOver90', value: (r) => r.daysOver90 },
    { name: 'oldestOriginatedAt', value: (r) => r.oldestOriginatedAt },
    { name: 'balanceDue', value: (r) => r.balanceDue },
  ],
  accountIds: (r) => r.accountIds,
};
