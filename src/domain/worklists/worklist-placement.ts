import { sql, type RawBuilder } from 'kysely';
import { ageDaysSql, agingBucketSql } from '../credits/aging-bucket.js';
import { dollarTierSql } from '../credits/dollar-tier.js';
import type { SqlRunner } from '../../infra/db/sql-runner.js';

/** The catch-all sorts after every worklist a user can create. */
const DEFAULT_PRIORITY = 2_147_483_647;
export const DEFAULT_WORKLIST_NAME = 'All credits';

/** The tenant's catch-all worklist, created on first need. */
export async function ensureDefaultWorklist(db: SqlRunner, tenantId: string): Promise<void> {
  await db.affected(sql`
    insert into worklist (tenant_id, name, priority, is_default)
    values (${tenantId}, ${DEFAULT_WORKLIST_NAME}, ${DEFAULT_PRIORITY}, true)
    on conflict do nothing`);
}

/** The columns placement reads, as SQL expressions over the caller's FROM clause. */
export interface PlacementColumns {
  payerCode: RawBuilder<unknown>;
  payerKind: RawBuilder<unknown>;
  rootCause: RawBuilder<unknown>;
  complexity: RawBuilder<unknown>;
  amount: RawBuilder<unknown>;
  originatedAt: RawBuilder<unknown>;
}

/**
 * The placement columns of a credit-shaped row `row` (credit columns: root_cause, complexity,
 * amount, originated_at) joined to its refund payer as `p`.
 */
export function creditPlacementColumns(row: string): PlacementColumns {
  return {
    payerCode: sql`p.code`,
    payerKind: sql`p.kind`,
    rootCause: sql.ref(`${row}.root_cause`),
    complexity: sql.ref(`${row}.complexity`),
    amount: sql.ref(`${row}.amount`),
    originatedAt: sql.ref(`${row}.originated_at`),
  };
}

/**
 * The worklist a credit belongs in: the first (by priority, then id) whose criteria it matches; the
 * default catch-all matches everything and sorts last. One scalar subquery, so that the same rule
 * serves re-placement (an UPDATE over every open credit) and detection (inside the INSERT that opens
 * a credit, which is then written once instead of inserted and updated).
 */
export function placementSql(tenantId: string, now: Date, c: PlacementColumns): RawBuilder<string | null> {
  const bucket = agingBucketSql(ageDaysSql(c.originatedAt, now));
  return sql<string | null>`(
    select w.id from worklist w
     where w.tenant_id = ${tenantId}
       and (w.payer_codes is null or ${c.payerCode} = any(w.payer_codes))
       and (w.payer_kinds is null or ${c.payerKind} = any(w.payer_kinds))
       and (w.root_causes is null or ${c.rootCause} = any(w.root_causes))
       and (w.complexities is null or ${c.complexity} = any(w.complexities))
       and (w.dollar_tiers is null or ${dollarTierSql(c.amount)} = any(w.dollar_tiers))
       and (w.aging_buckets is null or ${bucket} = any(w.aging_buckets))
     order by w.priority, w.id limit 1)`;
}
