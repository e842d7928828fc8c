import { sql } from 'kysely';
import type { RequestContext } from '../context/request-context.js';
import { ACTIVE_CREDIT_STATUSES, RootCauseCode } from '../credits/credit-enums.js';
import { moneyFromDb, type Decimal } from '../money/money.js';

/** What each root cause means, for people: the label and description the API shows. */
export const ROOT_CAUSES: Record<RootCauseCode, { label: string; description: string }> = {
  [RootCauseCode.POSTING_ERROR]: {
    label: 'Posting error',
    description: 'A payment posted to an account with no charge it could belong to, or for a claim billed on another account.',
  },
  [RootCauseCode.DUPLICATE_PAYMENT]: {
    label: 'Duplicate payment',
    description: 'The same payer paid the same claim line more than once (same claim and amount; CARC 18), neither payment reversed.',
  },
  [RootCauseCode.INCORRECT_ADJUSTMENT]: {
    label: 'Incorrect adjustment',
    description: 'A write-off posted twice, or an adjustment larger than the charges, drove the balance below zero; nobody is owed.',
  },
  [RootCauseCode.COB_ERROR]: {
    label: 'Coordination of benefits error',
    description: 'Two or more payers paid and one paid what another had already settled (CARC 22/23); that payer is owed.',
  },
  [RootCauseCode.PAYER_OVERPAYMENT]: {
    label: 'Payer overpayment',
    description: 'One payer paid more than its share after contractual adjustments and patient responsibility (CARC 94).',
  },
  [RootCauseCode.PATIENT_OVERPAYMENT]: {
    label: 'Patient overpayment',
    description: 'The patient paid more than the patient responsibility, e.g. a copay collected up front and the payer then paid in full.',
  },
  [RootCauseCode.UNDETERMINED]: {
    label: 'Undetermined',
    description: 'No rule explains the credit; an analyst must review the account.',
  },
};

export interface RootCauseSummary {
  code: RootCauseCode;
  label: string;
  description: string;
  openCount: number;
  openAmount: Decimal;
}

/** Every root cause with its open credits (count and amount), in rule precedence order. */
export async function rootCauseSummaries(ctx: RequestContext): Promise<RootCauseSummary[]> {
  const rows = await ctx.uow.rows<{ root_cause: RootCauseCode; n: number; amount: string }>(sql`
    select root_cause, count(*)::integer as n, sum(amount)::text as amount from credit
     where tenant_id = ${ctx.tenantId} and status in (${sql.join(ACTIVE_CREDIT_STATUSES.map((s) => sql.lit(s)))})
     group by root_cause`);
  return (Object.keys(ROOT_CAUSES) as RootCauseCode[]).map((code) => {
    const row = rows.find((r) => r.root_cause === code);
    return { code, ...ROOT_CAUSES[code], openCount: row?.n ?? 0, openAmount: moneyFromDb(row?.amount) };
  });
}
