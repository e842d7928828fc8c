import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express from 'express';
import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { RequestContext, type Actor } from '../domain/context/request-context.js';
import type { TenantService } from '../domain/tenancy/tenant.service.js';
import type { Role } from '../domain/context/role.js';
import { DomainError } from '../domain/errors.js';
import type { AuditService } from '../domain/audit/audit.service.js';
import { csvHeader, csvLine, reportQuery, visibleColumns, type ReportDefinition } from '../domain/reports/report.js';
import { AuthenticationFailed, type TokenVerifier } from '../infra/auth/jwt.js';
import { UnitOfWork } from '../infra/db/unit-of-work.js';
import { streamRows } from '../infra/db/row-stream.js';
import type { Logger } from '../infra/logger.js';
import type { LeakyBucketLimiter } from '../infra/rate-limit/leaky-bucket.js';
import type { ApiLimits } from '../config.js';
import { READ_PHI } from '../resolvers/access.js';
import { REPORT_ROUTES, type QueryParams } from './report-params.js';

export interface ReportRoutesDeps {
  verifier: TokenVerifier;
  appDatabaseUrl: string;
  orm: MikroORM;
  audit: AuditService;
  tenants: TenantService;
  logger: Logger;
  /** The GraphQL API's leaky buckets: a download takes CSV_COST points from the tenant's and the token's. */
  rateLimit?: { limiter: LeakyBucketLimiter; limits: ApiLimits; keyPrefix: string };
}

export interface ReportRoutes {
  router: express.Router;
  close(): Promise<void>;
}

/**
 * What a download costs in rate-limit points: a 500-row page of 20 fields costs 10,000 in GraphQL.
 * Capped at the token bucket's capacity, so a full bucket always allows one download.
 */
const CSV_COST = 10_000;

/** Rows are sent in chunks of about this many characters: one write per row would dominate. */
const CHUNK = 65_536;

function fail(res: express.Response, status: number, code: string, message: string, field?: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code, ...(field ? { field } : {}) } }] });
}

async function* csvChunks<R>(header: string, rows: AsyncIterable<Record<string, unknown>>, def: ReportDefinition<unknown, R>, columns: Parameters<typeof csvLine<R>>[0]): AsyncGenerator<string> {
  let chunk = header;
  for await (const raw of rows) {
    chunk += csvLine(columns, def.fromDb(raw));
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/**
 * `GET /reports/<name>.csv?<filters>`: the report as a CSV download, streamed from PostgreSQL
 * through a cursor under the tenant's row-level security, in constant memory whatever its size.
 * Same bearer token and role rules as GraphQL; PHI columns only for roles that may read PHI, and
 * their read is written to the audit trail (committed) before the first byte leaves.
 */
export function reportRoutes(deps: ReportRoutesDeps): ReportRoutes {
  const pool = new pg.Pool({ connectionString: deps.appDatabaseUrl, max: 4 });
  pool.on('error', (err) => deps.logger.warn({ err: err.message }, 'report pool connection error'));
  const router = express.Router();

  router.get('/reports/:file', async (req, res) => {
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return fail(res, 401, 'UNAUTHENTICATED', 'Missing bearer token: send Authorization: Bearer <JWT>');
    let actor: Actor;
    try {
      actor = await deps.verifier.verify(match[1]!);
    } catch (error) {
      if (error instanceof AuthenticationFailed) return fail(res, 401, 'UNAUTHENTICATED', error.message);
      throw error;
    }
    const name = /^([a-z0-9-]+)\.csv$/.exec(req.params.file)?.[1];
    const route = name ? REPORT_ROUTES[name] : undefined;
    if (!route) return fail(res, 404, 'NOT_FOUND', `No report ${req.params.file}; reports: ${Object.keys(REPORT_ROUTES).map((n) => `${n}.csv`).join(', ')}`);
    if (!actor.roles.some((r) => route.roles.includes(r))) return fail(res, 403, 'FORBIDDEN', `Not allowed to read the ${name} report`);

    let params: unknown;
    try {
      params = await route.params(req.query as QueryParams);
    } catch (error) {
      if (error instanceof DomainError) return fail(res, 400, error.code, error.message, error.details.field as string | undefined);
      throw error;
    }
    if (deps.rateLimit) {
      const { limiter, limits, keyPrefix } = deps.rateLimit;
      const cost = Math.min(CSV_COST, limits.tokenCapacity, limits.tenantCapacity);
      const outcome = await limiter.take(
        [
          { key: `${keyPrefix}:ratelimit:tenant:${actor.tenantId}`, capacity: limits.tenantCapacity, restorePerSecond: limits.tenantRestorePerSecond },
          { key: `${keyPrefix}:ratelimit:token:${actor.tenantId}:${actor.id}`, capacity: limits.tokenCapacity, restorePerSecond: limits.tokenRestorePerSecond },
        ],
        cost,
      );
      if (!outcome.allowed) {
        const retryAfterSeconds = Math.ceil(outcome.retryAfterMs / 1000);
        res.setHeader('retry-after', String(retryAfterSeconds));
        res.status(429).json({
          errors: [{ message: `Rate limit: a report download costs ${cost} and only ${outcome.remaining} points are left; retry in ${retryAfterSeconds} s`, extensions: { code: 'RATE_LIMITED', cost, remaining: outcome.remaining, retryAfterSeconds } }],
        });
        return;
      }
    }
    const def = route.def as ReportDefinition<unknown, unknown>;
    const columns = visibleColumns(def, actor.roles.some((r) => (READ_PHI as Role[]).includes(r)));
    const phiFields = columns.filter((c) => c.phi).map((c) => c.name);
    if (phiFields.length) {
      await UnitOfWork.run(deps.orm, actor.tenantId, async (uow) => {
        const ctx = new RequestContext(actor, uow, requestId);
        await deps.tenants.ensure(ctx); // a tenant's first request may be this one
        await deps.audit.record(ctx, { action: 'phi.read', subjectType: 'report', subjectId: requestId, after: { report: name, params, fields: phiFields } });
      });
    }
    const asOf = new Date();
    res.status(200);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${name}-${asOf.toISOString().slice(0, 10)}.csv"`);
    res.setHeader('cache-control', 'no-store');
    const rows = streamRows(pool, actor.tenantId, reportQuery(def, actor.tenantId, params, asOf));
    try {
      await pipeline(Readable.from(csvChunks(csvHeader(columns), rows, def, columns)), res);
    } catch (error) {
      // Headers are gone: a client that disconnects, or a failure mid-stream, ends the response.
      if (!res.writableEnded) res.destroy();
      if ((error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
        deps.logger.error({ err: error, requestId, report: name }, 'report stream failed');
      }
    }
  });

  return { router, close: () => pool.end() };
}
