import DataLoader from 'dataloader';
import { sql } from 'kysely';
import type { RequestContext } from '../context/request-context.js';
import type { Payer } from './payer.entity.js';

/** A payer as the API shows it: plain values. */
export type PayerRow = Pick<Payer, 'id' | 'code' | 'name' | 'kind' | 'refundDeadlineDays' | 'allowOffset'>;

/** Payers by id, one query per batch, only the columns the API shows. */
export function payerLoader(ctx: RequestContext): DataLoader<string, PayerRow | null> {
  return new DataLoader(async (ids) => {
    const payers = await ctx.uow.rows<PayerRow>(sql`
      select p.id, p.code, p.name, p.kind, p.refund_deadline_days as "refundDeadlineDays", p.allow_offset as "allowOffset"
        from payer p where p.tenant_id = ${ctx.tenantId} and p.id = any(${ids}::uuid[])`);
    const byId = new Map(payers.map((p) => [p.id, p]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}
