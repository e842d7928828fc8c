import { sql, type RawBuilder } from 'kysely';
import type { Decimal } from '../money/money.js';
import { instant, instantOrNull, money, text, textOrNull, type ReportDefinition } from './report.js';

export interface RefundsRegisterParams {
  /** Requested at or after. */
  from?: Date | null;
  /** Requested before. */
  to?: Date | null;
  statuses?: string[] | null;
}

export interface RefundsRegisterRow {
  refundId: string;
  creditId: string;
  accountId: string;
  accountNumber: string;
  location: string | null;
  payee: string;
  amount: Decimal;
  reasonCode: string;
  status: string;
  requestedBy: string;
  requestedAt: Date;
  approvedBy: string | null;
  secondApprovedBy: string | null;
  issuedBy: string | null;
  issuedAt: Date | null;
  reference: string | null;
  voidedAt: Date | null;
}

/** Refunds register: every refund request of the period, in request order, with its approvals and issue. */
export const refundsRegisterReport: ReportDefinition<RefundsRegisterParams, RefundsRegisterRow> = {
  name: 'refunds-register',
  keyTypes: ['timestamptz', 'uuid'],
  query: (tenantId, p) => {
    const where: RawBuilder<unknown>[] = [sql`r.tenant_id = ${tenantId}`];
    if (p.from) where.push(sql`r.created_at >= ${p.from.toISOString()}::timestamptz`);
    if (p.to) where.push(sql`r.created_at < ${p.to.toISOString()}::timestamptz`);
    if (p.statuses?.length) where.push(sql`r.status = any(${p.statuses}::text[])`);
    return sql<Record<string, unknown>>`
      select r.created_at as sort_key, r.id as row_id, r.id::text as refund_id, c.id::text as credit_id, a.id::text as account_id,
             a.account_number, a.location, coalesce(p.code, 'PATIENT') as payee, r.amount::text as amount, r.reason_code, r.status,
             r.requested_by, r.created_at as requested_at, r.approved_by, r.second_approved_by, r.issued_by, r.issued_at,
             r.reference, r.voided_at
        from refund_request r
        join credit c on c.id = r.credit_id
        join account a on a.id = c.account_id
        left join payer p on p.id = r.payee_payer_id
       where ${sql.join(where, sql` and `)}`;
  },
  fromDb: (r) => ({
    refundId: text(r.refund_id),
    creditId: text(r.credit_id),
    accountId: text(r.account_id),
    accountNumber: text(r.account_number),
    location: textOrNull(r.location),
    payee: text(r.payee),
    amount: money(r.amount),
    reasonCode: text(r.reason_code),
    status: text(r.status),
    requestedBy: text(r.requested_by),
    requestedAt: instant(r.requested_at),
    approvedBy: textOrNull(r.approved_by),
    secondApprovedBy: textOrNull(r.second_approved_by),
    issuedBy: textOrNull(r.issued_by),
    issuedAt: instantOrNull(r.issued_at),
    reference: textOrNull(r.reference),
    voidedAt: instantOrNull(r.voided_at),
  }),
  columns: [
    { name: 'refundId', value: (r) => r.refundId },
    { name: 'creditId', value: (r) => r.creditId },
    { name: 'accountNumber', value: (r) => r.accountNumber },
    { name: 'location', value: (r) => r.location },
    { name: 'payee', value: (r) => r.payee },
    { name: 'amount', value: (r) => r.amount },
    { name: 'reasonCode', value: (r) => r.reasonCode },
    { name: 'status', value: (r) => r.status },
    { name: 'requestedBy', value: (r) => r.requestedBy },
    { name: 'requestedAt', value: (r) => r.requestedAt },
    { name: 'approvedBy', value: (r) => r.approvedBy },
    { name: 'secondApprovedBy', value: (r) => r.secondApprovedBy },
    { name: 'issuedBy', value: (r) => r.issuedBy },
    { name: 'issuedAt', value: (r) => r.issuedAt },
    { name: 'reference', value: (r) => r.reference },
    { name: 'voidedAt', value: (r) => r.voidedAt },
  ],
  accountIds: () => [],
};
