import { sql, type RawBuilder } from 'kysely';
import { BadInputError } from '../errors.js';
import type { Decimal } from '../money/money.js';
import { ACTIVE_CREDIT_STATUSES } from '../credits/credit-enums.js';
import { instant, instantOrNull, money, text, textOrNull, type ReportDefinition } from './report.js';

/**
 * Form CMS-838 (Medicare Credit Balance Report), detail page: one line per Medicare credit. The
 * columns follow the CMS instructions: cost report O (open: no NPR yet) or C (closed); the amount
 * repaid and its method — C a check, A a claim adjustment submitted with this report, X an
 * adjustment bill already submitted —; the outstanding amount (credit − repaid); the reason 1
 * duplicate Medicare payment, 2 another insurer was primary, 3 other (with an explanation).
 */
export interface MedicareReportParams {
  /** `2026Q3`. */
  quarter: string;
  /** Facilities (account locations) of the provider number the report is for; default all. */
  locations?: string[] | null;
}

export interface Quarter {
  /** First instant of the quarter. */
  start: Date;
  /** First instant after it. */
  end: Date;
  /** The quarter's last day, `YYYY-MM-DD` (the form's "quarter ended"). */
  lastDay: string;
}

export function parseQuarter(value: string, field = 'quarter'): Quarter {
  const m = /^(\d{4})Q([1-4])$/.exec(value);
  if (!m) throw new BadInputError(field, 'must be a calendar quarter such as 2026Q3');
  const year = Number(m[1]);
  const q = Number(m[2]);
  const start = new Date(Date.UTC(year, (q - 1) * 3, 1));
  const end = new Date(Date.UTC(year, q * 3, 1));
  return { start, end, lastDay: new Date(end.getTime() - 86_400_000).toISOString().slice(0, 10) };
}

export enum RepaymentMethod {
  CHECK = 'C',
  ADJUSTMENT = 'A',
  ADJUSTMENT_SUBMITTED = 'X',
}

export enum DeadlineStatus {
  /** Open, within 60 days of identification (plus any documented suspension). */
  OPEN_WITHIN_DEADLINE = 'OPEN_WITHIN_DEADLINE',
  OPEN_PAST_DEADLINE = 'OPEN_PAST_DEADLINE',
  REPAID_ON_TIME = 'REPAID_ON_TIME',
  REPAID_LATE = 'REPAID_LATE',
}

export interface MedicareCreditRow {
  creditId: string;
  accountId: string;
  accountNumber: string;
  location: string | null;
  beneficiaryName: string | null;
  medicareId: string | null;
  claimNumber: string | null;
  typeOfBill: string | null;
  admissionDate: string | null;
  dischargeDate: string | null;
  icn: string | null;
  costReport: 'O' | 'C';
  creditAmount: Decimal;
  amountRepaid: Decimal;
  method: RepaymentMethod | null;
  outstanding: Decimal;
  reason: 1 | 2 | 3;
  explanation: string | null;
  payerCode: string;
  identifiedAt: Date;
  repaymentDueAt: Date;
  repaidAt: Date | null;
  deadlineStatus: DeadlineStatus;
}

export const medicareCreditBalanceReport: ReportDefinition<MedicareReportParams, MedicareCreditRow> = {
  name: 'medicare-credit-balance',
  keyTypes: ['timestamptz', 'uuid'],
  query: (tenantId, p, asOf) => {
    const quarter = parseQuarter(p.quarter);
    const end = quarter.end.toISOString();
    const where: RawBuilder<unknown>[] = [
      sql`c.tenant_id = ${tenantId}`,
      sql`p.kind = 'MEDICARE'`,
      sql`c.identified_at < ${end}::timestamptz`,
      sql`(c.resolved_at is null or c.resolved_at >= ${quarter.start.toISOString()}::timestamptz)`,
    ];
    if (p.locations?.length) where.push(sql`coalesce(a.location, 'UNKNOWN') = any(${p.locations}::text[])`);
    const active = sql`c.status = any(${[...ACTIVE_CREDIT_STATUSES]}::text[])`;
    return sql<Record<string, unknown>>`
      select x.*, x.credit_amount - x.repaid as outstanding,
             case when x.is_open then case when ${asOf.toISOString()}::timestamptz <= x.repayment_due_at then 'OPEN_WITHIN_DEADLINE' else 'OPEN_PAST_DEADLINE' end
                  when x.resolved_at <= x.repayment_due_at then 'REPAID_ON_TIME' else 'REPAID_LATE' end as deadline_status,
             case when x.repaid = 0 then null
                  when x.resolution = 'REFUND' or x.refund_issued then 'C'
                  when x.resolved_at < ${end}::timestamptz then 'X'
                  else 'A' end as method
        from (
          select c.originated_at as sort_key, c.id as row_id, c.id::text as credit_id, a.id::text as account_id, a.account_number,
                 a.location, a.patient_name, a.payer_member_id, cl.claim_number, cl.type_of_bill,
                 to_char(cl.admission_date, 'YYYY-MM-DD') as admission_date, to_char(cl.discharge_date, 'YYYY-MM-DD') as discharge_date, cl.icn,
                 case when tp.cost_report_closed_through is not null
                       and coalesce(cl.discharge_date, cl.admission_date, c.originated_at::date) <= tp.cost_report_closed_through
                      then 'C' else 'O' end as cost_report,
                 c.original_amount as credit_amount,
                 case when ${active} then c.original_amount - c.amount else c.original_amount end as repaid,
                 c.resolution, c.resolved_at,
                 exists (select 1 from refund_request r where r.credit_id = c.id and r.status = 'ISSUED') as refund_issued,
                 case c.root_cause when 'DUPLICATE_PAYMENT' then 1 when 'COB_ERROR' then 2 else 3 end as reason,
                 c.root_cause_explanation as explanation, p.code as payer_code, c.identified_at,
                 c.identified_at + make_interval(days => 60 + c.deadline_suspended_days) as repayment_due_at,
                 ${active} as is_open
            from credit c
            join account a on a.id = c.account_id
            join payer p on p.id = c.refund_payer_id
            left join tenant_policy tp on tp.tenant_id = c.tenant_id
            -- CMS: for a duplicate payment, the most recently paid claim; in general the payer's last payment's claim.
            left join lateral (
              select cl.* from ledger_entry e join claim cl on cl.tenant_id = e.tenant_id and cl.claim_number = e.claim_number
               where e.account_id = c.account_id and e.payer_id = c.refund_payer_id and e.kind = 'PAYMENT' and e.posted_at < ${end}::timestamptz
               order by e.posted_at desc, e.id desc limit 1
            ) cl on true
           where ${sql.join(where, sql` and `)}
        ) x`;
  },
  fromDb: (r) => ({
    creditId: text(r.credit_id),
    accountId: text(r.account_id),
    accountNumber: text(r.account_number),
    location: textOrNull(r.location),
    beneficiaryName: textOrNull(r.patient_name),
    medicareId: textOrNull(r.payer_member_id),
    claimNumber: textOrNull(r.claim_number),
    typeOfBill: textOrNull(r.type_of_bill),
    admissionDate: textOrNull(r.admission_date),
    dischargeDate: textOrNull(r.discharge_date),
    icn: textOrNull(r.icn),
    costReport: r.cost_report === 'C' ? 'C' : 'O',
    creditAmount: money(r.credit_amount),
    amountRepaid: money(r.repaid),
    method: (r.method as RepaymentMethod | null) ?? null,
    outstanding: money(r.outstanding),
    reason: Number(r.reason) as 1 | 2 | 3,
    explanation: textOrNull(r.explanation),
    payerCode: text(r.payer_code),
    identifiedAt: instant(r.identified_at),
    repaymentDueAt: instant(r.repayment_due_at),
    repaidAt: r.is_open ? null : instantOrNull(r.resolved_at),
    deadlineStatus: text(r.deadline_status) as DeadlineStatus,
  }),
  columns: [
    { name: 'creditId', value: (r) => r.creditId },
    { name: 'accountNumber', value: (r) => r.accountNumber },
    { name: 'location', value: (r) => r.location },
    { name: 'beneficiaryName', value: (r) => r.beneficiaryName, phi: true },
    { name: 'medicareId', value: (r) => r.medicareId, phi: true },
    { name: 'typeOfBill', value: (r) => r.typeOfBill },
    { name: 'admissionDate', value: (r) => r.admissionDate, phi: true },
    { name: 'dischargeDate', value: (r) => r.dischargeDate, phi: true },
    { name: 'icn', value: (r) => r.icn },
    { name: 'costReport', value: (r) => r.costReport },
    { name: 'creditAmount', value: (r) => r.creditAmount },
    { name: 'amountRepaid', value: (r) => r.amountRepaid },
    { name: 'method', value: (r) => r.method },
    { name: 'outstanding', value: (r) => r.outstanding },
    { name: 'reason', value: (r) => r.reason },
    { name: 'explanation', value: (r) => r.explanation },
    { name: 'payerCode', value: (r) => r.payerCode },
    { name: 'identifiedAt', value: (r) => r.identifiedAt },
    { name: 'repaymentDueAt', value: (r) => r.repaymentDueAt },
    { name: 'repaidAt', value: (r) => r.repaidAt },
    { name: 'deadlineStatus', value: (r) => r.deadlineStatus },
  ],
  accountIds: (r) => [r.accountId],
};
