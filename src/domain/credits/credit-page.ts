import { sql, type RawBuilder } from 'kysely';
import type { RequestContext } from '../context/request-context.js';
import { BadInputError } from '../errors.js';
import { isUuid } from '../ids.js';
import { isMoneyText, moneyFromDb } from '../money/money.js';
import type { Credit } from './credit.entity.js';
import { ACTIVE_CREDIT_STATUSES, type CreditStatus } from './credit-enums.js';

/**
 * A credit as the API reads it in lists: plain values, no entity. The credits page reads 50 of
 * these plus their nested fields per request; hydrating MikroORM entities for them (every column,
 * the identity map, then a change-set pass over all of them at commit) was most of its CPU.
 */
export type CreditRow = Pick<
  Credit,
  | 'id' | 'accountId' | 'amount' | 'originalAmount' | 'status' | 'rootCause' | 'refundPayerId' | 'originatedAt' | 'identifiedAt'
  | 'slaDueAt' | 'resolution' | 'resolvedAt' | 'rootCauseExplanation' | 'findings' | 'ownerPortions' | 'complexity' | 'slaReason'
  | 'deadlineSuspendedDays' | 'suspensionReason' | 'suspendedBy' | 'suspendedAt' | 'worklistId' | 'assignee' | 'assignedAt'
>;

export interface CreditPage {
  edges: { node: CreditRow; cursor: string }[];
  /** Null when not asked for. */
  totalCount: number | null;
  hasNextPage: boolean;
  endCursor: string | null;
}

/** Which credits a page lists: a status set (none: every status) and further SQL conditions over `c`. */
export interface CreditSet {
  statuses?: readonly CreditStatus[];
  conditions?: RawBuilder<unknown>[];
}

/** One key of a keyset order: a credit column, its kind (how a cursor holds it) and direction. */
export interface OrderKey {
  column: 'originated_at' | 'sla_due_at' | 'amount' | 'id';
  kind: 'timestamp' | 'money' | 'uuid';
  direction: 'asc' | 'desc';
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

// The key columns come back as PostgreSQL's own text ('2026-11-21 13:40:27.123456+00'), so a cursor
// keeps microseconds: one rounded to milliseconds would skip or repeat rows that share the millisecond.
const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)$/;
const validKey: Record<OrderKey['kind'], (v: unknown) => boolean> = {
  timestamp: (v) => typeof v === 'string' && TIMESTAMP_TEXT.test(v),
  money: (v) => typeof v === 'string' && isMoneyText(v),
  uuid: (v) => typeof v === 'string' && isUuid(v),
};
const keyCast: Record<OrderKey['kind'], RawBuilder<unknown>> = { timestamp: sql`timestamptz`, money: sql`numeric`, uuid: sql`uuid` };

/** base64url of the JSON array of the key values (the format MikroORM's findByCursor issued, so its cursors still work). */
const encodeCursor = (values: string[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

function decodeCursor(cursor: string, order: readonly OrderKey[]): string[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = null;
  }
  if (!Array.isArray(values) || values.length !== order.length || !order.every((key, i) => validKey[key.kind](values[i]))) {
    throw new BadInputError('after', 'is not a cursor this query returned');
  }
  return values as string[];
}

/** Rows after the cursor in `order`: (a > x) or (a = x and (b > y or (b = y and …))), each key a range of its index. */
function afterCursor(order: readonly OrderKey[], values: readonly string[], i = 0): RawBuilder<unknown> {
  const key = order[i]!;
  const column = sql.ref(`c.${key.column}`);
  const value = sql`${values[i]}::${keyCast[key.kind]}`;
  const beyond = key.direction === 'asc' ? sql`${column} > ${value}` : sql`${column} < ${value}`;
  if (i === order.length - 1) return beyond;
  return sql`(${beyond} or (${column} = ${value} and ${afterCursor(order, values, i + 1)}))`;
}

const SELECT = sql`
  c.id, c.account_id, c.amount, c.original_amount, c.status, c.root_cause, c.refund_payer_id, c.originated_at,
  c.identified_at, c.sla_due_at, c.resolution, c.resolved_at, c.root_cause_explanation, c.findings, c.owner_portions,
  c.complexity, c.sla_reason, c.deadline_suspended_days, c.suspension_reason, c.suspended_by, c.suspended_at,
  c.worklist_id, c.assignee, c.assigned_at`;

/** The row as PostgreSQL sends it: numerics and timestamps as text (the ORM's type parsers), jsonb parsed. */
export type DbCreditRow = Record<
  | 'id' | 'account_id' | 'amount' | 'original_amount' | 'status' | 'root_cause' | 'refund_payer_id' | 'originated_at' | 'identified_at'
  | 'sla_due_at' | 'resolution' | 'resolved_at' | 'root_cause_explanation' | 'complexity' | 'sla_reason' | 'suspension_reason'
  | 'suspended_by' | 'suspended_at' | 'worklist_id' | 'assignee' | 'assigned_at',
  string | null
> & { findings: Credit['findings']; owner_portions: Credit['ownerPortions']; deadline_suspended_days: number };

const date = (text: string | null) => (text === null ? null : new Date(text));

function creditFromDb(r: DbCreditRow): CreditRow {
  return {
    id: r.id!,
    accountId: r.account_id!,
    amount: moneyFromDb(r.amount),
    originalAmount: moneyFromDb(r.original_amount),
    status: r.status as CreditRow['status'],
    rootCause: r.root_cause as CreditRow['rootCause'],
    refundPayerId: r.refund_payer_id,
    originatedAt: new Date(r.originated_at!),
    identifiedAt: new Date(r.identified_at!),
    slaDueAt: new Date(r.sla_due_at!),
    resolution: r.resolution as CreditRow['resolution'],
    resolvedAt: date(r.resolved_at),
    rootCauseExplanation: r.root_cause_explanation,
    findings: r.findings,
    ownerPortions: r.owner_portions,
    complexity: r.complexity as CreditRow['complexity'],
    slaReason: r.sla_reason,
    deadlineSuspendedDays: r.deadline_suspended_days,
    suspensionReason: r.suspension_reason,
    suspendedBy: r.suspended_by,
    suspendedAt: date(r.suspended_at),
    worklistId: r.worklist_id,
    assignee: r.assignee,
    assignedAt: date(r.assigned_at),
  };
}

const sameSet = (a: readonly string[], b: readonly string[]) => new Set(a).size === new Set(b).size && b.every((s) => a.includes(s));

function whereOf(tenantId: string, set: CreditSet): RawBuilder<unknown> {
  const conditions = [sql`c.tenant_id = ${tenantId}`, ...(set.conditions ?? [])];
  if (set.statuses?.length) conditions.push(sql`c.status in (${sql.join(set.statuses.map((s) => sql.lit(s)))})`);
  return sql.join(conditions, sql` and `);
}

/**
 * How many credits the set holds. Every status, or exactly the open ones, with no other condition
 * (the page as it opens) is a sum over `credit_rollup` — kept by triggers on `credit` in the same
 * transaction as every change, so as exact as a count and O(payers) instead of O(credits);
 * anything else counts `credit`.
 */
export async function countCredits(ctx: RequestContext, set: CreditSet): Promise<number> {
  if (!set.conditions?.length) {
    const axis = !set.statuses?.length ? 'ANY' : sameSet(set.statuses, ACTIVE_CREDIT_STATUSES) ? 'OPEN' : null;
    if (axis) {
      const row = await ctx.uow.one<{ n: number }>(
        sql`select coalesce(sum(credits), 0)::integer as n from credit_rollup where tenant_id = ${ctx.tenantId} and axis = ${sql.lit(axis)}`,
      );
      return row!.n;
    }
  }
  const row = await ctx.uow.one<{ n: number }>(sql`select count(*)::integer as n from credit c where ${whereOf(ctx.tenantId, set)}`);
  return row!.n;
}

/**
 * The SQL of a page: the ids and order keys of `limit` credits of the set after `after` (the key
 * values of a cursor), then their rows. When no index gives the order (every status), the top-N
 * sort carries the keys only rather than every column of every credit (1.9 ms against 7.8 ms on
 * 2,061 credits); on an index it is the same walk plus a primary-key probe per row, and the outer
 * order is the inner one (a nested loop keeps it: no second sort). Key columns come back again as
 * text (`key_0`…), for exact cursors.
 */
export function creditPageSql(tenantId: string, set: CreditSet, order: readonly OrderKey[], limit: number, after?: readonly string[]): RawBuilder<DbCreditRow & Record<string, string>> {
  if (order.at(-1)?.column !== 'id') throw new Error('a credit order ends with the id (the tie-breaker)');
  const where = after ? sql`${whereOf(tenantId, set)} and ${afterCursor(order, after)}` : whereOf(tenantId, set);
  const inner = sql.join(order.map((k) => sql`${sql.ref(`c.${k.column}`)} ${sql.raw(k.direction)}`));
  const outer = sql.join(order.map((k, i) => sql`${sql.ref(`page.key_${i}`)} ${sql.raw(k.direction)}`));
  const keys = sql.join(order.map((k, i) => sql`${sql.ref(`c.${k.column}`)} as ${sql.ref(`key_${i}`)}`));
  const keysText = sql.join(order.map((_, i) => sql`${sql.ref(`page.key_${i}`)}::text as ${sql.ref(`key_${i}`)}`));
  return sql`
    select ${SELECT}, ${keysText}
      from (select ${keys} from credit c where ${where} order by ${inner} limit ${limit}) page
      join credit c on c.id = ${sql.ref(`page.key_${order.length - 1}`)}
     order by ${outer}`;
}

/**
 * A keyset page of credits (order-by values + id, limit + 1), shared by every credit list of the
 * API: one SQL query for the page, a second for the total only when `count` (the client asked).
 * `first` is capped and a cursor that does not fit the order is bad input.
 */
export async function pageCredits(
  ctx: RequestContext,
  set: CreditSet,
  order: readonly OrderKey[],
  first?: number | null,
  after?: string | null,
  count = true,
): Promise<CreditPage> {
  const limit = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_SIZE) {
    throw new BadInputError('first', `must be between 0 and ${MAX_PAGE_SIZE} (got ${limit})`);
  }
  const rows = await ctx.uow.rows(creditPageSql(ctx.tenantId, set, order, limit + 1, after ? decodeCursor(after, order) : undefined));
  const hasNextPage = rows.length > limit;
  if (hasNextPage) rows.pop();
  const edges = rows.map((r) => ({ node: creditFromDb(r), cursor: encodeCursor(order.map((_, i) => r[`key_${i}`]!)) }));
  return {
    edges,
    totalCount: count ? await countCredits(ctx, set) : null,
    hasNextPage,
    endCursor: edges.at(-1)?.cursor ?? null,
  };
}
