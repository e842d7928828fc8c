import 'reflect-metadata';
import type { ConnectionOptions, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { AppConfig } from '../config.js';
import { prepareDatabase } from '../infra/db/bootstrap.js';
import { createOrm } from '../infra/db/orm.js';
import { createLogger, type Logger } from '../infra/logger.js';
import { createSchema } from '../infra/graphql/schema.js';
import { createTokenVerifier } from '../infra/auth/jwt.js';
import { BullJobScheduler } from '../jobs/queues.js';
import { startWorkers } from '../jobs/workers.js';
import { createHttpServer, type HttpServer } from './http-server.js';
import { createServices, type Services } from './services.js';
import { queueDashboard } from './queue-dashboard.js';
import { reportRoutes, type ReportRoutes } from './report-routes.js';
import { LeakyBucketLimiter } from '../infra/rate-limit/leaky-bucket.js';
import { Metrics } from '../infra/metrics.js';
import { JobKind } from '../domain/jobs/job-state.js';
import { sql } from 'kysely';

/** BullMQ connection settings: BullMQ opens (and closes) its own connections from the URL. */
export function bullConnection(url: string): ConnectionOptions {
  return { url, maxRetriesPerRequest: null };
}

/** Everything one process holds: the ORM (as the app role), Redis, the queues and the services. */
export class Runtime {
  private http?: HttpServer;
  private reports?: ReportRoutes;
  private workers: Worker[] = [];
  readonly metrics: Metrics;

  private constructor(
    readonly config: AppConfig,
    readonly logger: Logger,
    readonly orm: MikroORM,
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

  /** Prepares the database (create, migrate, grant) as the owner, then connects as the app role. */
  static async start(config: AppConfig, options: { prepare?: boolean; logger?: Logger } = {}): Promise<Runtime> {
    const logger = options.logger ?? createLogger(config.logLevel);
    if (options.prepare !== false) {
      const applied = await prepareDatabase(config.databaseUrl, config.appDatabaseUrl);
      if (applied.length) logger.info({ applied }, 'migrations applied');
    }
    const orm = await createOrm({ url: config.appDatabaseUrl });
    const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
    redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
    const scheduler = new BullJobScheduler(bullConnection(config.redisUrl), config.queuePrefix);
    return new Runtime(config, logger, orm, redis, scheduler, createServices(scheduler, { autoAdjustBatch: config.autoAdjustBatch }));
  }

  async serveHttp(port = this.config.port): Promise<HttpServer> {
    const schema = await createSchema(this.services);
    const verifier = createTokenVerifier(this.config);
    this.reports = reportRoutes({
      verifier,
      appDatabaseUrl: this.config.appDatabaseUrl,
      orm: this.orm,
      audit: this.services.audit,
      tenants: this.services.tenants,
      logger: this.logger,
      rateLimit: { limiter: new LeakyBucketLimiter(this.redis), limits: this.config.limits, keyPrefix: this.config.queuePrefix },
    });
    this.http = await createHttpServer({
      schema,
      orm: this.orm,
      redis: this.redis,
      verifier,
      logger: this.logger,
      production: this.config.nodeEnv === 'production',
      limits: this.config.limits,
      keyPrefix: this.config.queuePrefix,
      metrics: this.metrics,
      audit: this.services.audit,
      queueDashboard: queueDashboard(this.scheduler, verifier, this.config.operatorTenant),
      reports: this.reports.router,
    });
    await new Promise<void>((resolve) => this.http!.server.listen(port, resolve));
    return this.http;
  }

  async startWorkers(): Promise<Worker[]> {
    this.workers = await startWorkers(
      {
        orm: this.orm,
        services: this.services,
        scheduler: this.scheduler,
        connection: bullConnection(this.config.redisUrl),
        prefix: this.config.queuePrefix,
        logger: this.logger,
        metrics: this.metrics,
        lockDurationMs: this.config.jobLockMs,
      },
      this.config.appDatabaseUrl,
    );
    return this.workers;
  }

  /** Graceful stop: no new requests, in-flight requests and jobs finish, then connections close. */
  async stop(): Promise<void> {
    if (this.http) await this.http.apollo.stop();
    await this.reports?.close();
    await Promise.all(this.workers.map((w) => w.close()));
    await this.scheduler.close();
    this.redis.disconnect();
    await this.orm.close(true);
  }
}
