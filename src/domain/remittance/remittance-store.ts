import { timeOrderedUuid } from './time-ordered-id.js';
import { sql } from 'kysely';
import type { SqlRunner } from '../../infra/db/sql-runner.js';
import { ACTIVE_CREDIT_STATUSES } from '../credits/credit-enums.js';
import { BulkInsert } from './bulk-insert.js';
import { DENIED_STATUS, REVERSAL_STATUS, eraMoneyText, type EraEntry } from './era-posting-rules.js';
import type { Adjustment835, Claim835, ProviderAdjustment835, Remittance835, TransactionSet835, X12Issue } from './x12/index.js';

/**
 * Claims buffered before they are queued for writing. Small enough that the writes
 * of a 10,000-claim set start while its later claims are being read.
 */
const FLUSH_ROWS = 5_000;

/** What the payer's claim became here. */
export type ClaimOutcome = 'POSTED' | 'REVERSED' | 'DENIED' | 'UNMATCHED';

export function claimOutcome(claim: Claim835, matched: boolean): ClaimOutcome {
  if (claim.status === DENIED_STATUS) return 'DENIED';
  if (!matched) return 'UNMATCHED';
  return claim.status === REVERSAL_STATUS ? 'REVERSED' : 'POSTED';
}

export type SetStatus = 'ACCEPTED' | 'REJECTED' | 'PAYER_UNMAPPED' | 'DUPLICATE';

/** An issue as kept in jsonb and in job results: where (segment, id, element) and what. */
export interface StoredIssue {
  code: string;
  message: string;
  segment?: number;
  segmentId?: string;
  element?: string;
}

export const storedIssue = (i: X12Issue): StoredIssue => ({
  code: i.code,
  message: i.message,
  ...(i.ordinal !== undefined ? { segment: i.ordinal } : {}),
  ...(i.segmentId ? { segmentId: i.segmentId } : {}),
  ...(i.element ? { element: i.element } : {}),
});

/** A CAS triplet as kept in a claim's `detail` (see Migration20261202600000_remittance_claim_detail). */
const adjustmentDetail = (a: Adjustment835) => ({ group_code: a.group, reason_code: a.reason, amount: eraMoneyText(a.amount), quantity: a.quantity });

/**
 * The claim's service lines and CAS adjustments, in file order, as the JSON text of its `detail`
 * column: amounts as exact decimal strings, absent values left out.
 */
export function claimDetail(claim: Claim835): string {
  return JSON.stringify({
    adjustments: claim.adjustments.map(adjustmentDetail),
    lines: claim.services.map((s) => ({
      procedure_qualifier: s.procedure.qualifier || undefined,
      procedure_code: s.procedure.code || undefined,
      modifiers: s.procedure.modifiers.join(':') || undefined,
      charge_amount: eraMoneyText(s.chargeAmount),
      paid_amount: eraMoneyText(s.paidAmount),
      units: s.units,
      service_date: s.serviceDate ?? s.serviceFrom,
      adjustments: s.adjustments.map(adjustmentDetail),
    })),
  });
}

/**
 * Writes what the payer sent into the remittance tables with buffered COPYs: a fixed number of
 * statements per 5,000 claims, each claim one row with its lines and adjustments as a document.
 */
export class RemittanceStore {
  private readonly claims: BulkInsert;
  /** The buffers' last write, still running while the next claims are buffered. */
  private writing: Promise<void> = Promise.resolve();
  private writeFailure: { error: unknown } | undefined;

  constructor(
    private readonly db: SqlRunner,
    private readonly tenantId: string,
  ) {
    this.claims = new BulkInsert(db, tenantId, 'remittance_claim', [
      'id', 'remittance_id', 'claim_index', 'patient_control_number', 'payer_claim_number', 'status_code', 'charge_amount',
      'paid_amount', 'patient_responsibility', 'account_id', 'outcome', 'entry_count', 'detail',
    ]);
  }

  /** Records one transaction set; returns its id. `existingId`: a PAYER_UNMAPPED row decided again. */
  async saveSet(
    fileId: string,
    setIndex: number,
    set: TransactionSet835,
    status: SetStatus,
    payerId: string | null,
    errors: readonly StoredIssue[],
    existingId?: string,
  ): Promise<string> {
    await this.settle();
    const r: Remittance835 | undefined = set.status === 'parsed' ? set.remittance : undefined;
    const warnings = JSON.stringify(set.warnings.map(storedIssue));
    if (existingId) {
      await this.db.affected(sql`
        update remittance set status = ${status}, payer_id = ${payerId}, errors = ${JSON.stringify(errors)}::jsonb
         where id = ${existingId} and status = 'PAYER_UNMAPPED'`);
      return existingId;
    }
    const row = await this.db.one<{ id: string }>(sql`
      insert into remittance (tenant_id, file_id, set_index, control_number, status, payer_id, payer_name, payer_identifier,
                              trace_number, handling_code, payment_amount, credit_debit, payment_method, payment_date, errors, warnings)
      values (${this.tenantId}, ${fileId}, ${setIndex}, ${set.controlNumber ?? null}, ${status}, ${payerId},
              ${r?.payer.name ?? null}, ${r?.payer.id ?? r?.trace.payerId ?? null}, ${r?.trace.traceNumber ?? null},
              ${r?.payment.handlingCode ?? null}, ${r?.payment.amount ?? null}::numeric, ${r?.payment.creditDebit ?? null},
              ${r?.payment.method ?? null}, ${r?.payment.date ?? null}::date, ${JSON.stringify(errors)}::jsonb, ${warnings}::jsonb)
      returning id`);
    return row!.id;
  }

  /** Buffers one claim, its lines and CAS triplets in its `detail` document; queues a write once FLUSH_ROWS claims are buffered. */
  addClaim(remittanceId: string, claimIndex: number, claim: Claim835, accountId: string | null, entries: readonly EraEntry[]): void {
    this.claims.add([
      timeOrderedUuid(), remittanceId, claimIndex, claim.patientControlNumber, claim.payerClaimControlNumber, claim.status, claim.chargeAmount,
      claim.paidAmount, claim.patientResponsibility, accountId, claimOutcome(claim, accountId !== null), entries.length, claimDetail(claim),
    ]);
    if (this.claims.pending >= FLUSH_ROWS) this.queueBuffers();
  }

  /**
   * Queues work on the transaction's connection behind the writes already queued, without waiting
   * for it: PostgreSQL runs the queue while the caller reads the next claims (Node and PostgreSQL
   * then use both cores). After a failure the rest of the queue is skipped and `settle` reports it.
   */
  enqueue(task: () => Promise<void>): void {
    this.writing = this.writing.then(() => (this.writeFailure ? undefined : task())).catch((error: unknown) => {
      this.writeFailure ??= { error };
    });
  }

  /** Queues the buffered claims' write. */
  private queueBuffers(): void {
    this.enqueue(this.claims.take());
  }

  /**
   * Waits until every queued write has finished; rethrows the first error. Callers run it before a
   * statement of their own in the same transaction, so that a failed write is reported as itself
   * and not as the "transaction is aborted" error of the next statement.
   */
  async settle(): Promise<void> {
    await this.writing;
    if (this.writeFailure) throw this.writeFailure.error;
  }

  /** Queues whatever is still buffered and waits for every write. */
  async flush(): Promise<void> {
    this.queueBuffers();
    await this.settle();
  }

  /**
   * PLB segments of accepted sets, each with its reason and reference. A WO (overpayment recovery)
   * or 72 (authorized return) whose reference names a claim — the payer's claim number or our
   * patient control number, as remitted earlier by the same payer — is matched to that claim, its
   * account and the account's open credit: the recoupment is recorded as repaying that credit.
   * Nothing is posted to the ledger for a PLB: it moves money at provider level.
   */
  async saveProviderAdjustments(items: readonly { remittanceId: string; payerId: string; plb: ProviderAdjustment835; seq: number }[]): Promise<number> {
    if (items.length === 0) return 0;
    const col = <T>(f: (i: (typeof items)[number]) => T) => items.map(f);
    const matched = await this.db.one<{ matched: number }>(sql`
      with src as (
        select * from unnest(${col((i) => i.remittanceId)}::uuid[], ${col((i) => i.payerId)}::uuid[], ${col((i) => i.seq)}::integer[],
                             ${col((i) => i.plb.providerId)}::text[], ${col((i) => i.plb.fiscalPeriodDate ?? null)}::date[],
                             ${col((i) => i.plb.reasonCode)}::text[], ${col((i) => i.plb.reference ?? null)}::text[],
                             ${col((i) => i.plb.amount)}::numeric[])
          as s(remittance_id, payer_id, seq, provider_id, fiscal_period_date, reason_code, reference, amount)
      ), ins as (
        insert into remittance_provider_adjustment (tenant_id, remittance_id, seq, provider_id, fiscal_period_date, reason_code,
                                                    reference, amount, matched_claim_id, matched_account_id, matched_credit_id)
        select ${this.tenantId}, s.remittance_id, s.seq, s.provider_id, s.fiscal_period_date, s.reason_code, s.reference, s.amount,
               m.claim_id, m.account_id, cr.id
          from src s
          left join lateral (
            select c.id as claim_id, c.account_id
              from remittance_claim c join remittance r on r.id = c.remittance_id
             where s.reason_code in ('WO', '72') and s.reference is not null
               and c.tenant_id = ${this.tenantId} and c.account_id is not null and r.payer_id = s.payer_id
               and (c.payer_claim_number = s.reference or c.patient_control_number = s.reference)
             order by c.created_at desc limit 1) m on true
          left join credit cr on cr.tenant_id = ${this.tenantId} and cr.account_id = m.account_id
                             and cr.status in (${sql.join(ACTIVE_CREDIT_STATUSES.map((st) => sql.lit(st)))})
        returning matched_claim_id
      )
      select count(matched_claim_id)::integer as matched from ins`);
    return matched?.matched ?? 0;
  }
}
