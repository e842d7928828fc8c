import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import { RequestContext } from '../domain/context/request-context.js';
import { AuthenticationFailed, type TokenVerifier } from '../infra/auth/jwt.js';
import { UnitOfWork } from '../infra/db/unit-of-work.js';
import { createErrorFormatter } from '../infra/graphql/format-error.js';
import { unitOfWorkPlugin } from '../infra/graphql/unit-of-work.plugin.js';
import type { Logger } from '../infra/logger.js';
import type { ApiLimits } from '../config.js';
import { limitRules, queryCostPlugin } from '../infra/graphql/query-limits.js';
import { LeakyBucketLimiter } from '../infra/rate-limit/leaky-bucket.js';
import type { Metrics } from '../infra/metrics.js';
import type { AuditService } from '../domain/audit/audit.service.js';
import { observabilityPlugin } from '../infra/graphql/observability.plugin.js';
import { noStorePlugin } from '../infra/graphql/no-store.plugin.js';
import { dashboardRouter } from './dashboard.js';

export interface HttpServerDeps {
  schema: GraphQLSchema;
  orm: MikroORM;
  /** The read replica's ORM, when configured: reporting reads go there (RequestContext.reads). */
  readOrm?: MikroORM;
  redis: Redis;
  verifier: TokenVerifier;
  logger: Logger;
  production: boolean;
  limits: ApiLimits;
  /** Namespace of this deployment's Redis keys (rate-limit buckets). */
  keyPrefix: string;
  metrics: Metrics;
  audit: AuditService;
  /** Mounted at /admin/queues when given (bull-board, operator ADMINs only). */
  queueDashboard?: express.RequestHandler[];
  /** A server already listening (the start-up one): the app replaces its request handler. */
  server?: http.Server;
  /** The CSV report downloads (`/reports/<name>.csv`, src/app/report-routes.ts), when given. */
  reports?: express.Router;
}

export interface HttpServer {
  app: express.Express;
  server: http.Server;
  apollo: ApolloServer<RequestContext>;
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** Express app: /graphql (Apollo), /healthz (process up), /readyz (PostgreSQL, Redis, migrations). */
export async function createHttpServer(deps: HttpServerDeps): Promise<HttpServer> {
  const app = express();
  app.disable('x-powered-by');
  const server = deps.server ?? http.createServer(app);
  const apollo = new ApolloServer<RequestContext>({
    schema: deps.schema,
    introspection: !deps.production || process.env.GRAPHQL_INTROSPECTION === 'true',
    includeStacktraceInErrorResponses: !deps.production && process.env.NODE_ENV !== 'test',
    hideSchemaDetailsFromClientErrors: deps.production,
    formatError: createErrorFormatter(deps.production),
    validationRules: limitRules(deps.limits),
    plugins: [
      queryCostPlugin(deps.schema, deps.limits, new LeakyBucketLimiter(deps.redis), deps.keyPrefix),
      unitOfWorkPlugin(deps.logger, deps.audit, deps.orm),
      observabilityPlugin(deps.logger, deps.metrics),
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      // Apollo's default cache-control plugin wraps every field's resolver to collect cache hints;
      // the schema sets none, so all it ever said was `no-store`, which noStorePlugin says once.
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin(),
    ],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  if (deps.queueDashboard) app.use('/admin/queues', ...deps.queueDashboard);
  if (deps.reports) app.use(deps.reports);
  app.use('/dashboard', dashboardRouter());
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  app.get('/readyz', async (_req, res) => {
    const checks = { postgres: false, redis: false, migrations: false };
    try {
      const pending = await deps.orm.migrator.getPending().catch(() => null);
      checks.postgres = await deps.orm.isConnected();
      checks.migrations = pending !== null && pending.length === 0;
    } catch {
      checks.postgres = false;
    }
    checks.redis = await deps.redis.ping().then((r) => r === 'PONG').catch(() => false);
    const ready = checks.postgres && checks.redis && checks.migrations;
    res.status(ready ? 200 : 503).json({ ready, checks });
  });

  app.use(
    '/graphql',
    express.json({ limit: deps.limits.bodyLimitBytes }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const header = req.headers.authorization ?? '';
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        if (!match) throw unauthenticated('Missing bearer token: send Authorization: Bearer <JWT>');
        let actor;
        try {
          actor = await deps.verifier.verify(match[1]!);
        } catch (error) {
          if (error instanceof AuthenticationFailed) throw unauthenticated(error.message);
          throw error;
        }
        const given = req.headers['x-request-id'];
        const requestId = typeof given === 'string' && /^[\w-]{1,100}$/.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', requestId);
        const reads = deps.readOrm ? new UnitOfWork(deps.readOrm, actor.tenantId, { readOnly: true }) : undefined;
        return new RequestContext(actor, new UnitOfWork(deps.orm, actor.tenantId), requestId, undefined, reads);
      },
    }),
  );
  // Body-parser failures (oversized or malformed JSON) answer in GraphQL's error shape, not HTML.
  app.use((error: { status?: number; type?: string; message: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    const message =
      error.type === 'entity.too.large'
        ? `Request body exceeds the limit of ${deps.limits.bodyLimitBytes} bytes`
        : status < 500
          ? `Malformed request: ${error.message}`
          : 'Internal server error';
    if (status >= 500) deps.logger.error({ err: error }, 'unexpected HTTP error');
    res.status(status).json({ errors: [{ message, extensions: { code: status === 413 ? 'PAYLOAD_TOO_LARGE' : status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR' } }] });
  });
  if (deps.server) {
    server.removeAllListeners('request');
    server.on('request', app);
  }
  return { app, server, apollo };
}
