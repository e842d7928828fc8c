import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { RequestContext } from '../domain/context/request-context.js';
import { Role } from '../domain/context/role.js';
import { UnitOfWork } from '../infra/db/unit-of-work.js';

/**
 * Runs domain calls outside HTTP (demo, CLIs, benchmarks) as a named system actor, in one unit of
 * work that commits when `fn` resolves, exactly as a request would.
 */
export async function asSystem<T>(orm: MikroORM, tenantId: string, actorId: string, fn: (ctx: RequestContext) => Promise<T>): Promise<T> {
  const uow = new UnitOfWork(orm, tenantId);
  const ctx = new RequestContext({ id: `system:${actorId}`, tenantId, roles: [Role.ADMIN] }, uow, randomUUID());
  try {
    const result = await fn(ctx);
    await uow.commit();
    return result;
  } catch (error) {
    await uow.rollback();
    throw error;
  }
}
