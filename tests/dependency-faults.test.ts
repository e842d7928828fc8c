import { spawn, type ChildProcess } from 'node:child_process';
import { Role } from '../src/domain/context/role.js';
import { signToken } from '../src/infra/auth/jwt.js';
import { loadConfig } from '../src/config.js';
import { entry, POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';
import { freePort, PrivatePostgres, PrivateRedis, privateServicesAvailable } from './support/private-services.js';

/**
 * PostgreSQL and Redis going away and coming back, on servers of this file's own (the machine's
 * shared ones are never touched): the API started while both are down, PostgreSQL restarted
 * under requests and a running job, Redis restarted with queued work. Every time: clear errors
 * while down, nothing half-written, everything resumes without a manual step.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const suite = privateServicesAvailable() ? describe : describe.skip;

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(200);
  }
}

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

suite('dependencies down and back', () => {
  let pg: PrivatePostgres;
  let redis: PrivateRedis;

  beforeAll(async () => {
    pg = await PrivatePostgres.start();
    redis = await PrivateRedis.start();
  }, 120_000);

  afterAll(async () => {
    await redis?.destroy();
    pg?.destroy();
  });

  it('an API started while PostgreSQL and Redis are down says what it waits for, then becomes ready on its own', async () => {
    pg.down();
    await redis.down();
    const port = await freePort();
    const env = {
      ...process.env,
      NODE_OPTIONS: '',
      NODE_ENV: 'test',
      DATABASE_URL: pg.databaseUrl('cbs_started_down'),
      APP_DATABASE_URL: pg.databaseUrl('cbs_started_down', 'credit_app'),
      REDIS_URL: redis.url,
      PORT: String(port),
      QUEUE_PREFIX: 'faults-start',
      LOG_LEVEL: 'info',
    };
    const api: ChildProcess = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    api.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    api.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    try {
      const base = `http://127.0.0.1:${port}`;
      await until('the API to listen', async () => (await fetch(`${base}/healthz`)).ok);

      const waiting = await getJson(`${base}/readyz`);
      expect(waiting.status).toBe(503);
      expect(waiting.body).toMatchObject({ ready: false, checks: { postgres: false, redis: false } });
      expect(waiting.body.reason).toMatch(new RegExp(`waiting for PostgreSQL at 127\\.0\\.0\\.1:${pg.port}: .*ECONNREFUSED`));
      const early = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ payers { code } }"}' });
      expect(early.status).toBe(503);
      expect(((await early.json()) as any).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      await until('the log to name PostgreSQL', async () => log.includes(`waiting for PostgreSQL at 127.0.0.1:${pg.port}`));
      expect(log).not.toMatch(/password/i);

      pg.up();
      const redisWait = await until('PostgreSQL to be taken and Redis awaited', async () => {
        const r = await getJson(`${base}/readyz`);
        return r.body.waitingFor?.startsWith('Redis') ? r : undefined;
      });
      expect(redisWait.body.checks).toEqual({ postgres: true, migrations: true, redis: false });

      await redis.up();
      const ready = await until('ready', async () => {
        const r = await getJson(`${base}/readyz`);
        return r.status === 200 ? r : undefined;
      });
      expect(ready.body).toEqual({ ready: true, checks: { postgres: true, redis: true, migrations: true } });
      const token = await signToken(loadConfig(env).jwtSecret, { sub: 'ops', tenant: 'clinic-start', roles: [Role.ADMIN] });
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: UPSERT_PAYER, variables: { input: { code: 'MCR', name: 'Medicare', kind: 'MEDICARE' } } }),
      });
      expect(((await res.json()) as any).data.upsertPayer.code).toBe('MCR');
    } finally {
      api.kill('SIGTERM');
      await new Promise((r) => api.once('exit', r));
    }
  }, 120_000);

  describe('with a running service', () => {
    let app: TestApp;
    let admin: string;

    beforeAll(async () => {
      app = await TestApp.start({ postgresUrl: pg.url, env: { REDIS_URL: redis.url, JOB_SWEEP_MS: '1000' } });
      admin = await app.token('clinic-f', [Role.ADMIN]);
      await app.ok(admin, UPSERT_PAYER, { input: { code: 'BCBS', name: 'Blue Cross', kind: 'COMMERCIAL' } });
    }, 60_000);

    afterAll(async () => {
      await app?.stop();
    }, 120_000);

    /** A batch of `size` entries over `size / 2` accounts, each account left $10 in credit. */
    const batch = (id: number, size = 200) =>
      Array.from({ length: size }, (_, i) => {
        const acct = `F-${id}-${Math.floor(i / 2)}`;
        const payment = i % 2 === 1;
        return entry({
          externalId: `b${id}-${i}`,
          accountNumber: acct,
          patientId: `P-${acct}`,
          payerCode: 'BCBS',
          kind: payment ? 'PAYMENT' : 'CHARGE',
          amount: payment ? '-60.00' : '50.00',
          postedAt: '2026-10-01T10:00:00Z',
          claimNumber: acct,
        });
      });

    it('PostgreSQL restarted under requests and a running job: clear errors while down, no batch half-written, all resumes', async () => {
      const outcomes = new Map<number, string>();
      let stop = false;
      let next = 0;
      // Two clients posting batches back to back, through the outage.
      const client = async () => {
        while (!stop) {
          const id = next++;
          const res = await app.gql(admin, POST_ENTRIES, { entries: batch(id) }).catch(() => ({ errors: [{ message: 'socket', extensions: { code: 'NETWORK' } }] }));
          outcomes.set(id, res.errors?.length ? String(res.errors[0]!.extensions?.code) : 'OK');
        }
      };
      const clients = [client(), client()];
      await until('some batches in', async () => [...outcomes.values()].filter((o) => o === 'OK').length >= 4);
      const detect = await app.ok(admin, 'mutation { runCreditDetection(input: { idempotencyKey: "during-outage" }) { id } }');

      pg.down('immediate');
      const duringOutage = new Set<string>();
      const downAt = next;
      await until('requests to fail while down', async () => {
        for (const [id, outcome] of outcomes) if (id >= downAt) duringOutage.add(outcome);
        return duringOutage.size > 0;
      });
      const readyz = await getJson(`${app.url}/readyz`);
      expect(readyz.status).toBe(503);
      expect(readyz.body.checks.postgres).toBe(false);
      await sleep(1500);
      pg.up();
      const upAt = next;
      await until('requests to succeed again', async () => [...outcomes].some(([id, o]) => id > upAt && o === 'OK'));
      stop = true;
      await Promise.all(clients);

      // While down, clients got SERVICE_UNAVAILABLE, never a masked internal error.
      const codes = new Set(outcomes.values());
      expect(codes.has('SERVICE_UNAVAILABLE')).toBe(true);
      expect([...codes].filter((c) => c !== 'OK' && c !== 'SERVICE_UNAVAILABLE')).toEqual([]);

      // Each batch is all there or not at all; every acknowledged one is all there.
      const counts = await app.ownerQuery<{ batch: string; n: number }>(
        `select split_part(external_id, '-', 1) as batch, count(*)::int as n from ledger_entry group by 1`,
      );
      const byBatch = new Map(counts.map((c) => [Number(c.batch.slice(1)), c.n]));
      for (const [id, outcome] of outcomes) {
        const n = byBatch.get(id) ?? 0;
        expect([0, 200]).toContain(n);
        if (outcome === 'OK') expect(n).toBe(200);
      }
      // The maintained balances still agree with the entries.
      const [drift] = await app.ownerQuery(`select count(*)::int as n from account_balance b
        where b.balance <> (select coalesce(sum(e.amount), 0) from ledger_entry e where e.account_id = b.account_id)`);
      expect(drift.n).toBe(0);

      // The detection run started before the outage completes (retried, or re-queued by the sweeper).
      const job = await app.waitForJob(admin, detect.runCreditDetection.id, 90_000);
      expect(job.state).toBe('COMPLETED');
      const second = await app.ok(admin, 'mutation { runCreditDetection { id } }');
      expect((await app.waitForJob(admin, second.runCreditDetection.id, 60_000)).state).toBe('COMPLETED');
      const [credits] = await app.ownerQuery(`select count(*)::int as n from credit where status = 'OPEN'`);
      expect(credits.n).toBe(100 * [...byBatch.values()].filter((n) => n === 200).length);
    }, 180_000);

    it('Redis restarted (its queues lost): reads keep working, a run recorded meanwhile is re-queued and completes', async () => {
      await redis.down();
      // Rate limiting fails open while Redis is away: reads from PostgreSQL keep working.
      const read = await app.gql(admin, '{ payers { code } }');
      expect(read.errors).toBeUndefined();
      expect(read.data!.payers).toEqual([{ code: 'BCBS' }]);
      const readyz = await getJson(`${app.url}/readyz`);
      expect(readyz.body.checks).toMatchObject({ postgres: true, redis: false });

      // The run commits in PostgreSQL; its enqueue fails after commit and is not lost.
      const run = await app.ok(admin, 'mutation { runCreditDetection(input: { idempotencyKey: "redis-down" }) { id state } }');
      expect(run.runCreditDetection.state).toBe('QUEUED');
      await sleep(500);
      await redis.up();
      const job = await app.waitForJob(admin, run.runCreditDetection.id, 60_000);
      expect(job.state).toBe('COMPLETED');
      const ready = await until('ready again', async () => {
        const r = await getJson(`${app.url}/readyz`);
        return r.status === 200 ? r : undefined;
      }, 20_000).catch(async (error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify((await getJson(`${app.url}/readyz`)).body)} status=${app.runtime.redis.status}`);
      });
      expect(ready.body.checks).toEqual({ postgres: true, redis: true, migrations: true });
    }, 120_000);
  });
});
