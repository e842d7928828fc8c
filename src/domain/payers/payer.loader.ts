import DataLoader from 'dataloader';
import type { RequestContext } from '../context/request-context.js';
import { Payer } from './payer.entity.js';

/** Payers by id, one query per batch. */
export function payerLoader(ctx: RequestContext): DataLoader<string, Payer | null> {
  return new DataLoader(async (ids) => {
    const em = await ctx.uow.tx();
    const payers = await em.find(Payer, { id: { $in: [...ids] } });
    const byId = new Map(payers.map((p) => [p.id, p]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}
