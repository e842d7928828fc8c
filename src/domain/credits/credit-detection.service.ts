import { sql } from 'kysely';
import type { SqlRunner } from '../../infra/db/sql-runner.js';
import { CLASSIFIED_TYPES, classifiedColumns, CreditClassifier, ENTRIES_JSON, tupleToRuleEntry, type ClassifiedCredit, type EntryTuple } from '../classification/classification.service.js';
import { jsonRecordset } from '../../infra/db/json-recordset.js';
import type { RuleEntry } from '../classification/party-ledger.js';
import { Decimal, isBelowZero } from '../money/money.js';
import { ensureDefaultWorklist, creditPlacementColumns, placementSql } from '../worklists/worklist-placement.js';
import { ACTIVE_CREDIT_STATUSES, CreditStatus } from './credit-enums.js';

export interface DetectionResult {
  accountsScanned: number;
  negativeAccounts: number;
  opened: number;
  updated: number;
  resolved: number;
  openCredits: number;
  /** Total of open credit amounts after the run, as an exact decimal string. */
  openAmount: string;
  /** Wall time of each phase, for operators and benchmarks. */
  phaseMs: {
    aggregate: number;
    origin: number;
    /** Waiting for the entries of new and changed negative accounts (summed over batches). */
    entries: number;
    /** Origin and the classification rules, in Node (summed over batches). */
    rules: number;
    /** Waiting for the last writes (the others overlap the rules). */
    write: number;
    resolve: number;
    totals: number;
  };
}

/**
 * Restricts a run to some accounts (e.g. those a remittance import just posted to): only their
 * credits are opened, updated or resolved. Totals in the result stay the tenant's.
 */
export interface DetectionScope {
  readonly accountIds: readonly string[];
}

export interface DetectionProgress {
  (processed: number, total: number): Promise<void>;
}

export interface DetectionOptions {
  progress?: DetectionProgress;
  scope?: DetectionScope;
}

const ACTIVE = sql.join(ACTIVE_CREDIT_STATUSES.map((s) => sql.lit(s)));

/** A negative account whose credit must be opened or recomputed, with its active credit if any. */
interface ChangedAccount {
  account_id: string;
  balance: string;
  entries: number;
  credit_id: string | null;
  identified_at: Date | string | null;
  deadline_suspended_days: number | null;
  /** The account's entries in posting order (ENTRIES_JSON). */
  ledger: EntryTuple[] | null;
}

/** What one batch writes: the credit's amount, entry count, origin entry and classification. */
interface Computed extends ClassifiedCredit {
  accountId: string;
  creditId: string | null;
  amount: string;
  entries: number;
  /** The origin entry's posted_at exactly as PostgreSQL wrote it in the JSON (microseconds kept). */
  originatedAt: string;
}

/** A batch's computed rows as a relation `s` keyed by credit id (updates) or account id (inserts). */
function batchSource(key: 'creditId' | 'accountId', rows: Computed[]) {
  const keyColumn = key === 'creditId' ? 'credit_id' : 'account_id';
  return sql`select * from ${jsonRecordset(
    rows.map((r) => ({ [keyColumn]: r[key], amount: r.amount, entries: r.entries, originated_at: r.originatedAt, ...classifiedColumns(r) })),
    { [keyColumn]: 'uuid', amount: 'numeric', entries: 'integer', originated_at: 'timestamptz', ...CLASSIFIED_TYPES },
  )}`;
}

/**
 * Full credit detection for one tenant, set-based inside the caller's transaction:
 *  1. the negative accounts come from `account_balance`, which the posting trigger keeps equal to
 *     the ledger's per-account sum in every posting transaction (the GROUP BY over the whole ledger
 *     it replaces cost 10 s at 10M entries; this is an index scan of the negative ones);
 *  2. an account whose active credit saw the same entry count and amount keeps its credit as is;
 *  3. for the others (new or changed) the entries are read once, in posting order, in batches of
 *     accounts: Node finds the origin (where the balance last went, and stayed, negative) and runs
 *     the classification rules and deadline policy on the same rows;
 *  4. each batch is written once: new credits inserted already classified and placed in their
 *     worklist, changed ones updated with their new amount, origin and classification;
 *  5. open credits whose account is back at zero or above are resolved.
 * Node holds one batch of accounts' entries at a time; a rerun over an unchanged ledger reads no
 * entries and changes nothing.
 */
export class CreditDetectionService {
  constructor(private readonly batchAccounts = 5000) {}

  async detect(db: SqlRunner, tenantId: string, runId: string, now: Date, options: DetectionOptions = {}): Promise<DetectionResult> {
    const { progress, scope } = options;
    const at = now.toISOString();
    const ids = scope ? [...scope.accountIds] : [];
    // Every statement that picks accounts goes through this filter: all of them, or the scope's.
    const inScope = (column: ReturnType<typeof sql.ref>) => (scope ? sql`and ${column} = any(${ids}::uuid[])` : sql``);
    const total = scope
      ? { n: ids.length }
      : await db.one<{ n: number }>(sql`select count(*)::integer as n from account_balance where tenant_id = ${tenantId}`);
    const accountsScanned = total?.n ?? 0;
    await progress?.(0, accountsScanned);

    // The batch reads sort and aggregate ~50,000 entries at a time: in memory, not in temp files;
    // and their statements are many and short, where JIT compilation costs more than it saves.
    await db.affected(sql`set local work_mem = '64MB'`);
    await db.affected(sql`set local jit = off`);
    const clock = { started: performance.now(), lap() { const now = performance.now(); const ms = Math.round(now - this.started); this.started = now; return ms; } };
    await db.affected(sql`
      create temp table det_negative (account_id uuid primary key, balance numeric(14,2) not null,
        entries integer not null, originated_at timestamptz,
        credit_id uuid, identified_at timestamptz, deadline_suspended_days integer) on commit drop`);
    const negativeAccounts = await db.affected(sql`
      insert into det_negative (account_id, balance, entries)
      select account_id, balance, entry_count from account_balance
       where tenant_id = ${tenantId} and balance < 0 ${inScope(sql.ref('account_id'))}`);
    // Statistics for the joins below (a temp table has none until analyzed).
    await db.affected(sql`analyze det_negative`);
    const aggregate = clock.lap();
    await progress?.(accountsScanned, accountsScanned);

    // Each negative account's active credit, joined once for the whole set (per batch, the planner
    // misjudges a freshly written credit table and hashes all of it every time). A credit whose
    // account has the same entries as when detection last saw it keeps its origin: only new or
    // changed accounts need their entries read.
    await db.affected(sql`
      update det_negative n
         set credit_id = c.id, identified_at = c.identified_at, deadline_suspended_days = c.deadline_suspended_days,
             originated_at = case when c.entries_seen = n.entries and c.amount = -n.balance then c.originated_at end
        from credit c
       where c.account_id = n.account_id and c.status in (${ACTIVE}) ${inScope(sql.ref('c.account_id'))}`);
    const origin = clock.lap();

    await ensureDefaultWorklist(db, tenantId);
    const classifier = await CreditClassifier.load(db, tenantId);
    const phases = { entries: 0, rules: 0, write: 0 };
    let opened = 0;
    let updated = 0;
    // One statement per batch: the accounts, their active credit and their entries as JSON. The
    // entries are fetched with one `= any(array)` bitmap scan for the whole batch (heap pages in
    // physical order), not one index scan per account.
    const readBatch = (after: string) =>
      db.rows<ChangedAccount>(sql`
        with n as (
          select account_id, balance, entries, credit_id, identified_at, deadline_suspended_days from det_negative
           where originated_at is null and account_id > ${after}::uuid order by account_id limit ${this.batchAccounts}
        ), l as (
          select e.account_id, ${ENTRIES_JSON} as ledger from ledger_entry e
           where e.tenant_id = ${tenantId} and e.account_id = any(array(select account_id from n))
           group by e.account_id
        )
        select n.account_id, n.balance::text as balance, n.entries, n.credit_id, n.identified_at, n.deadline_suspended_days, l.ledger
          from n left join l on l.account_id = n.account_id
         order by n.account_id`);
    const writes: Promise<unknown>[] = [];
    const write = (statement: Promise<number>, count: (n: number) => void) => {
      const done = statement.then(count);
      done.catch(() => undefined); // awaited below; this only keeps an early failure from counting as unhandled
      writes.push(done);
    };
    let mark = performance.now();
    const lap = (phase: keyof typeof phases) => {
      const now = performance.now();
      phases[phase] += now - mark;
      mark = now;
    };
    let next = readBatch('00000000-0000-0000-0000-000000000000');
    for (;;) {
      const accounts = await next;
      lap('entries');
      if (!accounts.length) break;
      // Pipelined on the run's one connection: the next batch's read is sent before this batch is
      // computed, and the writes are not awaited, so the server reads and writes while Node runs
      // the rules (the driver sends queued statements in order as each completes).
      next = readBatch(accounts[accounts.length - 1]!.account_id);
      next.catch(() => undefined); // awaited next turn unless compute throws first
      await new Promise((resolve) => setImmediate(resolve));
      const computed = this.compute(accounts, classifier, now);
      lap('rules');
      const changed = computed.filter((c) => c.creditId);
      if (changed.length) {
        write(db.affected(sql`
          with src as (
            ${batchSource('creditId', changed)}
          ), target as (
            -- One primary-key probe per credit, whatever credit's statistics say: right after a
            -- run that opened thousands they still describe a tiny table, and the planner walked
            -- the partial index of open credits for every row (20 s for 4,741 rows). OFFSET 0
            -- keeps the subquery from being flattened.
            select s.*, c.tid from src s cross join lateral (select ctid as tid from credit where id = s.credit_id offset 0) c)
          update credit c
             set amount = s.amount, originated_at = s.originated_at, entries_seen = s.entries,
                 root_cause = s.root_cause, root_cause_explanation = s.explanation, findings = s.findings,
                 owner_portions = s.portions, refund_payer_id = s.refund_payer_id, complexity = s.complexity,
                 sla_due_at = s.due_at, sla_reason = s.reason, classified_at = now(),
                 detection_run_id = ${runId}, updated_at = ${at}
            from target s
           -- By tuple id (a TID scan): a credit another transaction changed meanwhile fails the
           -- re-check and is left for the next run, which sees its new state.
           where c.ctid = s.tid and c.tenant_id = ${tenantId} and c.status in (${ACTIVE})
             and (c.amount <> s.amount or c.originated_at <> s.originated_at or c.entries_seen is distinct from s.entries)`), (n) => (updated += n));
      }
      const fresh = computed.filter((c) => !c.creditId);
      if (fresh.length) {
        const worklist = placementSql(tenantId, now, creditPlacementColumns('s'));
        write(db.affected(sql`
          with src as (
            ${batchSource('accountId', fresh)})
          insert into credit (tenant_id, account_id, amount, original_amount, status, root_cause, root_cause_explanation, findings,
                              owner_portions, refund_payer_id, complexity, originated_at, identified_at, entries_seen, sla_due_at,
                              sla_reason, classified_at, worklist_id, detection_run_id, updated_at)
          select ${tenantId}, s.account_id, s.amount, s.amount, ${CreditStatus.OPEN}, s.root_cause, s.explanation, s.findings,
                 s.portions, s.refund_payer_id, s.complexity, s.originated_at, ${at}, s.entries, s.due_at,
                 s.reason, now(), ${worklist}, ${runId}, ${at}
            from src s left join payer p on p.id = s.refund_payer_id
          -- The partial unique index (one active credit per account) is the arbiter: an account that
          -- gained an active credit since the batch was read is skipped, with no anti-join the
          -- planner could get wrong when credit's statistics are stale.
          on conflict (account_id) where status in (${ACTIVE}) do nothing`), (n) => (opened += n));
      }
    }
    await Promise.all(writes);
    lap('write');
    const { entries: entriesMs, rules, write: writeMs } = Object.fromEntries(
      Object.entries(phases).map(([k, v]) => [k, Math.round(v)]),
    ) as typeof phases;
    clock.lap();

    // How the balance came back is read from the last entry: a refund, an adjustment or a transfer
    // name themselves; a new charge or a payer take-back absorbed the credit (an offset).
    const resolved = await db.affected(sql`
      update credit c
         set status = ${CreditStatus.RESOLVED},
             amount = 0,
             resolved_at = ${at},
             resolution = (
               select case e.kind when 'REFUND' then 'REFUND' when 'ADJUSTMENT' then 'ADJUSTMENT'
                                  when 'TRANSFER' then 'TRANSFER' else 'OFFSET' end
                 from ledger_entry e where e.account_id = c.account_id
                order by e.posted_at desc, e.id desc limit 1),
             detection_run_id = ${runId},
             updated_at = ${at}
       where c.tenant_id = ${tenantId} and c.status in (${ACTIVE}) ${inScope(sql.ref('c.account_id'))}
         and not exists (select 1 from det_negative n where n.account_id = c.account_id)`);
    const resolveMs = clock.lap();
    const open = await db.one<{ n: number; amount: string }>(sql`
      select count(*)::integer as n, coalesce(sum(amount), 0)::text as amount
        from credit where tenant_id = ${tenantId} and status in (${ACTIVE})`);
    await db.affected(sql`drop table det_negative`);
    const merge = clock.lap();

    return {
      accountsScanned,
      negativeAccounts,
      opened,
      updated,
      resolved,
      openCredits: open?.n ?? 0,
      openAmount: open?.amount ?? '0.00',
      phaseMs: { aggregate, origin, entries: entriesMs, rules, write: writeMs, resolve: resolveMs, totals: merge },
    };
  }

  /** Origin and classification of each account of a batch, from its entries in posting order. */
  private compute(accounts: ChangedAccount[], classifier: CreditClassifier, now: Date): Computed[] {
    const out: Computed[] = [];
    for (const account of accounts) {
      const ledger = account.ledger ?? [];
      const entries: RuleEntry[] = ledger.map(tupleToRuleEntry);
      // The entry after the last one that left the running balance at or above zero is where the
      // current negative stretch began (the first entry, if the balance was never non-negative).
      let running = new Decimal(0);
      let lastNonNegative = -1;
      entries.forEach((e, i) => {
        running = running.plus(e.amount);
        if (!isBelowZero(running)) lastNonNegative = i;
      });
      const origin = ledger[lastNonNegative + 1];
      // The balance row and the entries are read in one transaction; a mismatch means a bug, not a race.
      if (!origin || !running.eq(account.balance)) {
        throw new Error(`account ${account.account_id}: entries sum to ${running.toFixed(2)}, balance says ${account.balance}`);
      }
      const amount = new Decimal(account.balance).neg();
      const classified = classifier.classify(entries, {
        identifiedAt: account.identified_at ? new Date(account.identified_at) : now,
        amount,
        suspendedDays: account.deadline_suspended_days ?? 0,
      });
      out.push({
        ...classified,
        accountId: account.account_id,
        creditId: account.credit_id,
        amount: amount.toFixed(2),
        entries: account.entries,
        originatedAt: origin[3],
      });
    }
    return out;
  }
}
