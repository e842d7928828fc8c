import { sql, type RawBuilder } from 'kysely';
import type { Decimal } from '../money/money.js';
import { ageDaysSql, agingBucketSql } from '../credits/aging-bucket.js';
import { ACTIVE_CREDIT_STATUSES } from '../credits/credit-enums.js';
import { instant, money, text, textOrNull, type ReportDefinition } from './report.js';

export interface CreditReportParams {
  statuses?: string[] | null;
  payerCodes?: string[] | null;
  payerKinds?: string[] | null;
  rootCauses?: string[] | null;
  /** Account locations; UNKNOWN matches accounts without one. */
  locations?: string[] | null;
  minAmount?: Decimal | null;
}

export interface CreditBalanceRow {
  creditId: string;
  accountId: string;
  accountNumber: string;
  location: string | null;
  patientId: string;
  patientName: string | null;
  payerCode: string | null;
  payerKind: string | null;
  rootCause: string;
  status: string;
  amount: Decimal;
  originalAmount: Decimal;
  originatedAt: Date;
  identifiedAt: Date;
  ageDays: number;
  agingBucket: string;
  slaDueAt: Date;
  overdue: boolean;
  worklist: string | null;
  assignee: string | null;
}

/** The filters shared by the credit-level reports (credit balance, worklist export). */
export function creditFilters(tenantId: string, p: CreditReportParams): RawBuilder<unknown> {
  const statuses = p.statuses?.length ? p.statuses : [...ACTIVE_CREDIT_STATUSES];
  const where: RawBuilder<unknown>[] = [sql`c.tenant_id = ${tenantId}`, sql`c.status = any(${statuses}::text[])`];
  if (p.payerCodes?.length) where.push(sql`p.code = any(${p.payerCodes}::text[])`);
  if (p.payerKinds?.length) where.push(sql`p.kind = any(${p.payerKinds}::text[])`);
  if (p.rootCauses?.length) where.push(sql`c.root_cause = any(${p.rootCauses}::text[])`);
  if (p.locations?.length) where.push(sql`coalesce(a.location, 'UNKNOWN') = any(${p.locations}::text[])`);
  if (p.minAmount) where.push(sql`c.amount >= ${p.minAmount.toFixed(2)}::numeric`);
  return sql.join(where, sql` and `);
}

/** Credit balance report: every credit of the filter (default: the open ones), oldest first. */
export const creditBalanceReport: ReportDefinition<CreditReportParams, CreditBalanceRow> = {
  name: 'credit-balance',
  keyTypes: ['timestamptz', 'uuid'],
  query: (tenantId, p, asOf) => {
    const age = ageDaysSql(sql`c.originated_at`, asOf);
    return sql<Record<string, unknown>>`
      select c.originated_at as sort_key, c.id as row_id, c.id::text as credit_id, a.id::text as account_id, a.account_number,
             a.location, a.patient_id, a.patient_name, p.code as payer_code, p.kind as payer_kind, c.root_cause, c.status,
             c.amount::text as amount, c.original_amount::text as original_amount, c.originated_at, c.identified_at,
             ${age} as age_days, ${agingBucketSql(age)} as aging_bucket, c.sla_due_at,
             (c.status = any(${[...ACTIVE_CREDIT_STATUSES]}::text[]) and c.sla_due_at < ${asOf.toISOString()}::timestamptz) as overdue,
             w.name as worklist, c.assignee
        from credit c
        join account a on a.id = c.account_id
        left join payer p on p.id = c.refund_payer_id
        left join worklist w on w.id = c.worklist_id
       where ${creditFilters(tenantId, p)}`;
  },
  fromDb: (r) => ({
    creditId: text(r.credit_id),
    accountId: text(r.account_id),
    accountNumber: text(r.account_number),
    location: textOrNull(r.location),
    patientId: text(r.patient_id),
    patientName: textOrNull(r.patient_name),
    payerCode: textOrNull(r.payer_code),
    payerKind: textOrNull(r.payer_kind),
    rootCause: text(r.root_cause),
    status: text(r.status),
    amount: money(r.amount),
    originalAmount: money(r.original_amount),
    originatedAt: instant(r.originated_at),
    identifiedAt: instant(r.identified_at),
    ageDays: Number(r.age_days),
    agingBucket: text(r.aging_bucket),
    slaDueAt: instant(r.sla_due_at),
    overdue: Boolean(r.overdue),
    worklist: textOrNull(r.worklist),
    assignee: textOrNull(r.assignee),
  }),
  columns: [
    { name: 'creditId', value: (r) => r.creditId },
    { name: 'accountNumber', value: (r) => r.accountNumber },
    { name: 'location', value: (r) => r.location },
    { name: 'patientId', value: (r) => r.patientId, phi: true },
    { name: 'patientName', value: (r) => r.patientName, phi: true },
    { name: 'payerCode', value: (r) => r.payerCode },
    { name: 'payerKind', value: (r) => r.payerKind },
    { name: 'rootCause', value: (r) => r.rootCause },
    { name: 'status', value: (r) => r.status },
    { name: 'amount', value: (r) => r.amount },
    { name: 'originalAmount', value: (r) => r.originalAmount },
    { name: 'originatedAt', value: (r) => r.originatedAt },
    { name: 'identifiedAt', value: (r) => r.identifiedAt },
    { name: 'ageDays', value: (r) => r.ageDays },
    { name: 'agingBucket', value: (r) => r.agingBucket },
    { name: 'slaDueAt', value: (r) => r.slaDueAt },
    { name: 'overdue', value: (r) => r.overdue },
    { name: 'worklist', value: (r) => r.worklist },
    { name: 'assignee', value: (r) => r.assignee },
  ],
  accountIds: (r) => [r.accountId],
};
