import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { PerformanceObserver } from 'node:perf_hooks';
import pg from 'pg';
import { sql, type RawBuilder } from 'kysely';
import { loadConfig } from '../src/config.js';
import { Runtime } from '../src/app/runtime.js';
import { asSystem } from '../src/app/system-context.js';
import { RequestContext } from '../src/domain/context/request-context.js';
import { Role } from '../src/domain/context/role.js';
import { PayerKind } from '../src/domain/payers/payer-kind.js';
import { importLedgerRecords } from '../src/domain/ledger/ledger-copy-import.js';
import { UnitOfWork } from '../src/infra/db/unit-of-work.js';
import { compileSql, type SqlRunner } from '../src/infra/db/sql-runner.js';
import { accountRecords, generatedEra, PAYER, TENANT } from './bench-835.js';

/**
 * Where an 835 import's time goes, statement by statement: bench:835's file imported by
 * RemittanceImportService in a transaction that is then rolled back, each statement timed (wall)
 * and charged its backend's CPU (from /proc), beside Node's CPU and garbage-collection time.
 *
 * `npm run bench:835:profile -- [--setup] [--claims 100000] [--runs 1] [--wait 0] [--db name]`:
 * `--setup` (re)creates the database (`credit_balance_bench_835_prof`) with one account per claim,
 * as bench:835 does; without it the database is reused. The backend pid is written to
 * /tmp/profile-835.pid and `--wait` seconds pass before the import, for `perf record -p`; run Node
 * with `--cpu-prof` for its side.
 */
const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'credit_balance_bench_835_prof' },
    claims: { type: 'string', default: '100000' },
    setup: { type: 'boolean', default: false },
    runs: { type: 'string', default: '1' },
    wait: { type: 'string', default: '0' },
  },
});
const claims = Number(values.claims);
const base = loadConfig();
const dbName = values.db!;
const dbUrl = new URL(base.databaseUrl);
dbUrl.pathname = `/${dbName}`;
const appUrl = new URL(base.appDatabaseUrl);
appUrl.pathname = `/${dbName}`;
if (values.setup) {
  const admin = new pg.Client({ connectionString: new URL('/postgres', base.databaseUrl).toString() });
  await admin.connect();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
const config = loadConfig({ ...process.env, DATABASE_URL: dbUrl.toString(), APP_DATABASE_URL: appUrl.toString(), QUEUE_PREFIX: 'prof-835', LOG_LEVEL: 'warn' });
const runtime = await Runtime.start(config);
const owner = new pg.Client({ connectionString: config.databaseUrl });
await owner.connect();
if (values.setup) {
  await asSystem(runtime.orm, TENANT, 'bench', (ctx) => runtime.services.payers.upsert(ctx, { code: PAYER, name: 'Bench payer', kind: PayerKind.COMMERCIAL }));
  await importLedgerRecords(config.appDatabaseUrl, TENANT, accountRecords(claims), {}, 1);
}
await owner.query('vacuum analyze');

const cpuOf = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const text = generatedEra(claims, `PROF${Date.now()}`);
for (let run = 0; run < Number(values.runs); run++) {
  const uow = new UnitOfWork(runtime.orm, TENANT);
  const ctx = new RequestContext({ id: 'system:prof', tenantId: TENANT, roles: [Role.ADMIN] }, uow, randomUUID());
  const job = await runtime.services.remittanceUpload.submit(ctx, text, 'prof.835');
  const pid = (await uow.one<{ pid: number }>(sql`select pg_backend_pid() as pid`))!.pid;
  writeFileSync('/tmp/profile-835.pid', String(pid));
  if (Number(values.wait)) await new Promise((r) => setTimeout(r, Number(values.wait) * 1000));
  const stats = new Map<string, { n: number; wall: number; cpu: number }>();
  // One statement at a time (each is sent once the previous one has finished), so that the backend's
  // CPU in a statement's window is that statement's own, not that of the writes queued before it.
  let previous: Promise<unknown> = Promise.resolve();
  const timed = <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    const run = previous.catch(() => undefined).then(async () => {
      const [t0, c0] = [performance.now(), cpuOf(pid)];
      try {
        return await fn();
      } finally {
        const key = label.replace(/\s+/g, ' ').trim().slice(0, 110);
        const s = stats.get(key) ?? { n: 0, wall: 0, cpu: 0 };
        s.n += 1;
        s.wall += performance.now() - t0;
        s.cpu += cpuOf(pid) - c0;
        stats.set(key, s);
      }
    });
    previous = run;
    return run;
  };
  const label = (q: RawBuilder<unknown>) => compileSql(q).sql;
  const runner: SqlRunner = {
    rows: (q) => timed(label(q), () => uow.rows(q)),
    one: (q) => timed(label(q), () => uow.one(q)),
    affected: (q) => timed(label(q), () => uow.affected(q)),
    copyIn: (s, chunks) => timed(s, () => uow.copyIn(s, chunks)),
  };
  let gcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  gc.observe({ entryTypes: ['gc'] });
  const [t0, c0, n0] = [performance.now(), cpuOf(pid), process.cpuUsage()];
  const result = await runtime.services.remittanceImport.import(runner, TENANT, job.id, job.input.fileId as string, new Date());
  const n = process.cpuUsage(n0);
  gc.disconnect();
  console.log(`run ${run + 1}: ${(performance.now() - t0).toFixed(0)} ms wall, backend CPU ${cpuOf(pid) - c0} ms, Node CPU ${((n.user + n.system) / 1000).toFixed(0)} ms (GC ${gcMs.toFixed(0)} ms), load ${loadavg()[0]!.toFixed(1)}; phases ${JSON.stringify(result.phaseMs)}, posted ${result.entriesPosted}`);
  for (const [k, s] of [...stats].sort((a, b) => b[1].cpu - a[1].cpu)) {
    if (s.cpu >= 20 || s.wall >= 50) console.log(`${String(s.cpu).padStart(7)} ms cpu ${s.wall.toFixed(0).padStart(7)} ms wall ${String(s.n).padStart(4)}×  ${k}`);
  }
  await uow.rollback();
  await owner.query('vacuum');
}
await owner.end();
await runtime.stop();
process.exit(0);
