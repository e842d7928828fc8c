import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import pg from 'pg';
import { sql } from 'kysely';
import { loadConfig, type AppConfig } from '../src/config.js';
import { Runtime } from '../src/app/runtime.js';
import { asSystem } from '../src/app/system-context.js';
import { hasLedger, loadSyntheticPractice } from '../src/app/synthetic-practice.js';
import { JobKind, JobState } from '../src/domain/jobs/job-state.js';

export { freePort } from '../tests/support/private-services.js';

/**
 * What the HTTP benchmarks share (bench/credits-page.ts, bench/load.ts): a config pointed at one
 * bench database, servers started as child processes (so the load generator never shares their
 * event loop), their RSS, and autocannon runs whose latencies and errors are counted the same way:
 * a GraphQL `errors` array in a 200 response is an error.
 */

/** Config for `database` (letters, digits and _), its own queue prefix, warnings only. */
export function benchConfig(database: string, queuePrefix: string, env: NodeJS.ProcessEnv = {}): AppConfig {
  if (!/^\w{1,63}$/.test(database)) throw new Error('database: letters, digits and _ only');
  const base = loadConfig();
  const dbUrl = new URL(base.databaseUrl);
  dbUrl.pathname = `/${database}`;
  const appUrl = new URL(base.appDatabaseUrl);
  appUrl.pathname = `/${database}`;
  return loadConfig({ ...process.env, DATABASE_URL: dbUrl.toString(), APP_DATABASE_URL: appUrl.toString(), QUEUE_PREFIX: queuePrefix, LOG_LEVEL: 'warn', ...env });
}

/** The environment that makes a child process load `config` (src/config.ts reads it back). */
export function configEnv(config: AppConfig, port: number, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: config.databaseUrl,
    APP_DATABASE_URL: config.appDatabaseUrl,
    REDIS_URL: config.redisUrl,
    QUEUE_PREFIX: config.queuePrefix,
    JWT_SECRET: config.jwtSecret,
    LOG_LEVEL: 'warn',
    PORT: String(port),
    ...extra,
  };
}

/** Rate limits far above any bench load: the limiter still runs (its Redis round trip is paid), never refuses. */
export const UNLIMITED_RATE = {
  RATE_LIMIT_TENANT_CAPACITY: '1000000000',
  RATE_LIMIT_TENANT_RESTORE: '1000000000',
  RATE_LIMIT_TOKEN_CAPACITY: '1000000000',
  RATE_LIMIT_TOKEN_RESTORE: '1000000000',
};

export async function dropDatabase(config: AppConfig): Promise<void> {
  const name = new URL(config.databaseUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: new URL('/postgres', config.databaseUrl).toString() });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}

export async function ownerQuery(config: AppConfig, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * An entry point run as a child process: TypeScript with the same loader as the npm scripts, or a
 * compiled `.js` file of `npm run build` (dist/) as production runs it, without the TypeScript
 * loader's ~130 MB of resident memory.
 */
export function spawnTs(script: string, env: NodeJS.ProcessEnv): ChildProcess {
  const args = script.endsWith('.js') ? [script] : ['--import', '@swc-node/register/esm-register', script];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `[${script}] `;
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(prefix + chunk.toString()));
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    if (text.trim() !== 'ready') process.stdout.write(prefix + text);
  });
  return child;
}

/** Waits until the child writes a line matching `pattern` to stdout (e.g. a log line), or exits, or 120 s pass. */
export function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no ${pattern} from the child after 120 s`)), 120_000);
    const onData = (chunk: Buffer) => pattern.test(chunk.toString()) && done();
    const onExit = (code: number | null) => done(new Error(`child exited with ${code} before ${pattern}`));
    function done(error?: Error) {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    }
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Waits until `url` answers 200 (e.g. /readyz), or the child exits, or 120 s pass. */
export async function waitReady(child: ChildProcess, url: string, init?: RequestInit): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`child exited with ${child.exitCode} before ${url} was ready`);
    const ok = await fetch(url, init).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not ready after 120 s`);
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Resident set size of a process, in MB, from /proc (Linux). */
export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export interface RunFigures {
  requests: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Socket errors, timeouts, non-2xx responses and 200 responses carrying GraphQL errors. */
  errors: number;
  /** The first few error bodies, to say what went wrong. */
  samples: string[];
}

/** True when a GraphQL response body carries an `errors` array (or is not JSON at all). */
export function hasGraphqlErrors(body: string): boolean {
  return body.includes('"errors":') || !body.startsWith('{');
}

/** Counts an error body and keeps the first few as samples. */
export class ErrorTally {
  count = 0;
  readonly samples: string[] = [];
  add(body: string): void {
    this.count++;
    if (this.samples.length < 3) this.samples.push(body.slice(0, 300));
  }
}

/**
 * Runs autocannon with `options` and returns its figures, latencies from every response (autocannon
 * itself reports p97.5 but not p95). `requests` entries may carry their own setupRequest and
 * onResponse; every response body is checked for GraphQL errors.
 */
export async function cannon(options: autocannon.Options): Promise<RunFigures> {
  const tally = new ErrorTally();
  const requests = (options.requests ?? [{}]).map((request) => {
    const own = request.onResponse;
    return {
      ...request,
      onResponse: (status: number, body: string, context: object, headers: autocannon.Request['headers']) => {
        if (status === 200 && hasGraphqlErrors(body)) tally.add(body);
        else if (status !== 200) tally.add(`HTTP ${status}: ${body}`);
        if (typeof own === 'function') own(status, body, context, headers);
      },
    };
  });
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ ...options, requests }, (error, done) => (error ? reject(error as Error) : resolve(done)));
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  latencies.sort((a, b) => a - b);
  // Non-2xx responses are already in the tally (their bodies); socket errors and timeouts are not.
  const errors = tally.count + result.errors;
  return {
    requests: latencies.length,
    perSecond: latencies.length / (result.duration || 1),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors,
    samples: tally.samples,
  };
}

/** Polls a job run until the worker finishes it; returns its result. */
export async function waitForRun(runtime: Runtime, tenant: string, runId: string, pollMs = 200): Promise<Record<string, unknown> | null> {
  for (;;) {
    const run = await asSystem(runtime.orm, tenant, 'bench', (ctx) => runtime.services.jobs.find(ctx, runId));
    if (run?.state === JobState.COMPLETED) return run.result ?? null;
    if (run?.state === JobState.FAILED) throw new Error(`run ${runId} failed: ${run.error}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Loads the synthetic practice of `accounts` accounts into `tenant` unless it is there, detects its
 * credits unless they exist and, with `trendDays`, rebuilds that many days of KPI snapshots (as the
 * demo does). Reruns reuse everything. Returns the number of credits.
 */
export async function preparePractice(config: AppConfig, tenant: string, accounts: number, options: { trendDays?: number } = {}): Promise<number> {
  const runtime = await Runtime.start(config);
  try {
    const say = (line: string) => process.stdout.write(`${line}\n`);
    if (!(await hasLedger(runtime, tenant))) {
      const asOf = new Date();
      asOf.setUTCHours(0, 0, 0, 0);
      const started = Date.now();
      const result = await loadSyntheticPractice(runtime, tenant, { accounts, seed: 7, asOf });
      say(`loaded ${accounts.toLocaleString()} accounts, ${result.posted.toLocaleString()} entries in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    const credits = async () =>
      asSystem(runtime.orm, tenant, 'bench', async (ctx) => Number((await ctx.uow.one<{ n: string }>(sql`select count(*) as n from credit`))!.n));
    if ((await credits()) === 0) {
      await runtime.startWorkers();
      const run = await asSystem(runtime.orm, tenant, 'bench', (ctx) => runtime.services.jobs.enqueue(ctx, JobKind.CREDIT_DETECTION, {}));
      say(`detection: ${JSON.stringify(await waitForRun(runtime, tenant, run.id))}`);
      if (options.trendDays) {
        const from = new Date(Date.now() - (options.trendDays - 1) * 86_400_000).toISOString().slice(0, 10);
        const snapshots = await asSystem(runtime.orm, tenant, 'bench', (ctx) => runtime.services.kpiBackfill.backfill(ctx, from, null, `bench:${ctx.now.toISOString()}`));
        say(`KPI snapshots since ${from}: ${JSON.stringify(await waitForRun(runtime, tenant, snapshots.id))}`);
      }
      await ownerQuery(config, 'vacuum analyze');
    }
    return await credits();
  } finally {
    await runtime.stop();
  }
}
