import { sql, type RawBuilder } from 'kysely';
import type { SqlRunner } from '../../infra/db/sql-runner.js';
import type { AuditService } from '../audit/audit.service.js';
import { BadInputError } from '../errors.js';
import { contentHash } from '../ledger/ledger-entry-validation.js';
import { EntryKind } from '../ledger/entry-kind.js';
import { Decimal, formatMoney, parseMoney } from '../money/money.js';
import { CreditStatus, ResolutionKind, RootCauseCode } from './credit-enums.js';

export interface AutoAdjustOptions {
  /** Credits strictly below it are eligible. @defaultValue "100.00" */
  maxAmount: string;
  /** Report what would be adjusted, post nothing. @defaultValue false */
  dryRun: boolean;
}

export interface AutoAdjustResult {
  dryRun: boolean;
  maxAmount: string;
  eligible: number;
  adjusted: number;
  totalAmount: string;
  /** The first eligible credits (dry run): ids and amounts only. */
  items: { creditId: string; amount: string }[];
}

const ACTOR = 'system:auto-adjust';

/** A credit resolved by a batch's compare-and-set, with what its entry's content hash covers. */
interface Resolved {
  id: string;
  account_id: string;
  amount: string;
  payer_id: string | null;
  payer_code: string | null;
  account_number: string;
  patient_id: string;
  guarantor_id: string;
}

/** Validates the mutation's input before a run is recorded. */
export function autoAdjustOptions(input: { maxAmount?: Decimal | null; dryRun?: boolean | null }): AutoAdjustOptions {
  const max = input.maxAmount ?? parseMoney('100.00');
  if (!max.gt(0) || max.gt(100_000)) throw new BadInputError('input.maxAmount', 'must be above 0 and at most 100000.00');
  return { maxAmount: formatMoney(max), dryRun: input.dryRun ?? false };
}

/**
 * Batch auto-adjustment of small credits (seed 000: under $100, batch processing). Eligible: OPEN
 * (not under review or approval), the account still negative by less than maxAmount, and allowed
 * by the tenant policy — by default not owed to MEDICARE/MEDICAID (which must be returned) nor to
 * the patient (owed to them, and unclaimed-property law applies). Per credit one ADJUSTMENT entry
 * with the deterministic key `auto-adjust:<credit id>`, the credit RESOLVED as AUTO_ADJUSTMENT, and
 * an audit event, batch by batch inside the run's one transaction: a crash leaves nothing, a rerun
 * or a retry posts nothing twice.
 */
export class AutoAdjustService {
  constructor(
    private readonly audit: AuditService,
    private readonly batchSize = 5000,
  ) {}

  async run(db: SqlRunner, tenantId: string, runId: string, options: AutoAdjustOptions, progress?: (done: number, total: number) => Promise<void>): Promise<AutoAdjustResult> {
    const policy = await db.one<{ government: boolean; patient: boolean }>(
      sql`select auto_adjust_government as government, auto_adjust_patient as patient from tenant_policy where tenant_id = ${tenantId}`,
    );
    const government = policy?.government ?? false;
    const patient = policy?.patient ?? false;
    // Eligibility over credit c, account_balance b and payer p (the refund payer).
    const eligibility = sql`c.tenant_id = ${tenantId} and c.status = ${CreditStatus.OPEN}
       and b.balance < 0 and -b.balance < ${options.maxAmount}::numeric
       and (${government} or p.kind is null or p.kind not in ('MEDICARE', 'MEDICAID'))
       and (${patient} or c.refund_payer_id is not null or c.root_cause = ${RootCauseCode.INCORRECT_ADJUSTMENT})`;
    const eligible = sql`
      from credit c
      join account_balance b on b.account_id = c.account_id
      left join payer p on p.id = c.refund_payer_id
     where ${eligibility}`;
    const totalsOf = async (from: RawBuilder<unknown>, amount: RawBuilder<unknown>) => {
      const totals = await db.one<{ n: number; amount: string }>(sql`select count(*)::integer as n, coalesce(sum(${amount}), 0)::text as amount ${from}`);
      return { dryRun: options.dryRun, maxAmount: options.maxAmount, eligible: totals!.n, adjusted: 0, totalAmount: formatMoney(new Decimal(totals!.amount)), items: [] } as AutoAdjustResult;
    };
    if (options.dryRun) {
      const result = await totalsOf(eligible, sql`-b.balance`);
      result.items = (await db.rows<{ id: string; amount: string }>(sql`select c.id, (-b.balance)::text as amount ${eligible} order by -b.balance desc, c.id limit 20`)).map((r) => ({ creditId: r.id, amount: r.amount }));
      return result;
    }
    // The candidates are numbered once (one join over the eligible set, which also gives the
    // totals), in account order so that each batch's entries land in one stretch of the ledger's
    // and the balances' account indexes; each batch then re-checks eligibility for its own rows
    // through primary keys only, so a balance or status that changed since is honoured, and the
    // planner never re-joins a million balances per batch.
    await db.affected(sql`create temp table auto_adjust_candidate (n bigint primary key, id uuid not null, amount numeric not null) on commit drop`);
    const candidates = await db.affected(sql`insert into auto_adjust_candidate (n, id, amount) select row_number() over (order by c.account_id), c.id, -b.balance ${eligible}`);
    await db.affected(sql`analyze auto_adjust_candidate`);
    const result = await totalsOf(sql`from auto_adjust_candidate`, sql`amount`);
    await progress?.(0, result.eligible);
    const chain = await this.audit.chain(db, tenantId);
    const postedAt = new Date().toISOString();
    const reference = `AUTO-ADJUST ${runId.slice(0, 8)}`;
    // Compare-and-set: only credits still OPEN and still eligible are resolved, and only those
    // get an entry and an audit event (written together by post()).
    const resolve = (lo: number) =>
      db.rows<Resolved>(sql`
        with picked as (
          select c.ctid as credit_tid, c.id, c.account_id, (-b.balance)::text as amount, c.refund_payer_id as payer_id, p.code as payer_code,
                 a.account_number, a.patient_id, a.guarantor_id
            from auto_adjust_candidate k
            -- One primary-key probe per candidate, whatever credit's statistics say: right after a
            -- detection run they still describe an empty table, and the planner then hashed every
            -- open credit for each batch (OFFSET 0 keeps the subquery from being flattened).
            cross join lateral (select ctid, * from credit c where c.id = k.id offset 0) c
            join account_balance b on b.account_id = c.account_id
            join account a on a.id = c.account_id
            left join payer p on p.id = c.refund_payer_id
           where k.n > ${lo} and k.n <= ${lo + this.batchSize} and ${eligibility}
        )
        -- The row just read, by its tuple id (a TID scan, again whatever the statistics say; by id
        -- the planner walked a partial index of open credits per row). A credit updated by another
        -- transaction meanwhile fails the re-check of the tuple id and is left for the next run.
        update credit c set status = ${CreditStatus.RESOLVED}, resolution = ${ResolutionKind.AUTO_ADJUSTMENT}, amount = 0,
               resolved_at = now(), resolved_by = ${ACTOR}, detection_run_id = ${runId}::uuid, updated_at = now()
          from picked
         where c.ctid = picked.credit_tid and c.status = ${CreditStatus.OPEN}
        returning picked.id, picked.account_id, picked.amount, picked.payer_id, picked.payer_code, picked.account_number, picked.patient_id, picked.guarantor_id`);
    // The batch's entries and audit events as one statement (hashed and sealed here, in Node).
    const posting = (resolved: Resolved[]) => {
      const entries = resolved.map((c) => {
        const amount = formatMoney(new Decimal(c.amount));
        const external_id = `auto-adjust:${c.id}`;
        const hash = contentHash({
          externalId: external_id, accountNumber: c.account_number, patientId: c.patient_id, guarantorId: c.guarantor_id,
          guarantorGiven: true, payerCode: c.payer_code, kind: EntryKind.ADJUSTMENT, amount, postedAt, serviceDate: null,
          claimNumber: null, reference, reasonCode: null,
        });
        return { account_id: c.account_id, external_id, amount, payer_id: c.payer_id, hash };
      });
      const sealed = chain.seal(ACTOR, resolved.map((c, i) => ({
        action: 'credit.auto_adjust',
        subjectType: 'credit',
        subjectId: c.id,
        before: { status: CreditStatus.OPEN, amount: entries[i]!.amount },
        after: { status: CreditStatus.RESOLVED, resolution: ResolutionKind.AUTO_ADJUSTMENT, entry: entries[i]!.external_id, runId },
        reason: `open credit under ${options.maxAmount}`,
      })));
      // The keys are deterministic and the credits were OPEN under the compare-and-set, so a key
      // already posted (a credit auto-adjusted, reopened and adjusted again) is skipped by the
      // anti-join, cheaper than ON CONFLICT's speculative insertion; a concurrent writer of the
      // same key would fail the run on the unique index, and its retry then skips the key.
      return sql`
        with posted as (
          insert into ledger_entry (tenant_id, account_id, external_id, kind, amount, posted_at, payer_id, reference, content_hash)
          select ${tenantId}, u.account_id, u.external_id, ${EntryKind.ADJUSTMENT}, u.amount, ${postedAt}::timestamptz, u.payer_id, ${reference}, u.hash
            from jsonb_to_recordset(${JSON.stringify(entries)}::jsonb) as u(account_id uuid, external_id text, amount numeric, payer_id uuid, hash text)
           where not exists (select 1 from ledger_entry e where e.tenant_id = ${tenantId} and e.external_id = u.external_id)
           order by u.account_id)
        ${chain.insertSql(sealed)}`;
    };
    // Pipelined on the run's one connection, where statements queue and run in order: batch i+1's
    // compare-and-set is queued behind batch i's insert, so PostgreSQL works through both while
    // Node hashes and seals batch i+1. A queued statement's failure surfaces when it is awaited.
    const queued = <T>(p: Promise<T>) => (p.catch(() => undefined), p);
    let resolving: Promise<Resolved[]> | null = candidates > 0 ? queued(resolve(0)) : null;
    let inserting: Promise<unknown> | null = null;
    let pending = 0;
    for (let lo = 0; resolving; lo += this.batchSize) {
      const resolved = await resolving;
      resolving = lo + this.batchSize < candidates ? queued(resolve(lo + this.batchSize)) : null;
      const statement = resolved.length ? posting(resolved) : null;
      if (inserting) {
        await inserting;
        result.adjusted += pending;
        await progress?.(result.adjusted, result.eligible);
      }
      inserting = statement ? queued(db.affected(statement)) : Promise.resolve();
      pending = resolved.length;
    }
    if (inserting) {
      await inserting;
      result.adjusted += pending;
      await progress?.(result.adjusted, result.eligible);
    }
    return result;
  }
}
