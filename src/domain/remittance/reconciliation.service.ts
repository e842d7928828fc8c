import { sql, type RawBuilder } from 'kysely';
import type { RequestContext } from '../context/request-context.js';
import { BadInputError } from '../errors.js';
import { Decimal, moneyFromDb } from '../money/money.js';

/** Most rows one reconciliation section returns. */
export const MAX_RECONCILIATION_ROWS = 500;

/** One gap between what remittances say and what the ledger holds. */
export interface ReconciliationItem {
  accountNumber: string | null;
  payerCode: string | null;
  /** The claim number entries carry: CLP07, else CLP01. */
  claimNumber: string | null;
  patientControlNumber: string | null;
  /** TRN traces of the remittances involved. */
  traceNumbers: string[];
  /** Net paid according to the remittances (reversals subtract). */
  eraPaid: Decimal | null;
  /** Net insurance payments in the ledger for the same account, payer and claim. */
  ledgerPaid: Decimal | null;
  /** How many remittances paid the claim (duplicates section). */
  remittances: number | null;
}

export interface ReconciliationSection {
  totalCount: number;
  items: ReconciliationItem[];
}

export interface Reconciliation {
  eraPaymentsNotInLedger: ReconciliationSection;
  ledgerPaymentsWithoutEra: ReconciliationSection;
  amountMismatches: ReconciliationSection;
  unmatchedClaims: ReconciliationSection;
  duplicateRemittances: ReconciliationSection;
}

interface Row {
  account_number: string | null;
  payer_code: string | null;
  claim_number: string | null;
  pcn: string | null;
  traces: string[] | null;
  era_paid: string | null;
  ledger_paid: string | null;
  remittances: number | null;
  total: number;
}

const item = (r: Row): ReconciliationItem => ({
  accountNumber: r.account_number,
  payerCode: r.payer_code,
  claimNumber: r.claim_number,
  patientControlNumber: r.pcn,
  traceNumbers: r.traces ?? [],
  eraPaid: r.era_paid === null ? null : moneyFromDb(r.era_paid),
  ledgerPaid: r.ledger_paid === null ? null : moneyFromDb(r.ledger_paid),
  remittances: r.remittances,
});

/**
 * ERA ↔ ledger reconciliation, each section one set-based query over the tenant's rows:
 *  - ERA payments not in the ledger: matched claims whose net paid is not zero and for which the
 *    ledger holds no payment from that payer on that account and claim;
 *  - ledger payments with no ERA: insurance payments (from payers that send remittances) on an
 *    account/claim no accepted remittance paid;
 *  - amount mismatches: both sides exist and their nets differ;
 *  - unmatched claims: claims whose patient control number named no account (posting exceptions);
 *  - duplicate remittances: a payer paid the same claim (CLP01) in two or more remittances, net of
 *    reversals; those payments carry CARC 18 in the ledger (see claimEntries).
 */
export class ReconciliationService {
  async reconcile(ctx: RequestContext, first = 100): Promise<Reconciliation> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_RECONCILIATION_ROWS) {
      throw new BadInputError('first', `must be between 1 and ${MAX_RECONCILIATION_ROWS}`);
    }
    const t = ctx.tenantId;
    const section = async (query: RawBuilder<Row>): Promise<ReconciliationSection> => {
      const rows = await ctx.uow.rows(query);
      return { totalCount: rows[0]?.total ?? 0, items: rows.map(item) };
    };
    // Remittance side and ledger side, both keyed by (account, payer, claim number).
    const era = sql`
      select c.account_id, r.payer_id, left(coalesce(c.payer_claim_number, c.patient_control_number), 64) as claim_number,
             min(c.patient_control_number) as pcn, sum(c.paid_amount) as paid,
             array_agg(distinct r.trace_number order by r.trace_number) as traces
        from remittance_claim c join remittance r on r.id = c.remittance_id
       where c.tenant_id = ${t} and r.status = 'ACCEPTED' and c.account_id is not null and c.outcome <> 'DENIED'
       group by 1, 2, 3`;
    const ledger = sql`
      select e.account_id, e.payer_id, e.claim_number, -sum(e.amount) as paid
        from ledger_entry e
       where e.tenant_id = ${t} and e.kind = 'PAYMENT' and e.payer_id is not null
         and e.payer_id in (select payer_id from remittance where tenant_id = ${t} and status = 'ACCEPTED')
       group by 1, 2, 3`;
    const names = sql`
      left join account a on a.id = x.account_id
      left join payer p on p.id = x.payer_id`;

    const [eraPaymentsNotInLedger, ledgerPaymentsWithoutEra, amountMismatches, unmatchedClaims, duplicateRemittances] = [
      await section(sql<Row>`
        with era as (${era}), ledger as (${ledger}),
        x as (select era.* from era
               where era.paid <> 0 and not exists (select 1 from ledger l where l.account_id = era.account_id
                 and l.payer_id = era.payer_id and l.claim_number = era.claim_number))
        select a.account_number, p.code as payer_code, x.claim_number, x.pcn, x.traces, x.paid::text as era_paid,
               null::text as ledger_paid, null::integer as remittances, (count(*) over ())::integer as total
          from x ${names} order by a.account_number, x.claim_number limit ${first}`),
      await section(sql<Row>`
        with era as (${era}), ledger as (${ledger}),
        x as (select ledger.* from ledger
               where ledger.paid <> 0 and not exists (select 1 from era where era.account_id = ledger.account_id
                 and era.payer_id = ledger.payer_id and era.claim_number = ledger.claim_number))
        select a.account_number, p.code as payer_code, x.claim_number, null::text as pcn, null::text[] as traces,
               null::text as era_paid, x.paid::text as ledger_paid, null::integer as remittances, (count(*) over ())::integer as total
          from x ${names} order by a.account_number, x.claim_number limit ${first}`),
      await section(sql<Row>`
        with era as (${era}), ledger as (${ledger}),
        x as (select era.account_id, era.payer_id, era.claim_number, era.pcn, era.traces, era.paid as era_paid, l.paid as ledger_paid
                from era join ledger l on l.account_id = era.account_id and l.payer_id = era.payer_id and l.claim_number = era.claim_number
               where l.paid <> era.paid)
        select a.account_number, p.code as payer_code, x.claim_number, x.pcn, x.traces, x.era_paid::text as era_paid,
               x.ledger_paid::text as ledger_paid, null::integer as remittances, (count(*) over ())::integer as total
          from x ${names} order by a.account_number, x.claim_number limit ${first}`),
      await section(sql<Row>`
        select null::text as account_number, p.code as payer_code, coalesce(c.payer_claim_number, c.patient_control_number) as claim_number,
               c.patient_control_number as pcn, array[r.trace_number] as traces, c.paid_amount::text as era_paid,
               null::text as ledger_paid, null::integer as remittances, (count(*) over ())::integer as total
          from remittance_claim c join remittance r on r.id = c.remittance_id left join payer p on p.id = r.payer_id
         where c.tenant_id = ${t} and c.outcome = 'UNMATCHED' and r.status = 'ACCEPTED'
         order by c.created_at, c.patient_control_number limit ${first}`),
      await section(sql<Row>`
        with x as (
          select r.payer_id, c.patient_control_number as pcn, min(c.account_id::text)::uuid as account_id,
                 array_agg(distinct r.trace_number order by r.trace_number) as traces, sum(c.paid_amount) as paid,
                 (count(*) filter (where c.status_code not in ('4', '22') and c.paid_amount > 0)
                  - count(*) filter (where c.status_code = '22'))::integer as remittances
            from remittance_claim c join remittance r on r.id = c.remittance_id
           where c.tenant_id = ${t} and r.status = 'ACCEPTED'
           group by 1, 2)
        select a.account_number, p.code as payer_code, null::text as claim_number, x.pcn, x.traces, x.paid::text as era_paid,
               null::text as ledger_paid, x.remittances, (count(*) over ())::integer as total
          from x ${names} where x.remittances >= 2 order by x.pcn limit ${first}`),
    ];
    return { eraPaymentsNotInLedger, ledgerPaymentsWithoutEra, amountMismatches, unmatchedClaims, duplicateRemittances };
  }
}
