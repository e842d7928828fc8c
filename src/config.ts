/**
 * Process configuration, read once from environment variables and validated at start.
 * Every default works on a developer machine with PostgreSQL and Redis on localhost.
 */
export interface AppConfig {
  /** Owner connection: creates the database, runs migrations, grants privileges to the app role. */
  databaseUrl: string;
  /** Connection the API and workers use: a non-superuser role without BYPASSRLS that owns nothing. */
  appDatabaseUrl: string;
  /**
   * Optional read replica (the same app role on a PostgreSQL hot standby): KPI, trend and report
   * reads go there in read-only transactions; everything else stays on the primary.
   */
  appDatabaseReplicaUrl?: string;
  redisUrl: string;
  port: number;
  jwtSecret: string;
  /** Optional JWKS endpoint for RS256/ES256 tokens (production). */
  jwtJwksUrl?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  /** BullMQ key prefix, so several deployments (or test files) can share one Redis. */
  queuePrefix: string;
  nodeEnv: string;
  logLevel: string;
  limits: ApiLimits;
  /** The tenant whose ADMINs operate the platform (queue dashboard). */
  operatorTenant: string;
  /** How long a worker holds a job before BullMQ deems it stalled and hands it to another worker. */
  jobLockMs: number;
  /** Credits per batch in the auto-adjust job. */
  autoAdjustBatch: number;
  /** Guarantors per batch in the credit re-application job. */
  reapplyBatch: number;
  /** How often workers re-queue runs that PostgreSQL holds unfinished but Redis lost or failed. */
  jobSweepMs: number;
}

/** Per-request and per-tenant limits of the GraphQL API (README "Limits"). */
export interface ApiLimits {
  /** Highest query cost one operation may have (list fields cost by `first`). */
  maxCost: number;
  maxDepth: number;
  maxAliases: number;
  /** Leaky buckets, in cost points: capacity and points restored per second. */
  tenantCapacity: number;
  tenantRestorePerSecond: number;
  tokenCapacity: number;
  tokenRestorePerSecond: number;
  /** Largest request body, in bytes. */
  bodyLimitBytes: number;
}

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

const DEV_JWT_SECRET = 'dev-only-secret-change-me-in-production-0123456789';

function url(env: NodeJS.ProcessEnv, name: string, fallback: string, protocols: string[]): string {
  const value = env[name] ?? fallback;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `must be a URL (got "${value}")`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')} (got "${parsed.protocol}")`);
  }
  return value;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer between ${min} and ${max} (got "${text}")`);
  }
  return value;
}

/** The app role's URL defaults to the owner URL with the user replaced by `credit_app`. */
function defaultAppUrl(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  u.username = 'credit_app';
  u.password = '';
  return u.toString();
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const nodeEnv = env.NODE_ENV ?? 'development';
  const databaseUrl = url(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/credit_balance', ['postgres:', 'postgresql:']);
  const appDatabaseUrl = url(env, 'APP_DATABASE_URL', defaultAppUrl(databaseUrl), ['postgres:', 'postgresql:']);
  const appDatabaseReplicaUrl = env.APP_DATABASE_REPLICA_URL ? url(env, 'APP_DATABASE_REPLICA_URL', '', ['postgres:', 'postgresql:']) : undefined;
  const redisUrl = url(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']);

  const portText = env.PORT ?? '4000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    throw new ConfigError('PORT', `must be an integer between 1 and 65535 (got "${portText}")`);
  }

  const jwtSecret = env.JWT_SECRET ?? (nodeEnv === 'production' ? '' : DEV_JWT_SECRET);
  if (jwtSecret.length < 32) {
    throw new ConfigError('JWT_SECRET', 'must be at least 32 characters (required when NODE_ENV=production)');
  }
  const jwtJwksUrl = env.JWT_JWKS_URL ? url(env, 'JWT_JWKS_URL', '', ['https:', 'http:']) : undefined;

  const queuePrefix = env.QUEUE_PREFIX ?? 'cbs';
  if (!/^[\w-]{1,64}$/.test(queuePrefix)) {
    throw new ConfigError('QUEUE_PREFIX', `must be 1-64 letters, digits, '_' or '-' (got "${queuePrefix}")`);
  }
  const logLevel = env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of fatal, error, warn, info, debug, trace, silent (got "${logLevel}")`);
  }

  const limits: ApiLimits = {
    maxCost: int(env, 'QUERY_MAX_COST', 25_000, 1, 10_000_000),
    maxDepth: int(env, 'QUERY_MAX_DEPTH', 12, 2, 100),
    maxAliases: int(env, 'QUERY_MAX_ALIASES', 30, 1, 1000),
    tenantCapacity: int(env, 'RATE_LIMIT_TENANT_CAPACITY', 200_000, 1, 1_000_000_000),
    tenantRestorePerSecond: int(env, 'RATE_LIMIT_TENANT_RESTORE', 20_000, 1, 1_000_000_000),
    tokenCapacity: int(env, 'RATE_LIMIT_TOKEN_CAPACITY', 100_000, 1, 1_000_000_000),
    tokenRestorePerSecond: int(env, 'RATE_LIMIT_TOKEN_RESTORE', 10_000, 1, 1_000_000_000),
    bodyLimitBytes: int(env, 'REQUEST_BODY_LIMIT_BYTES', 25 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  };

  const operatorTenant = env.OPERATOR_TENANT ?? 'ops';
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(operatorTenant)) {
    throw new ConfigError('OPERATOR_TENANT', `must be a tenant id: lowercase letters, digits, '_' or '-' (got "${operatorTenant}")`);
  }

  return {
    limits,
    operatorTenant,
    jobLockMs: int(env, 'JOB_LOCK_MS', 30_000, 1000, 3_600_000),
    autoAdjustBatch: int(env, 'AUTO_ADJUST_BATCH', 5000, 1, 100_000),
    reapplyBatch: int(env, 'REAPPLY_BATCH', 500, 1, 100_000),
    jobSweepMs: int(env, 'JOB_SWEEP_MS', 30_000, 500, 3_600_000),
    databaseUrl,
    appDatabaseUrl,
    appDatabaseReplicaUrl,
    redisUrl,
    port,
    jwtSecret,
    jwtJwksUrl,
    jwtIssuer: env.JWT_ISSUER,
    jwtAudience: env.JWT_AUDIENCE,
    queuePrefix,
    nodeEnv,
    logLevel,
  };
}
