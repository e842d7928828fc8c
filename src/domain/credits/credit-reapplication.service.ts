import { sql } from 'kysely';
import type { SqlRunner } from '../../infra/db/sql-runner.js';
import type { AuditService } from '../audit/audit.service.js';
import { contentHash } from '../ledger/ledger-entry-validation.js';
import { EntryKind } from '../ledger/entry-kind.js';
import { Decimal, formatMoney } from '../money/money.js';
import { ACTIVE_CREDIT_STATUSES, CreditStatus, ResolutionKind } from './credit-enums.js';

export interface ReapplicationResult {
  dryRun: boolean;
  guarantors: number;
  moves: number;
  totalAmount: string;
  creditsResolved: number;
  /** The first moves (ids and amounts only). */
  items: { creditId: string; fromAccountId: string; toAccountId: string; amount: string }[];
}

interface Source {
  id: string;
  account_id: string;
  guarantor_id: string;
  amount: string;
}

interface Target {
  id: string;
  guarantor_id: string;
  owed: string;
  account_number: string;
  patient_id: string;
}

interface AccountKey {
  account_number: string;
  patient_id: string;
  guarantor_id: string;
}

const ACTIVE = sql.join(ACTIVE_CREDIT_STATUSES.map((s) => sql.lit(s)));
const ACTOR = 'system:credit-reapplication';
/** Owed to the patient: no refund payer and a PATIENT owner portion (an incorrect adjustment is nobody's). */
const PATIENT_OWNED = sql`c.owner_portions @> '[{"ownerKind": "PATIENT"}]'::jsonb`;

/**
 * Seed 004's "Credit Management" (Epic's self-pay credit redistribution): for every guarantor,
 * patient credits are applied to the same guarantor's oldest open patient balances — never to
 * balances a payer owes — through paired TRANSFER entries. Guarantors are processed in batches;
 * keys are deterministic per run (`reapply:<run>:<credit>:<account>`), so a retried run posts
 * nothing twice. A dry run reports the moves it would make.
 */
export class CreditReapplicationService {
  constructor(
    private readonly audit: AuditService,
    private readonly batchSize = 500,
  ) {}

  async run(db: SqlRunner, tenantId: string, runId: string, dryRun: boolean, progress?: (done: number, total: number) => Promise<void>): Promise<ReapplicationResult> {
    const result: ReapplicationResult = { dryRun, guarantors: 0, moves: 0, totalAmount: '0.00', creditsResolved: 0, items: [] };
    let total = new Decimal(0);
    const [{ n }] = (await db.rows<{ n: number }>(sql`
      select count(distinct a.guarantor_id)::integer as n from credit c join account a on a.id = c.account_id
       where c.tenant_id = ${tenantId} and c.status in (${ACTIVE}) and c.refund_payer_id is null and ${PATIENT_OWNED}`)) as [{ n: number }];
    await progress?.(0, n);
    let after = '';
    const postedAt = new Date().toISOString();
    for (;;) {
      const guarantors = (await db.rows<{ g: string }>(sql`
        select distinct a.guarantor_id as g from credit c join account a on a.id = c.account_id
         where c.tenant_id = ${tenantId} and c.status in (${ACTIVE}) and c.refund_payer_id is null and ${PATIENT_OWNED} and a.guarantor_id > ${after}
         order by a.guarantor_id limit ${this.batchSize}`)).map((r) => r.g);
      if (!guarantors.length) break;
      after = guarantors[guarantors.length - 1]!;
      const sources = await db.rows<Source>(sql`
        select c.id, c.account_id, a.guarantor_id, c.amount::text as amount from credit c join account a on a.id = c.account_id
         where c.tenant_id = ${tenantId} and c.status in (${ACTIVE}) and c.refund_payer_id is null and ${PATIENT_OWNED} and a.guarantor_id = any(${guarantors}::text[])
         order by a.guarantor_id, c.originated_at, c.id`);
      // What each account's patient side still owes (never more than the account's whole balance).
      const targets = await db.rows<Target>(sql`
        select a.id, a.guarantor_id, least(b.balance, ps.owed)::text as owed, a.account_number, a.patient_id
          from account a
          join account_balance b on b.account_id = a.id and b.balance > 0
          cross join lateral (select coalesce(sum(e.amount), 0) as owed, min(e.posted_at) as since
                                from ledger_entry e where e.account_id = a.id and e.payer_id is null) ps
         where a.tenant_id = ${tenantId} and a.guarantor_id = any(${guarantors}::text[]) and ps.owed > 0
         order by a.guarantor_id, ps.since, a.account_number`);
      const moves = this.plan(sources, targets);
      result.guarantors += guarantors.length;
      result.moves += moves.length;
      for (const m of moves) total = total.plus(m.amount);
      if (result.items.length < 50) {
        result.items.push(...moves.slice(0, 50 - result.items.length).map((m) => ({ creditId: m.source.id, fromAccountId: m.source.account_id, toAccountId: m.target.id, amount: formatMoney(m.amount) })));
      }
      if (!dryRun && moves.length) await this.apply(db, tenantId, runId, moves, postedAt, result);
      await progress?.(result.guarantors, n);
    }
    result.totalAmount = formatMoney(total);
    return result;
  }

  /** Greedy, per guarantor: each credit (oldest first) fills the oldest open patient balances. */
  private plan(sources: Source[], targets: Target[]) {
    const moves: { source: Source; target: Target; amount: Decimal }[] = [];
    const left = new Map(targets.map((t) => [t.id, new Decimal(t.owed)]));
    for (const source of sources) {
      let credit = new Decimal(source.amount);
      for (const target of targets) {
        if (!credit.gt(0)) break;
        if (target.guarantor_id !== source.guarantor_id || target.id === source.account_id) continue;
        const x = Decimal.min(credit, left.get(target.id)!);
        if (!x.gt(0)) continue;
        moves.push({ source, target, amount: x });
        left.set(target.id, left.get(target.id)!.minus(x));
        credit = credit.minus(x);
      }
    }
    return moves;
  }

  private async apply(db: SqlRunner, tenantId: string, runId: string, moves: ReturnType<CreditReapplicationService['plan']>, postedAt: string, result: ReapplicationResult): Promise<void> {
    const accountIds = [...new Set(moves.flatMap((m) => [m.source.account_id, m.target.id]))];
    const keys = new Map(
      (await db.rows<AccountKey & { id: string }>(sql`select id, account_number, patient_id, guarantor_id from account where id = any(${accountIds}::uuid[])`)).map((a) => [a.id, a]),
    );
    const rows = moves.flatMap((m) => {
      const base = `reapply:${runId}:${m.source.id}:${m.target.id}`;
      const reference = `REAPPLY ${m.source.id.slice(0, 8)}`;
      return [
        { accountId: m.source.account_id, externalId: `${base}:from`, amount: formatMoney(m.amount), reference },
        { accountId: m.target.id, externalId: `${base}:to`, amount: formatMoney(m.amount.neg()), reference },
      ].map((r) => {
        const a = keys.get(r.accountId)!;
        return {
          ...r,
          hash: contentHash({
            externalId: r.externalId, accountNumber: a.account_number, patientId: a.patient_id, guarantorId: a.guarantor_id, guarantorGiven: true,
            payerCode: null, kind: EntryKind.TRANSFER, amount: r.amount, postedAt, serviceDate: null, claimNumber: null, reference: r.reference, reasonCode: null,
          }),
        };
      });
    });
    const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
    await db.affected(sql`
      insert into ledger_entry (tenant_id, account_id, external_id, kind, amount, posted_at, reference, content_hash)
      select ${tenantId}, u.account_id, u.external_id, ${EntryKind.TRANSFER}, u.amount, ${postedAt}::timestamptz, u.reference, u.hash
        from unnest(${col('accountId')}::uuid[], ${col('externalId')}::text[], ${col('amount')}::numeric[], ${col('reference')}::text[], ${col('hash')}::text[])
             as u(account_id, external_id, amount, reference, hash)
      on conflict (tenant_id, external_id) do nothing`);
    const creditIds = [...new Set(moves.map((m) => m.source.id))];
    const settled = await db.rows<{ id: string; status: string }>(sql`
      update credit c
         set amount = greatest(0, -b.balance),
             status = case when b.balance >= 0 then ${CreditStatus.RESOLVED} else c.status end,
             resolution = case when b.balance >= 0 then ${ResolutionKind.TRANSFER} else c.resolution end,
             resolved_at = case when b.balance >= 0 then now() else c.resolved_at end,
             resolved_by = case when b.balance >= 0 then ${ACTOR} else c.resolved_by end,
             updated_at = now()
        from account_balance b
       where b.account_id = c.account_id and c.id = any(${creditIds}::uuid[]) and c.status in (${ACTIVE})
      returning c.id, c.status`);
    result.creditsResolved += settled.filter((s) => s.status === CreditStatus.RESOLVED).length;
    await this.audit.append(db, tenantId, ACTOR, moves.map((m) => ({
      action: 'credit.reapply',
      subjectType: 'credit',
      subjectId: m.source.id,
      after: { toAccountId: m.target.id, amount: formatMoney(m.amount), runId },
    })));
  }
}
