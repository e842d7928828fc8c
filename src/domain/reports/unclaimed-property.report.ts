import { sql } from 'kysely';
import type { Decimal } from '../money/money.js';
import { ACTIVE_CREDIT_STATUSES } from '../credits/credit-enums.js';
import { instant, money, text, textOrNull, type ReportDefinition } from './report.js';

/**
 * Unclaimed property: a credit owed to the patient whose account has had no activity (no ledger
 * entry) for the dormancy period of its state (unclaimed_property_rule by account state, else the
 * tenant policy, default 3 years) is presumed abandoned. It is on the due-diligence list from then
 * (the letter to the owner is due), and escheatable once the letter period (default 60 days) is over.
 */
export enum UnclaimedStage {
  DUE_DILIGENCE = 'DUE_DILIGENCE',
  ESCHEATABLE = 'ESCHEATABLE',
}

export interface UnclaimedPropertyParams {
  /** Default both stages. */
  stage?: UnclaimedStage | null;
  states?: string[] | null;
}

export interface UnclaimedPropertyRow {
  creditId: string;
  accountId: string;
  accountNumber: string;
  location: string | null;
  state: string | null;
  patientId: string;
  patientName: string | null;
  guarantorName: string | null;
  amount: Decimal;
  lastActivityAt: Date;
  dormantAt: Date;
  letterDueAt: Date;
  reportableAt: Date;
  stage: UnclaimedStage;
}

/** The dormancy dates of the tenant's active patient-owed credits, in SQL (`u.*` columns). */
export function dormancySql(tenantId: string) {
  return sql<Record<string, unknown>>`
    select c.id as credit_id, c.account_id, c.amount, c.originated_at, b.last_posted_at as last_activity_at,
           b.last_posted_at + make_interval(years => coalesce(r.dormancy_years, tp.dormancy_years, 3)) as dormant_at,
           b.last_posted_at + make_interval(years => coalesce(r.dormancy_years, tp.dormancy_years, 3),
                                            days => coalesce(r.due_diligence_days, tp.due_diligence_days, 60)) as reportable_at
      from credit c
      join account a on a.id = c.account_id
      join account_balance b on b.account_id = c.account_id
      left join tenant_policy tp on tp.tenant_id = c.tenant_id
      left join unclaimed_property_rule r on r.tenant_id = c.tenant_id and r.state = a.state
     where c.tenant_id = ${tenantId} and c.status = any(${[...ACTIVE_CREDIT_STATUSES]}::text[])
       and c.refund_payer_id is null and c.owner_portions @> '[{"ownerKind": "PATIENT"}]'::jsonb`;
}

export const unclaimedPropertyReport: ReportDefinition<UnclaimedPropertyParams, UnclaimedPropertyRow> = {
  name: 'unclaimed-property',
  keyTypes: ['timestamptz', 'uuid'],
  query: (tenantId, p, asOf) => {
    const at = asOf.toISOString();
    const stage = sql`case when u.reportable_at <= ${at}::timestamptz then 'ESCHEATABLE' else 'DUE_DILIGENCE' end`;
    return sql<Record<string, unknown>>`
      select * from (
        select u.dormant_at as sort_key, u.credit_id as row_id, u.credit_id::text as credit_id, a.id::text as account_id, a.account_number,
               a.location, a.state, a.patient_id, a.patient_name, a.guarantor_name, u.amount::text as amount, u.last_activity_at,
               u.dormant_at, u.reportable_at, ${stage} as stage
          from (${dormancySql(tenantId)}) u
          join account a on a.id = u.account_id
         where u.dormant_at <= ${at}::timestamptz
           ${p.states?.length ? sql`and a.state = any(${p.states}::text[])` : sql``}
      ) s
      ${p.stage ? sql`where s.stage = ${p.stage}` : sql``}`;
  },
  fromDb: (r) => ({
    creditId: text(r.credit_id),
    accountId: text(r.account_id),
    accountNumber: text(r.account_number),
    location: textOrNull(r.location),
    state: textOrNull(r.state),
    patientId: text(r.patient_id),
    patientName: textOrNull(r.patient_name),
    guarantorName: textOrNull(r.guarantor_name),
    amount: money(r.amount),
    lastActivityAt: instant(r.last_activity_at),
    dormantAt: instant(r.dormant_at),
    letterDueAt: instant(r.dormant_at),
    reportableAt: instant(r.reportable_at),
    stage: text(r.stage) as UnclaimedStage,
  }),
  columns: [
    { name: 'creditId', value: (r) => r.creditId },
    { name: 'accountNumber', value: (r) => r.accountNumber },
    { name: 'location', value: (r) => r.location },
    { name: 'state', value: (r) => r.state },
    { name: 'patientId', value: (r) => r.patientId, phi: true },
    { name: 'patientName', value: (r) => r.patientName, phi: true },
    { name: 'guarantorName', value: (r) => r.guarantorName, phi: true },
    { name: 'amount', value: (r) => r.amount },
    { name: 'lastActivityAt', value: (r) => r.lastActivityAt },
    { name: 'dormantAt', value: (r) => r.dormantAt },
    { name: 'letterDueAt', value: (r) => r.letterDueAt },
    { name: 'reportableAt', value: (r) => r.reportableAt },
    { name: 'stage', value: (r) => r.stage },
  ],
  accountIds: (r) => [r.accountId],
};
