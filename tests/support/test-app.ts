import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { Runtime } from '../../src/app/runtime.js';
import type { Role } from '../../src/domain/context/role.js';
import { JobKind } from '../../src/domain/jobs/job-state.js';
import { signToken } from '../../src/infra/auth/jwt.js';
import { testAppUrl, testOwnerUrl, testRedisUrl } from './test-urls.js';

export interface GqlResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
}

/**
 * A real service for one test file: its own database (created, migrated, granted, dropped at the
 * end), its own BullMQ prefix on the real Redis, the API on a random port and the workers in-process.
 * Everything goes through HTTP + GraphQL as a client would.
 */
export class TestApp {
  private constructor(
    readonly runtime: Runtime,
    readonly config: AppConfig,
    readonly url: string,
    private readonly dbName: string,
  ) {}

  /** `postgresUrl` points at another PostgreSQL server (a test's private one) than the shared one. */
  /** `replica`: reporting reads through the replica pool (application_name `credit-balance-replica`), here on the same database. */
  static async start(options: { workers?: boolean; env?: Record<string, string>; postgresUrl?: string; replica?: boolean } = {}): Promise<TestApp> {
    const dbName = `cbs_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: testOwnerUrl(dbName, options.postgresUrl),
      APP_DATABASE_URL: testAppUrl(dbName, options.postgresUrl),
      ...(options.replica ? { APP_DATABASE_REPLICA_URL: testAppUrl(dbName, options.postgresUrl) } : {}),
      REDIS_URL: testRedisUrl,
      QUEUE_PREFIX: `test-${randomUUID()}`,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...options.env,
    });
    const runtime = await Runtime.start(config);
    const http = await runtime.serveHttp(0);
    if (options.workers !== false) await runtime.startWorkers();
    const { port } = http.server.address() as AddressInfo;
    return new TestApp(runtime, config, `http://127.0.0.1:${port}`, dbName);
  }

  token(tenant: string, roles: Role[], sub = 'tester'): Promise<string> {
    return signToken(this.config.jwtSecret, { sub, tenant, roles });
  }

  async gql<T = Record<string, any>>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResponse<T>> {
    const res = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GqlResponse<T>;
  }

  /** A raw POST to /graphql: status, parsed body (or text), for tests of the HTTP layer itself. */
  async post(token: string | null, body: string, contentType = 'application/json'): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) };
    } catch {
      return { status: res.status, body: text };
    }
  }

  /** Like gql, but fails the test on any error and returns data. */
  async ok<T = Record<string, any>>(token: string, query: string, variables?: Record<string, unknown>): Promise<T> {
    const res = await this.gql<T>(token, query, variables);
    if (res.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors, null, 2)}`);
    return res.data as T;
  }

  /** Polls job(id) until it is COMPLETED or FAILED. */
  async waitForJob(token: string, id: string, timeoutMs = 30_000): Promise<Record<string, any>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { job } = await this.ok(token, 'query($id: ID!) { job(id: $id) { id kind state processed total result error createdAt finishedAt } }', { id });
      if (job.state === 'COMPLETED' || job.state === 'FAILED') return job;
      if (Date.now() > deadline) throw new Error(`job ${id} still ${job.state} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Runs SQL as the database owner (bypasses RLS): for assertions on raw state only. */
  async ownerQuery<R extends pg.QueryResultRow = any>(text: string, params: unknown[] = []): Promise<R[]> {
    const client = new pg.Client({ connectionString: this.config.databaseUrl });
    await client.connect();
    try {
      return (await client.query<R>(text, params)).rows;
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    for (const kind of Object.values(JobKind)) {
      await this.runtime.scheduler.queue(kind).obliterate({ force: true }).catch(() => undefined);
    }
    const keys = await this.runtime.redis.keys(`${this.config.queuePrefix}:*`).catch(() => [] as string[]);
    if (keys.length) await this.runtime.redis.del(...keys);
    await this.runtime.stop();
    const maintenance = new URL(this.config.databaseUrl);
    maintenance.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: maintenance.toString() });
    await admin.connect();
    try {
      await admin.query(`drop database if exists "${this.dbName}" with (force)`);
    } finally {
      await admin.end();
    }
  }
}

/** A ledger entry input with defaults, for terse tests. */
export function entry(fields: Record<string, unknown> & { externalId: string; amount: string; postedAt: string }): Record<string, unknown> {
  return { accountNumber: 'A-1', patientId: 'P-1', kind: 'CHARGE', ...fields };
}

export const POST_ENTRIES = `mutation($entries: [LedgerEntryInput!]!) { postLedgerEntries(entries: $entries) { posted skippedDuplicates } }`;
export const UPSERT_PAYER = `mutation($input: PayerInput!) { upsertPayer(input: $input) { id code name kind refundDeadlineDays } }`;
