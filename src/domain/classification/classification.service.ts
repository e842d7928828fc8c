import { sql } from 'kysely';
import { jsonRecordset } from '../../infra/db/json-recordset.js';
import type { SqlRunner } from '../../infra/db/sql-runner.js';
import { ACTIVE_CREDIT_STATUSES } from '../credits/credit-enums.js';
import { computeDeadline, type DeadlinePolicy } from '../credits/deadline-policy.js';
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

/** One ledger entry as the classifier reads it (ENTRY_COLUMNS). */
export interface EntryRow {
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

/** The ledger_entry columns an EntryRow needs, for queries that feed the classifier. */
export const ENTRY_COLUMNS = sql`e.id::text as id, e.account_id, e.kind, e.amount::text as amount, e.posted_at, e.payer_id, e.claim_number,
  e.service_date::text as service_date, e.reference, e.reason_code`;

/**
 * The same columns as one JSON array per account (`… as entries` over ledger_entry e, grouped by
 * account), in posting order, each entry a positional tuple (EntryTuple): JSON.parse of one
 * value per account is far cheaper in Node than the driver's per-field parsing of one row per
 * entry, and tuples cost PostgreSQL a third less to build than objects with their keys. Amounts and
 * ids are text, so they stay exact.
 */
export const ENTRIES_JSON = sql`json_agg(json_build_array(e.id::text, e.kind, e.amount::text, e.posted_at, e.payer_id, e.claim_number,
  e.service_date, e.reference, e.reason_code) order by e.posted_at, e.id)`;

/** One element of ENTRIES_JSON. */
export type EntryTuple = [
  id: string,
  kind: EntryKind,
  amount: string,
  postedAt: string,
  payerId: string | null,
  claimNumber: string | null,
  serviceDate: string | null,
  reference: string | null,
  reasonCode: string | null,
];

export const tupleToRuleEntry = ([id, kind, amount, postedAt, payerId, claimNumber, serviceDate, reference, reasonCode]: EntryTuple): RuleEntry => ({
  id,
  kind,
  amount: new Decimal(amount),
  postedAt: new Date(postedAt),
  payerId,
  claimNumber,
  serviceDate,
  reference,
  reasonCode,
});

/** What classification writes on a credit; findings and portions as stored in their jsonb columns. */
export interface ClassifiedCredit {
  rootCause: string;
  explanation: string;
  findings: { code: string; explanation: string; evidence: string[] }[];
  portions: { ownerKind: string; payerId: string | null; amount: string }[];
  refundPayerId: string | null;
  complexity: string;
  dueAt: string;
  reason: string;
}

/** A classification as the credit table's columns (for jsonRecordset), and their SQL types. */
export const classifiedColumns = (c: ClassifiedCredit) => ({
  root_cause: c.rootCause,
  explanation: c.explanation,
  findings: c.findings,
  portions: c.portions,
  refund_payer_id: c.refundPayerId,
  complexity: c.complexity,
  due_at: c.dueAt,
  reason: c.reason,
});
/** The SQL type of each column classifiedColumns writes (the compiler keeps the two key sets equal). */
export const CLASSIFIED_TYPES: Record<keyof ReturnType<typeof classifiedColumns>, string> = {
  root_cause: 'text',
  explanation: 'text',
  findings: 'jsonb',
  portions: 'jsonb',
  refund_payer_id: 'uuid',
  complexity: 'text',
  due_at: 'timestamptz',
  reason: 'text',
};

export interface ClassificationResult {
  classified: number;
  /** Where the time went, summed over batches (select credits, read entries, rules in Node, write). */
  phaseMs: { select: number; entries: number; rules: number; write: number };
}

export const toRuleEntry = (e: Omit<EntryRow, 'account_id'>): RuleEntry => ({
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

/**
 * The pure rules and the tenant's deadline policy, loaded once per run: classifies one credit from
 * its account's entries (in posting order) with no database round trip.
 */
export class CreditClassifier {
  private readonly label: (party: string) => string;

  private constructor(
    private readonly policy: DeadlinePolicy,
    private readonly payers: Map<string, { code: string; kind: PayerKind; refund_deadline_days: number }>,
  ) {
    this.label = (party: string) => (party === PATIENT ? 'the patient' : (payers.get(party)?.code ?? 'a payer'));
  }

  static async load(db: SqlRunner, tenantId: string): Promise<CreditClassifier> {
    const policy = await loadDeadlinePolicy(db, tenantId);
    const payers = await db.rows<{ id: string; code: string; kind: PayerKind; refund_deadline_days: number }>(
      sql`select id, code, kind, refund_deadline_days from payer where tenant_id = ${tenantId}`,
    );
    return new CreditClassifier(policy, new Map(payers.map((p) => [p.id, p])));
  }

  classify(entries: readonly RuleEntry[], credit: { identifiedAt: Date; amount: Decimal; suspendedDays: number }): ClassifiedCredit {
    const c = classifyCredit(entries, this.label);
    const payer = c.refundPayerId ? this.payers.get(c.refundPayerId) : undefined;
    const deadline = computeDeadline(
      {
        identifiedAt: credit.identifiedAt,
        amount: credit.amount,
        complexity: c.complexity,
        payer: payer ? { code: payer.code, kind: payer.kind, refundDeadlineDays: payer.refund_deadline_days } : null,
        suspendedDays: credit.suspendedDays,
      },
      this.policy,
    );
    return {
      rootCause: c.rootCause,
      explanation: c.explanation,
      findings: c.findings.map(({ code, explanation, evidence }) => ({ code, explanation, evidence })),
      portions: c.portions.map((p) => ({ ownerKind: p.ownerKind, payerId: p.payerId, amount: p.amount.toFixed(2) })),
      refundPayerId: c.refundPayerId,
      complexity: c.complexity,
      dueAt: deadline.dueAt.toISOString(),
      reason: deadline.reason,
    };
  }
}

/**
 * Classifies the open credits that are not classified yet, in batches: one query for the batch's
 * credits, one for their accounts' entries, the pure rules in Node, one UPDATE … FROM unnest for
 * the results. Detection classifies what it opens or changes in the same write (see
 * CreditDetectionService); this pass catches anything else left unclassified. Memory is bounded by
 * the batch, not the ledger.
 */
export class ClassificationService {
  constructor(private readonly batchSize = 2000) {}

  // runId is kept for the callers' signature: what a run opened or changed is already classified.
  async classify(db: SqlRunner, tenantId: string, _runId?: string): Promise<ClassificationResult> {
    const classifier = await CreditClassifier.load(db, tenantId);
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
         where tenant_id = ${tenantId} and status in (${ACTIVE}) and id > ${after}::uuid and classified_at is null
         order by id limit ${this.batchSize}`);
      lap('select');
      if (!credits.length) break;
      after = credits[credits.length - 1]!.id;
      const entries = await db.rows<EntryRow>(sql`
        select ${ENTRY_COLUMNS}
          from ledger_entry e where e.tenant_id = ${tenantId} and e.account_id = any(${credits.map((c) => c.account_id)}::uuid[])
         order by e.account_id, e.posted_at, e.id`);
      lap('entries');
      const byAccount = new Map<string, RuleEntry[]>();
      for (const e of entries) {
        const list = byAccount.get(e.account_id) ?? [];
        list.push(toRuleEntry(e));
        byAccount.set(e.account_id, list);
      }
      const results = credits.map((credit) => ({
        id: credit.id,
        ...classifier.classify(byAccount.get(credit.account_id) ?? [], {
          identifiedAt: new Date(credit.identified_at),
          amount: new Decimal(credit.amount),
          suspendedDays: credit.deadline_suspended_days,
        }),
      }));
      lap('rules');
      await db.affected(sql`
        update credit c set root_cause = u.root_cause, root_cause_explanation = u.explanation, findings = u.findings,
               owner_portions = u.portions, refund_payer_id = u.refund_payer_id, complexity = u.complexity,
               sla_due_at = u.due_at, sla_reason = u.reason, classified_at = now()
          from ${jsonRecordset(results.map((r) => ({ id: r.id, ...classifiedColumns(r) })), { id: 'uuid', ...CLASSIFIED_TYPES })}
         where c.id = u.id`);
      lap('write');
      classified += credits.length;
    }
    return { classified, phaseMs };
  }
}
