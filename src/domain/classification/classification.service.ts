import { sql } from 'kysely';
import type { SqlRunner } from '../../infra/db/sql-runner.js';
import { ACTIVE_CREDIT_STATUSES } from '../credits/credit-enums.js';
import { computeDeadline } from '../credits/deadline-policy.js';
import type { EntryKind } from '../ledger/entry-kind.js';
import { Decimal } from '../money/money.js';
import type { PayerKind } from '../payers/payer-kind.js';
import { loadDeadlinePolicy } from '../policies/deadline-policy.loader.js';
import { classifyCredit } from './classify.js';
import { PATIENT, type RuleEntry } from './party-ledger.js';

const ACTIVE = sql.join(ACTIVE_CREDIT_STATUSES.map((s) => sql.lit(s)));

interface CreditRow {
  id: string;
  account_id: string;
  /** The driver may return timestamps as text: always read through new Date(). */
  identified_at: Date | string;
  amount: string;
  deadline_suspended_days: number;
}

interface EntryRow {
  id: string;
  account_id: string;
  kind: EntryKind;
  amount: string;
  posted_at: Date | string;
  payer_id: string | null;
  claim_number: string | null;
  service_date: string | null;
  reference: string | null;
  reason_code: string | null;
}

export interface ClassificationResult {
  classified: number;
  /** Where the time went, summed over batches (select credits, read entries, rules in Node, write). */
  phaseMs: { select: number; entries: number; rules: number; write: number };
}

/**
 * Classifies the open credits a detection run opened or changed (and any never classified), in
 * batches: one query for the batch's credits, one for their accounts' entries, the pure rules in
 * Node, one UPDATE … FROM unnest for the results. Memory is bounded by the batch, not the ledger.
 */
export class ClassificationService {
  constructor(private readonly batchSize = 2000) {}

  async classify(db: SqlRunner, tenantId: string, runId: string): Promise<ClassificationResult> {
    const policy = await loadDeadlinePolicy(db, tenantId);
    const payers = new Map(
      (
        await db.rows<{ id: string; code: string; kind: PayerKind; refund_deadline_days: number }>(
          sql`select id, code, kind, refund_deadline_days from payer where tenant_id = ${tenantId}`,
        )
      ).map((p) => [p.id, p]),
    );
    const label = (party: string) => (party === PATIENT ? 'the patient' : (payers.get(party)?.code ?? 'a payer'));
    let classified = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    const phaseMs = { select: 0, entries: 0, rules: 0, write: 0 };
    let mark = performance.now();
    const lap = (phase: keyof typeof phaseMs) => {
      const now = performance.now();
      phaseMs[phase] += Math.round(now - mark);
      mark = now;
    };
    for (;;) {
      const credits = await db.rows<CreditRow>(sql`
        select id, account_id, identified_at, amount::text as amount, deadline_suspended_days from credit
         where tenant_id = ${tenantId} and status in (${ACTIVE}) and id > ${after}::uuid
           and (classified_at is null or detection_run_id = ${runId}::uuid)
         order by id limit ${this.batchSize}`);
      lap('select');
      if (!credits.length) break;
      after = credits[credits.length - 1]!.id;
      const entries = await db.rows<EntryRow>(sql`
        select id::text as id, account_id, kind, amount::text as amount, posted_at, payer_id, claim_number,
               service_date::text as service_date, reference, reason_code
          from ledger_entry where tenant_id = ${tenantId} and account_id = any(${credits.map((c) => c.account_id)}::uuid[])
         order by account_id, posted_at, id`);
      lap('entries');
      const byAccount = new Map<string, RuleEntry[]>();
      for (const e of entries) {
        const list = byAccount.get(e.account_id) ?? [];
        list.push({
          id: e.id,
          kind: e.kind,
          amount: new Decimal(e.amount),
          postedAt: new Date(e.posted_at),
          payerId: e.payer_id,
          claimNumber: e.claim_number,
          serviceDate: e.service_date,
          reference: e.reference,
          reasonCode: e.reason_code,
        });
        byAccount.set(e.account_id, list);
      }
      const results = credits.map((credit) => {
        const c = classifyCredit(byAccount.get(credit.account_id) ?? [], label);
        const payer = c.refundPayerId ? payers.get(c.refundPayerId) : undefined;
        const deadline = computeDeadline(
          {
            identifiedAt: new Date(credit.identified_at),
            amount: new Decimal(credit.amount),
            complexity: c.complexity,
            payer: payer ? { code: payer.code, kind: payer.kind, refundDeadlineDays: payer.refund_deadline_days } : null,
            suspendedDays: credit.deadline_suspended_days,
          },
          policy,
        );
        return {
          id: credit.id,
          rootCause: c.rootCause,
          explanation: c.explanation,
          findings: JSON.stringify(c.findings.map(({ code, explanation, evidence }) => ({ code, explanation, evidence }))),
          portions: JSON.stringify(c.portions.map((p) => ({ ownerKind: p.ownerKind, payerId: p.payerId, amount: p.amount.toFixed(2) }))),
          refundPayerId: c.refundPayerId,
          complexity: c.complexity,
          dueAt: deadline.dueAt.toISOString(),
          reason: deadline.reason,
        };
      });
      const col = <K extends keyof (typeof results)[number]>(k: K) => results.map((r) => r[k]);
      lap('rules');
      await db.affected(sql`
        update credit c set root_cause = u.root_cause, root_cause_explanation = u.explanation, findings = u.findings,
               owner_portions = u.portions, refund_payer_id = u.refund_payer_id, complexity = u.complexity,
               sla_due_at = u.due_at, sla_reason = u.reason, classified_at = now()
          from unnest(${col('id')}::uuid[], ${col('rootCause')}::text[], ${col('explanation')}::text[], ${col('findings')}::jsonb[],
                      ${col('portions')}::jsonb[], ${col('refundPayerId')}::uuid[], ${col('complexity')}::text[],
                      ${col('dueAt')}::timestamptz[], ${col('reason')}::text[])
               as u(id, root_cause, explanation, findings, portions, refund_payer_id, complexity, due_at, reason)
         where c.id = u.id`);
      lap('write');
      classified += credits.length;
    }
    return { classified, phaseMs };
  }
}
