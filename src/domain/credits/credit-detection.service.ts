import { sql } from 'kysely';
import type { SqlRunner } from '../../infra/db/sql-runner.js';
import { ACTIVE_CREDIT_STATUSES, CreditStatus, RootCauseCode } from './credit-enums.js';
import { slaDueAtSql } from './sla-policy.js';

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
  phaseMs: { aggregate: number; origin: number; update: number; open: number; resolve: number; totals: number };
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

const ACTIVE = sql.join(ACTIVE_CREDIT_STATUSES.map((s) => sql.lit(s)));

/**
 * Full credit detection for one tenant, set-based inside the caller's transaction:
 *  1. one GROUP BY over the tenant's ledger finds the accounts whose balance is negative;
 *  2. for those accounts only, a running sum finds when the balance last went (and stayed) negative;
 *  3. three statements merge that set into `credit`: open new credits, update changed open ones,
 *     resolve open credits whose account is back at zero or above.
 * Nothing proportional to the ledger reaches Node; a rerun over an unchanged ledger changes nothing.
 */
export class CreditDetectionService {
  async detect(db: SqlRunner, tenantId: string, runId: string, now: Date, progress?: DetectionProgress, scope?: DetectionScope): Promise<DetectionResult> {
    const at = now.toISOString();
    const ids = scope ? [...scope.accountIds] : [];
    // Every statement that picks accounts goes through this filter: all of them, or the scope's.
    const inScope = (column: ReturnType<typeof sql.ref>) => (scope ? sql`and ${column} = any(${ids}::uuid[])` : sql``);
    const total = scope
      ? { n: ids.length }
      : await db.one<{ n: number }>(sql`select count(*)::integer as n from account_balance where tenant_id = ${tenantId}`);
    const accountsScanned = total?.n ?? 0;
    await progress?.(0, accountsScanned);

    const clock = { started: performance.now(), lap() { const now = performance.now(); const ms = Math.round(now - this.started); this.started = now; return ms; } };
    await db.affected(sql`
      create temp table det_negative (account_id uuid primary key, balance numeric(14,2) not null,
        entries integer not null, originated_at timestamptz) on commit drop`);
    const negativeAccounts = await db.affected(sql`
      insert into det_negative (account_id, balance, entries)
      select account_id, sum(amount), count(*) from ledger_entry where tenant_id = ${tenantId} ${inScope(sql.ref('account_id'))}
      group by account_id having sum(amount) < 0`);
    // Statistics for the joins below (a temp table has none until analyzed).
    await db.affected(sql`analyze det_negative`);
    const aggregate = clock.lap();
    await progress?.(accountsScanned, accountsScanned);

    // An open credit whose account has the same entries as when detection last saw it keeps its
    // origin: only new or changed accounts need the running sum.
    await db.affected(sql`
      update det_negative n set originated_at = c.originated_at
        from credit c
       where c.account_id = n.account_id and c.status in (${ACTIVE}) and c.entries_seen = n.entries and c.amount = -n.balance`);

    // The entry after the last one that left the running balance at or above zero is where the
    // current negative stretch began (the first entry, if the balance was never non-negative).
    await db.affected(sql`
      with running as (
        select e.account_id, e.posted_at,
               sum(e.amount) over w as balance,
               row_number() over w as rn
        from ledger_entry e join det_negative n on n.account_id = e.account_id and n.originated_at is null
        where e.tenant_id = ${tenantId}
        window w as (partition by e.account_id order by e.posted_at, e.id rows unbounded preceding)
      ), origin as (
        select account_id, coalesce(max(rn) filter (where balance >= 0), 0) + 1 as rn
        from running group by account_id
      )
      update det_negative n set originated_at = r.posted_at
      from running r join origin o on o.account_id = r.account_id and o.rn = r.rn
      where n.account_id = r.account_id and n.originated_at is null`);

    const origin = clock.lap();
    const updated = await db.affected(sql`
      update credit c
         set amount = -n.balance,
             originated_at = n.originated_at,
             entries_seen = n.entries,
             sla_due_at = least(c.sla_due_at, ${slaDueAtSql(sql`c.identified_at`, sql`-n.balance`, sql`null::integer`)}),
             detection_run_id = ${runId},
             updated_at = ${at}
        from det_negative n
       where c.account_id = n.account_id and c.tenant_id = ${tenantId} and c.status in (${ACTIVE})
         and (c.amount <> -n.balance or c.originated_at <> n.originated_at or c.entries_seen is distinct from n.entries)`);

    const updateMs = clock.lap();
    const opened = await db.affected(sql`
      insert into credit (tenant_id, account_id, amount, original_amount, status, root_cause,
                          originated_at, identified_at, entries_seen, sla_due_at, detection_run_id, updated_at)
      select ${tenantId}, n.account_id, -n.balance, -n.balance, ${CreditStatus.OPEN}, ${RootCauseCode.UNDETERMINED},
             n.originated_at, ${at}, n.entries, ${slaDueAtSql(sql`${at}::timestamptz`, sql`-n.balance`, sql`null::integer`)}, ${runId}, ${at}
        from det_negative n
      -- The partial unique index (one active credit per account) is the arbiter: accounts that
      -- already have one are skipped there, with no anti-join the planner could get wrong when
      -- credit's statistics are stale (a nested loop over credit was 43 s at 50k credits).
      on conflict (account_id) where status in (${ACTIVE}) do nothing`);

    const openMs = clock.lap();
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
      phaseMs: { aggregate, origin, update: updateMs, open: openMs, resolve: resolveMs, totals: merge },
    };
  }
}
