import { sql } from 'kysely';
import type { RequestContext } from '../context/request-context.js';
import { BadInputError } from '../errors.js';
import type { TenantService } from '../tenancy/tenant.service.js';
import { Payer } from './payer.entity.js';
import { defaultRefundDeadlineDays, PayerKind } from './payer-kind.js';

export interface PayerUpsert {
  code: string;
  name: string;
  kind: PayerKind;
  refundDeadlineDays?: number | null;
  /** Null keeps the current setting (a new payer: by kind). */
  allowOffset?: boolean | null;
}

const PAYER_CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class PayerService {
  constructor(private readonly tenants: TenantService) {}

  async list(ctx: RequestContext): Promise<Payer[]> {
    const em = await ctx.uow.tx();
    return em.find(Payer, {}, { orderBy: { code: 'asc' } });
  }

  /**
   * Creates a payer or updates the one with the same code. Without `refundDeadlineDays` a new payer
   * gets its kind's default and an existing one keeps its deadline.
   */
  async upsert(ctx: RequestContext, input: PayerUpsert): Promise<Payer> {
    const code = input.code.trim();
    const name = input.name.trim();
    if (!PAYER_CODE.test(code)) {
      throw new BadInputError('input.code', 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');
    }
    if (name.length < 1 || name.length > 200) throw new BadInputError('input.name', 'must be 1-200 characters');
    const days = input.refundDeadlineDays;
    if (days !== undefined && days !== null && (!Number.isInteger(days) || days < 1 || days > 3650)) {
      throw new BadInputError('input.refundDeadlineDays', 'must be a whole number of days between 1 and 3650');
    }
    await this.tenants.ensure(ctx);
    const row = await ctx.uow.one<{ id: string }>(sql`
      insert into payer as p (tenant_id, code, name, kind, refund_deadline_days, allow_offset)
      values (${ctx.tenantId}, ${code}, ${name}, ${input.kind}, ${days ?? defaultRefundDeadlineDays(input.kind)}, ${input.allowOffset ?? null}::boolean)
      on conflict (tenant_id, code) do update
        set name = excluded.name,
            kind = excluded.kind,
            refund_deadline_days = coalesce(${days ?? null}::integer, p.refund_deadline_days),
            allow_offset = coalesce(${input.allowOffset ?? null}::boolean, p.allow_offset),
            updated_at = now()
      returning id`);
    const em = await ctx.uow.tx();
    return em.findOneOrFail(Payer, { id: row!.id }, { refresh: true });
  }
}
