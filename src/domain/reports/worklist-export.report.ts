import { sql } from 'kysely';
import type { Decimal } from '../money/money.js';
import { ageDaysSql } from '../credits/aging-bucket.js';
import { creditFilters, type CreditReportParams } from './credit-balance.report.js';
import { instant, money, text, textOrNull, type ReportDefinition } from './report.js';

export interface WorklistExportParams extends CreditReportParams {
  worklistIds?: string[] | null;
}

export interface WorklistExportRow {
  worklist: string | null;
  priority: number | null;
  creditId: string;
  accountId: string;
  accountNumber: string;
  location: string | null;
  status: string;
  assignee: string | null;
  payerCode: string | null;
  rootCause: string;
  complexity: string | null;
  amount: Decimal;
  ageDays: number;
  slaDueAt: Date;
  overdue: boolean;
}

/** Worklist export: the open credits of the given worklists (default all), most urgent deadline first. */
export const worklistExportReport: ReportDefinition<WorklistExportParams, WorklistExportRow> = {
  name: 'worklist-export',
  keyTypes: ['timestamptz', 'uuid'],
  query: (tenantId, p, asOf) => {
    const worklists = p.worklistIds?.length ? sql`and c.worklist_id = any(${p.worklistIds}::uuid[])` : sql``;
    return sql<Record<string, unknown>>`
      select c.sla_due_at as sort_key, c.id as row_id, w.name as worklist, w.priority, c.id::text as credit_id,
             a.id::text as account_id, a.account_number, a.location, c.status, c.assignee, p.code as payer_code,
             c.root_cause, c.complexity, c.amount::text as amount, ${ageDaysSql(sql`c.originated_at`, asOf)} as age_days,
             c.sla_due_at, c.sla_due_at < ${asOf.toISOString()}::timestamptz as overdue
        from credit c
        join account a on a.id = c.account_id
        left join payer p on p.id = c.refund_payer_id
        left join worklist w on w.id = c.worklist_id
       where ${creditFilters(tenantId, { ...p, statuses: null })} ${worklists}`;
  },
  fromDb: (r) => ({
    worklist: textOrNull(r.worklist),
    priority: r.priority === null || r.priority === undefined ? null : Number(r.priority),
    creditId: text(r.credit_id),
    accountId: text(r.account_id),
    accountNumber: text(r.account_number),
    location: textOrNull(r.location),
    status: text(r.status),
    assignee: textOrNull(r.assignee),
    payerCode: textOrNull(r.payer_code),
    rootCause: text(r.root_cause),
    complexity: textOrNull(r.complexity),
    amount: money(r.amount),
    ageDays: Number(r.age_days),
    slaDueAt: instant(r.sla_due_at),
    overdue: Boolean(r.overdue),
  }),
  columns: [
    { name: 'worklist', value: (r) => r.worklist },
    { name: 'priority', value: (r) => r.priority },
    { name: 'creditId', value: (r) => r.creditId },
    { name: 'accountNumber', value: (r) => r.accountNumber },
    { name: 'location', value: (r) => r.location },
    { name: 'status', value: (r) => r.status },
    { name: 'assignee', value: (r) => r.assignee },
    { name: 'payerCode', value: (r) => r.payerCode },
    { name: 'rootCause', value: (r) => r.rootCause },
    { name: 'complexity', value: (r) => r.complexity },
    { name: 'amount', value: (r) => r.amount },
    { name: 'ageDays', value: (r) => r.ageDays },
    { name: 'slaDueAt', value: (r) => r.slaDueAt },
    { name: 'overdue', value: (r) => r.overdue },
  ],
  accountIds: () => [],
};
