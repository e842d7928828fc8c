import { CursorError } from '@mikro-orm/core';
import type { RequestContext } from '../context/request-context.js';
import { BadInputError } from '../errors.js';
import type { Decimal } from '../money/money.js';
import { Account } from '../accounts/account.entity.js';
import { Payer } from '../payers/payer.entity.js';
import { AgingBucket, originatedRange } from './aging-bucket.js';
import { Credit } from './credit.entity.js';
import type { CreditStatus, RootCauseCode } from './credit-enums.js';
import { isUuid } from '../ids.js';

export interface CreditQuery {
  statuses?: CreditStatus[] | null;
  rootCauses?: RootCauseCode[] | null;
  payerCodes?: string[] | null;
  agingBuckets?: AgingBucket[] | null;
  minAmount?: Decimal | null;
  maxAmount?: Decimal | null;
  accountNumber?: string | null;
}

export interface CreditPage {
  edges: { node: Credit; cursor: string }[];
  /** Null when not asked for. */
  totalCount: number | null;
  hasNextPage: boolean;
  endCursor: string | null;
}

/**
 * A keyset page of credits (MikroORM's findByCursor: order-by values + id, limit + 1), shared by
 * every credit list of the API; `first` is capped and a foreign cursor is bad input. The total
 * count is a second query over the whole filtered set: only when `count` (the client asked).
 */
export async function pageCredits(
  ctx: RequestContext,
  where: Record<string, unknown>,
  orderBy: Record<string, 'asc' | 'desc'>,
  first?: number | null,
  after?: string | null,
  count = true,
): Promise<CreditPage> {
  const limit = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_SIZE) {
    throw new BadInputError('first', `must be between 0 and ${MAX_PAGE_SIZE} (got ${limit})`);
  }
  const em = await ctx.uow.tx();
  try {
    const cursor = await em.findByCursor(Credit, { where, first: limit, after: after ?? undefined, orderBy, includeCount: count });
    return {
      edges: cursor.items.map((node) => ({ node, cursor: cursor.from(node) })),
      totalCount: count ? (cursor.totalCount ?? null) : null,
      hasNextPage: cursor.hasNextPage,
      endCursor: cursor.endCursor,
    };
  } catch (error) {
    if (error instanceof CursorError) throw new BadInputError('after', 'is not a cursor this query returned');
    throw error;
  }
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

type Where = Record<string, unknown>;

export class CreditService {
  /**
   * A page of credits, oldest origination first, with keyset cursors over (originatedAt, id):
   * stable under concurrent inserts and as fast on page 1,000 as on page 1.
   */
  async list(ctx: RequestContext, query: CreditQuery, first?: number | null, after?: string | null, options: { count?: boolean } = {}): Promise<CreditPage> {
    return pageCredits(ctx, await this.where(ctx, query), { originatedAt: 'asc', id: 'asc' }, first, after, options.count ?? true);
  }

  async byId(ctx: RequestContext, id: string): Promise<Credit | null> {
    if (!isUuid(id)) return null;
    const em = await ctx.uow.tx();
    return em.findOne(Credit, { id });
  }

  private async where(ctx: RequestContext, query: CreditQuery): Promise<Where> {
    const and: Where[] = [];
    if (query.statuses?.length) and.push({ status: { $in: query.statuses } });
    if (query.rootCauses?.length) and.push({ rootCause: { $in: query.rootCauses } });
    if (query.minAmount) and.push({ amount: { $gte: query.minAmount } });
    if (query.maxAmount) and.push({ amount: { $lte: query.maxAmount } });
    const em = await ctx.uow.tx();
    if (query.payerCodes?.length) {
      const payers = await em.find(Payer, { code: { $in: query.payerCodes } }, { fields: ['id'] });
      and.push({ refundPayerId: { $in: payers.map((p) => p.id) } });
    }
    if (query.accountNumber) {
      const account = await em.findOne(Account, { accountNumber: query.accountNumber }, { fields: ['id'] });
      and.push({ accountId: account?.id ?? '00000000-0000-0000-0000-000000000000' });
    }
    if (query.agingBuckets?.length) {
      and.push({
        $or: query.agingBuckets.map((bucket) => {
          const range = originatedRange(bucket, ctx.now);
          const originatedAt: Where = {};
          if (range.after) originatedAt.$gt = range.after;
          if (range.atOrBefore) originatedAt.$lte = range.atOrBefore;
          return { originatedAt };
        }),
      });
    }
    return and.length ? { $and: and } : {};
  }
}
