import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type express from 'express';
import { Role } from '../domain/context/role.js';
import { JobKind } from '../domain/jobs/job-state.js';
import { AuthenticationFailed, type TokenVerifier } from '../infra/auth/jwt.js';
import type { BullJobScheduler } from '../jobs/queues.js';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
const COOKIE = 'cbs_queue_dashboard';

function cookie(req: express.Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/**
 * bull-board for operators. Queues hold every tenant's runs, so only an ADMIN of the operator
 * tenant may open it. A browser signs in once with `?token=<JWT>`, kept in an httpOnly cookie.
 */
export function queueDashboard(scheduler: BullJobScheduler, verifier: TokenVerifier, operatorTenant: string): express.RequestHandler[] {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: Object.values(JobKind).map((kind) => new BullMQAdapter(scheduler.queue(kind), { readOnlyMode: false })),
    serverAdapter: adapter,
  });
  const guard: express.RequestHandler = async (req, res, next) => {
    const fromQuery = typeof req.query.token === 'string' ? req.query.token : undefined;
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = fromQuery ?? bearer ?? cookie(req, COOKIE);
    if (!token) return void res.status(401).json({ error: 'sign in with ?token=<JWT> (an ADMIN token of the operator tenant)' });
    try {
      const actor = await verifier.verify(token);
      if (actor.tenantId !== operatorTenant || !actor.roles.includes(Role.ADMIN)) {
        return void res.status(403).json({ error: `the queue dashboard needs the ADMIN role in tenant "${operatorTenant}"` });
      }
    } catch (error) {
      if (error instanceof AuthenticationFailed) return void res.status(401).json({ error: error.message });
      return next(error);
    }
    if (fromQuery) {
      res.setHeader('set-cookie', `${COOKIE}=${encodeURIComponent(token)}; Path=${QUEUE_DASHBOARD_PATH}; HttpOnly; SameSite=Strict`);
    }
    next();
  };
  return [guard, adapter.getRouter() as express.RequestHandler];
}
