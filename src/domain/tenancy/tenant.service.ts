import { sql } from 'kysely';
import type { RequestContext } from '../context/request-context.js';

/** Tenants are provisioned on their first write: the token's tenant claim is the tenant id. */
export class TenantService {
  async ensure(ctx: RequestContext): Promise<void> {
    await ctx.uow.affected(sql`insert into tenant (id, name) values (${ctx.tenantId}, ${ctx.tenantId}) on conflict (id) do nothing`);
  }
}
