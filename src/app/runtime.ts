import 'reflect-metadata';
import type http from 'node:http';
import type { ConnectionOptions, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { AppConfig } from '../config.js';
import { prepareDatabase } from '../infra/db/bootstrap.js';
import { createOrm } from '../infra/db/orm.js';
import { connectionErrorLogger, createLogger, type Logger } from '../infra/logger.js';
import { createSchema } from '../infra/graphql/schema.js';
import { createTokenVerifier } from '../infra/auth/jwt.js';
import { BullJobScheduler } from '../jobs/queues.js';
import { startRequeueSweeper, startWorkers } from '../jobs/workers.js';
import { createHttpServer, type HttpServer } from './http-server.js';
import { createServices, type Services } from './services.js';
import { queueDashboard } from './queue-dashboard.js';
import { reportRoutes, type ReportRoutes } from './report-routes.js';
import { LeakyBucketLimiter } from '../infra/rate-limit/leaky-bucket.js';
import { Metrics } from '../infra/metrics.js';
import { JobKind } from '../domain/jobs/job-state.js';
import { sql } from 'kysely';
import { hostOf } from '../infra/availability.js';
import { pingRedis, retryUntilAvailable, type StartupState } from './startup.js';

/** BullMQ connection settings: BullMQ opens (and closes) its own connections from the URL. */
export function bullConnection(url: string): ConnectionOptions {
  return { url, maxRetriesPerRequest: null };
}

/** Everything one process holds: the ORM (as the app role), Redis, the queues and the services. */
export class Runtime {
  private http?: HttpServer;
  private reports?: ReportRoutes;
  private workers: Worker[] = [];
  private stopSweeper?: () => Promise<void>;
  readonly metrics: Metrics;

  private constructor(
    readonly config: AppConfig,
    readonly logger: Logger,
    readonly orm: MikroORM,
    /** The read replica's ORM (APP_DATABASE_REPLICA_URL), if any. */
    readonly readOrm: MikroORM | undefined,
    readonly redis: Redis,
    readonly scheduler: BullJobScheduler,
    readonly services: Services,
  ) {
    this.metrics = new Metrics({
      queueDepth: async () => {
        const depth: Record<string, number> = {};
        for (const kind of Object.values(JobKind)) {
          const counts = await scheduler.queue(kind).getJobCounts('waiting', 'delayed', 'prioritized');
          depth[kind] = Object.values(counts).reduce((a, b) => a + b, 0);
        }
        return depth;
      },
      openCredits: async () => {
        const result = await sql<{ bucket: string; credits: string }>`select bucket, credits from open_credit_buckets()`.execute(orm.em.fork().getKysely());
        return result.rows.map((r) => ({ bucket: r.bucket, credits: Number(r.credits) }));
      },
    });
  }

  /**
   * Prepares the database (create, migrate, grant) as the owner, then connects as the app role.
   * With `startup`, a dependency that does not answer is waited for (logged, shown on /readyz)
   * instead of failing the start; without it (tests, tools) the first failure throws.
   */
  static async start(config: AppConfig, options: { prepare?: boolean; logger?: Logger; startup?: StartupState } = {}): Promise<Runtime> {
    const logger = options.logger ?? createLogger(config.logLevel);
    const { startup } = options;
    const attempt = <T>(what: string, fn: () => Promise<T>) => (startup ? retryUntilAvailable(what, fn, { logger, state: startup }) : fn());
    const postgres = `PostgreSQL at ${hostOf(config.databaseUrl)}`;
    if (options.prepare !== false) {
      const applied = await attempt(postgres, () => prepareDatabase(config.databaseUrl, config.appDatabaseUrl));
      if (applied.length) logger.info({ applied }, 'migrations applied');
    }
    const orm = await attempt(postgres, async () => {
      const created = await createOrm({ url: config.appDatabaseUrl });
      try {
        await created.driver.getConnection().execute('select 1');
      } catch (error) {
        await created.close(true);
        throw error;
      }
      return created;
    });
    if (startup) {
      startup.checks.postgres = true;
      startup.checks.migrations = true;
      await attempt(`Redis at ${hostOf(config.redisUrl)}`, () => pingRedis(config.redisUrl));
      startup.checks.redis = true;
    }
    // Without an offline queue, a command fails at once while Redis is unreachable (readyz says
    // so, the rate limiter fails open) instead of hanging the request.
    const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    redis.on('error', connectionErrorLogger(logger, 'redis connection error'));
    const scheduler = new BullJobScheduler(bullConnection(config.redisUrl), config.queuePrefix, connectionErrorLogger(logger, 'queue connection error'));
    // The replica's pool connects lazily: a replica that is down fails reporting reads with
    // SERVICE_UNAVAILABLE, never the start or the primary's work.
    const readOrm = config.appDatabaseReplicaUrl ? await createOrm({ url: config.appDatabaseReplicaUrl, applicationName: 'credit-balance-replica' }) : undefined;
    return new Runtime(config, logger, orm, readOrm, redis, scheduler, createServices(scheduler, { autoAdjustBatch: config.autoAdjustBatch, reapplyBatch: config.reapplyBatch }));
  }

  /**
   * Serves the API on `port`, or takes over `server` (already listening, e.g. the one that
   * answered "not ready" while the dependencies were awaited).
   */
  async serveHttp(port = this.config.port, server?: http.Server): Promise<HttpServer> {
    const schema = await createSchema(this.services);
    const verifier = createTokenVerifier(this.config);
    this.reports = reportRoutes({
      verifier,
      appDatabaseUrl: this.config.appDatabaseReplicaUrl ?? this.config.appDatabaseUrl,
      orm: this.orm,
      audit: this.services.audit,
      tenants: this.services.tenants,
      logger: this.logger,
      rateLimit: { limiter: new LeakyBucketLimiter(this.redis), limits: this.config.limits, keyPrefix: this.config.queuePrefix },
    });
    this.http = await createHttpServer({
      schema,
      orm: this.orm,
      readOrm: this.readOrm,
      redis: this.redis,
      verifier,
      logger: this.logger,
      production: this.config.nodeEnv === 'production',
      limits: this.config.limits,
      keyPrefix: this.config.queuePrefix,
      metrics: this.metrics,
      audit: this.services.audit,
      queueDashboard: queueDashboard(this.scheduler, verifier, this.config.operatorTenant),
      server,
      reports: this.reports.router,
    });
    if (!server) await new Promise<void>((resolve) => this.http!.server.listen(port, resolve));
    return this.http;
  }

  async startWorkers(): Promise<Worker[]> {
    const deps = {
      orm: this.orm,
      services: this.services,
      scheduler: this.scheduler,
      connection: bullConnection(this.config.redisUrl),
      prefix: this.config.queuePrefix,
      logger: this.logger,
      metrics: this.metrics,
      lockDurationMs: this.config.jobLockMs,
    };
    this.workers = await startWorkers(deps, this.config.appDatabaseUrl);
    this.stopSweeper = startRequeueSweeper(deps, this.config.appDatabaseUrl, this.config.jobSweepMs);
    return this.workers;
  }

  /** Graceful stop: no new requests, in-flight requests and jobs finish, then connections close. */
  async stop(): Promise<void> {
    if (this.http) await this.http.apollo.stop();
    await this.stopSweeper?.();
    await this.reports?.close();
    await Promise.all(this.workers.map((w) => w.close()));
    await this.scheduler.close();
    this.redis.disconnect();
    await this.orm.close(true);
    await this.readOrm?.close(true);
  }
}
