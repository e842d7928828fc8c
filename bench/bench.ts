import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { loadConfig } from '../src/config.js';
import { Runtime } from '../src/app/runtime.js';
import { asSystem } from '../src/app/system-context.js';
import { hasLedger, loadSyntheticPractice } from '../src/app/synthetic-practice.js';
import { Role } from '../src/domain/context/role.js';
import { generateLedger, toCsvLine } from '../src/domain/generator/index.js';
import { JobKind } from '../src/domain/jobs/job-state.js';
import { EntryKind } from '../src/domain/ledger/entry-kind.js';
import type { LedgerEntryDraft } from '../src/domain/ledger/ledger-entry-validation.js';
import { Decimal } from '../src/domain/money/money.js';
import { signToken } from '../src/infra/auth/jwt.js';
import { bench835 } from './bench-835.js';
import { withCpu } from './cpu-time.js';
import { configEnv, freePort, rssMb, spawnTs, stopChild, waitForOutput, waitForRun } from './harness.js';

/**
 * `npm run bench -- [--accounts 1000000] [--fresh] [--reset-credits] [--database name] [--sections detect,incremental,kpis,adjust,835] [--worker-heap-mb N]`: side-by-side
 * figures on a generated practice (default 1,000,000 accounts, ~10M entries) in its own database
 * (default `credit_balance_bench`). Each figure is printed next to its baseline, measured in the same
 * run. The practice is loaded once and reused by later runs unless --fresh.
 */
const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '1000000' },
    fresh: { type: 'boolean', default: false },
    'reset-credits': { type: 'boolean', default: false },
    requests: { type: 'string', default: '200' },
    database: { type: 'string', default: 'credit_balance_bench' },
    // V8's old-space limit for the worker process, in MB (its --max-old-space-size); Node's default if absent.
    'worker-heap-mb': { type: 'string' },
    // Which measured sections run after the load: detect, incremental, kpis, adjust, 835 (comma-separated).
    sections: { type: 'string', default: 'detect,incremental,kpis,adjust,835' },
  },
});
const accounts = Number(values.accounts);
const database = values.database;
const sections = new Set(values.sections.split(','));
if (!/^\w{1,63}$/.test(database)) throw new Error('--database: letters, digits and _ only');
const TENANT = 'bench';
const base = loadConfig();
const dbUrl = new URL(base.databaseUrl);
dbUrl.pathname = `/${database}`;
const appUrl = new URL(base.appDatabaseUrl);
appUrl.pathname = `/${database}`;
const config = loadConfig({ ...process.env, DATABASE_URL: dbUrl.toString(), APP_DATABASE_URL: appUrl.toString(), QUEUE_PREFIX: database === 'credit_balance_bench' ? 'bench' : `bench-${database}`, LOG_LEVEL: 'warn' });

const rows: { figure: string; value: string; baseline: string; ratio: string; target: string }[] = [];
const record = (figure: string, value: string, baseline = '', ratio = '', target = '') => {
  rows.push({ figure, value, baseline, ratio, target });
  console.log(`${figure}: ${value}${baseline ? ` (baseline ${baseline}, ratio ${ratio})` : ''}`);
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
// Peak RSS of this process (generator, API and client) and of the worker process, per section.
const peak = { bench: 0, worker: 0 };
let workerPid: number | undefined;
const rssTimer = setInterval(() => {
  peak.bench = Math.max(peak.bench, Math.round(process.memoryUsage().rss / 1e6));
  if (workerPid) peak.worker = Math.max(peak.worker, rssMb(workerPid) || 0);
}, 100);
/** Records the peaks since the last call under `section`, then starts over. */
const recordPeaks = (section: string) => {
  record(`peak RSS during ${section}: worker process / bench process (API + client)`, `${peak.worker} / ${peak.bench} MB`, '', '', 'worker ≤ 500 MB');
  peak.bench = peak.worker = 0;
};

async function ownerClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: config.databaseUrl });
  await client.connect();
  return client;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await fn();
  return [result, performance.now() - started];
}

/**
 * Puts the practice back after a measure that posted entries (external ids starting with prefix):
 * the bench database is the one place where the append-only ledger is rewound (as the owner,
 * trigger off), so that every run starts from the same ledger.
 */
async function rewindEntries(prefix: string, alsoInTransaction?: (client: pg.Client) => Promise<void>): Promise<void> {
  const rewind = await ownerClient();
  await rewind.query('begin');
  await rewind.query('alter table ledger_entry disable trigger ledger_entry_append_only');
  await rewind.query(`create temp table touched on commit drop as select distinct account_id from ledger_entry where external_id like $1 || '%'`, [prefix]);
  await rewind.query('analyze touched'); // a handful of accounts: index probes, not a scan of the ledger
  await rewind.query(`delete from ledger_entry where external_id like $1 || '%'`, [prefix]);
  await rewind.query(`update account_balance b set balance = s.total, entry_count = s.n
    from (select e.account_id, sum(e.amount) as total, count(*)::int as n from ledger_entry e join touched t using (account_id) group by e.account_id) s
    where b.account_id = s.account_id`);
  await alsoInTransaction?.(rewind);
  // The rewind bypassed the posting trigger: recompute the tenant's A/R aggregate from the balances.
  await rewind.query(`delete from account_receivable where tenant_id = '${TENANT}'`);
  await rewind.query(`insert into account_receivable (tenant_id, slot, receivable)
    select tenant_id, 0, coalesce(sum(balance) filter (where balance > 0), 0) from account_balance where tenant_id = '${TENANT}' group by tenant_id`);
  await rewind.query('alter table ledger_entry enable trigger ledger_entry_append_only');
  await rewind.query('commit');
  // What autovacuum would do in production (it is off on this machine): without it the rewind's
  // dead entries, balances and credits stay in the heap and indexes, and every later run pays for
  // walking them (a credit's primary-key probe read 6 buffers instead of 3 after a few runs).
  await rewind.query('vacuum analyze ledger_entry, account_balance, credit, credit_rollup, account_receivable');
  await rewind.end();
}

/**
 * The fair COPY baseline's table: a logged table with the ledger's indexes and checks (identity
 * key, unique external id per tenant, account/posting-order index, patient-side partial index),
 * which any importer pays for. No reference checks: the ledger's are set-based since
 * Migration20261202500000 and cost the importer a fraction of what per-row foreign keys would cost
 * the baseline, so the baseline leaves them out rather than be slowed by them.
 */
async function createFairCopyTable(client: pg.Client): Promise<void> {
  await client.query('drop table if exists bench_fair_copy');
  await client.query(`create table bench_fair_copy (
    id bigint generated always as identity primary key,
    tenant_id text not null default '${TENANT}',
    external_id text not null check (length(external_id) between 1 and 128), account_number text not null, patient_id text not null,
    guarantor_id text, payer_code text, kind text not null check (kind in ('CHARGE','PAYMENT','ADJUSTMENT','REFUND','TRANSFER')),
    amount numeric(14,2) not null, posted_at timestamptz not null, service_date date, claim_number text, reference text, reason_code text,
    constraint bench_fair_copy_external_id_unique unique (tenant_id, external_id))`);
  await client.query('create index bench_fair_copy_account_index on bench_fair_copy (account_number, posted_at, id)');
  await client.query('create index bench_fair_copy_patient_side_index on bench_fair_copy (account_number) where payer_code is null');
}
const FAIR_COPY_TARGET =
  'bench_fair_copy (external_id, account_number, patient_id, guarantor_id, payer_code, kind, amount, posted_at, service_date, claim_number, reference, reason_code)';

if (values.fresh) {
  const admin = new pg.Client({ connectionString: new URL('/postgres', config.databaseUrl).toString() });
  await admin.connect();
  await admin.query(`drop database if exists ${database} with (force)`);
  await admin.end();
}

const runtime = await Runtime.start(config);
const asOf = new Date(Date.UTC(2026, 10, 1));

// 1. Generation rate: rows produced per second, written nowhere.
{
  const sample = Math.min(accounts, 200_000);
  const [n, ms] = await timed(async () => {
    let count = 0;
    for (const row of generateLedger({ accounts: sample, seed: 7, asOf })) count += toCsvLine(row).length > 0 ? 1 : 0;
    return count;
  });
  record(`generate ${sample.toLocaleString()} accounts`, `${Math.round(n / (ms / 1000)).toLocaleString()} rows/s`);
}

// 2. Load through the COPY importer, next to a plain COPY of the same rows into a bare table.
if (!(await hasLedger(runtime, TENANT))) {
  let last = 0;
  const [result, ms] = await timed(() =>
    loadSyntheticPractice(runtime, TENANT, {
      accounts,
      seed: 7,
      asOf,
      onBatch: (n) => {
        if (n - last >= 1_000_000) {
          last = n;
          console.log(`  imported ${n.toLocaleString()} rows`);
        }
      },
    }),
  );
  const importRate = result.rows / (ms / 1000);
  // Two baselines, the same rows through one plain COPY each: a bare unlogged table (the ceiling)
  // and the fair one (createFairCopyTable).
  const client = await ownerClient();
  await client.query(`create unlogged table if not exists bench_plain_copy (external_id text, account_number text, patient_id text,
    guarantor_id text, payer_code text, kind text, amount numeric(14,2), posted_at timestamptz, service_date date,
    claim_number text, reference text, reason_code text)`);
  await client.query('truncate bench_plain_copy');
  await createFairCopyTable(client);
  const plainCopy = (target: string) =>
    timed(async () => {
      function* lines() {
        let chunk = '';
        for (const row of generateLedger({ accounts, seed: 7, asOf })) {
          chunk += `${toCsvLine(row)}\n`;
          if (chunk.length >= 65_536) {
            yield chunk;
            chunk = '';
          }
        }
        if (chunk) yield chunk;
      }
      await pipeline(Readable.from(lines()), client.query(copyStreams.from(`copy ${target} from stdin (format csv)`)));
    });
  const [, plainMs] = await plainCopy('bench_plain_copy');
  const [, fairMs] = await plainCopy(FAIR_COPY_TARGET);
  await client.query('drop table bench_plain_copy');
  await client.query('drop table bench_fair_copy');
  await client.end();
  const plainRate = result.rows / (plainMs / 1000);
  const fairRate = result.rows / (fairMs / 1000);
  record(
    `COPY importer, ${result.rows.toLocaleString()} entries`,
    `${Math.round(importRate).toLocaleString()} rows/s (${seconds(ms)})`,
    `plain COPY into a table with the ledger's indexes and checks ${Math.round(fairRate).toLocaleString()} rows/s (${seconds(fairMs)}); into a bare unlogged table ${Math.round(plainRate).toLocaleString()} rows/s`,
    (importRate / fairRate).toFixed(2),
    '≥ 0.5',
  );
  const vacuum = await ownerClient();
  await vacuum.query('vacuum analyze');
  await vacuum.end();
  recordPeaks('the load (generator and importer in the bench process)');
} else {
  console.log('practice already loaded (use --fresh to reload)');
}

// 3. Full detection through the queue and worker, next to the plain aggregate.
if (values['reset-credits']) {
  // Measure a first detection on a loaded ledger without reloading it: forget every credit.
  const owner = await ownerClient();
  await owner.query('alter table audit_event disable trigger audit_event_append_only');
  await owner.query(`delete from audit_event where tenant_id = '${TENANT}'`);
  await owner.query('alter table audit_event enable trigger audit_event_append_only');
  await owner.query(`delete from refund_request where tenant_id = '${TENANT}'`);
  await owner.query(`delete from credit where tenant_id = '${TENANT}'`);
  await owner.query('vacuum analyze credit');
  await owner.end();
}
// The worker runs as its own process, compiled, as in production (`npm run build`, then
// `npm run worker:built`; `npm run bench` builds first), so that its memory and CPU are its own:
// the jobs below (detection, auto-adjust) run there.
const workerHeap = values['worker-heap-mb'] ? { NODE_OPTIONS: `--max-old-space-size=${Number(values['worker-heap-mb'])}` } : {};
const worker = spawnTs('dist/src/worker.js', configEnv(config, await freePort(), { LOG_LEVEL: 'info', ...workerHeap }));
await waitForOutput(worker, /workers started/);
workerPid = worker.pid;
const cpuOwner = await ownerClient();
const withNodeCpu = <T>(fn: () => Promise<T>) => withCpu(cpuOwner, fn, () => [workerPid]);
const cpuFigure = (c: { nodeCpuMs: number; dbCpuMs: number | null }) =>
  `Node CPU ${seconds(c.nodeCpuMs)}${c.dbCpuMs === null ? '' : `, PostgreSQL CPU ${seconds(c.dbCpuMs)}`}, load ${loadavg()[0]!.toFixed(1)}`;
const aggregate = await withNodeCpu(() =>
  asSystem(runtime.orm, TENANT, 'bench', async (ctx) => {
    const em = await ctx.uow.tx();
    const started = performance.now();
    await em.execute(`select account_id, sum(amount) from ledger_entry where tenant_id = '${TENANT}' group by account_id having sum(amount) < 0`);
    return performance.now() - started;
  }),
);
const aggregateMs = aggregate.result;
console.log(`plain aggregate ${seconds(aggregateMs)} (${cpuFigure(aggregate)})`);
if (sections.has('detect')) {
  const detect = async () => {
    const run = await asSystem(runtime.orm, TENANT, 'bench', (ctx) => runtime.services.jobs.enqueue(ctx, JobKind.CREDIT_DETECTION, {}));
    const started = performance.now();
    const result = await waitForRun(runtime, TENANT, run.id, 20);
    return { ms: performance.now() - started, result };
  };
  const first = await withNodeCpu(detect);
  const second = await withNodeCpu(detect);
  console.log('first run phases (ms):', JSON.stringify(first.result.result?.phaseMs), `(${cpuFigure(first)})`);
  console.log('rerun phases (ms):', JSON.stringify(second.result.result?.phaseMs), `(${cpuFigure(second)})`);
  record(
    `full detection + classification (opened ${String(first.result.result?.opened)}, ${String(first.result.result?.openCredits)} open credits)`,
    seconds(first.result.ms),
    `plain aggregate ${seconds(aggregateMs)}`,
    (first.result.ms / aggregateMs).toFixed(2),
    '≤ 1.5',
  );
  record('full detection + classification, unchanged ledger (no-op rerun)', seconds(second.result.ms), `plain aggregate ${seconds(aggregateMs)}`, (second.result.ms / aggregateMs).toFixed(2), '≤ 1.5');
  recordPeaks('detection');
}

// 3b. Incremental detection: 10,000 accounts touched by new postings (through the same service as
//     postLedgerEntries, in batches of 5,000), then detection scoped to them, as a remittance import
//     runs it. Half the accounts are in credit and get a charge, half are not and get a patient
//     payment that overpays them: credits are opened, updated and resolved.
if (sections.has('incremental')) {
  const touched = await asSystem(runtime.orm, TENANT, 'bench', async (ctx) =>
    ctx.uow.rows<{ id: string; account_number: string; patient_id: string; guarantor_id: string; balance: string }>(sql`
      (select a.id, a.account_number, a.patient_id, a.guarantor_id, b.balance::text as balance
         from account_balance b join account a on a.id = b.account_id where b.tenant_id = ${TENANT} and b.balance < 0 order by b.account_id limit 5000)
      union all
      (select a.id, a.account_number, a.patient_id, a.guarantor_id, b.balance::text as balance
         from account_balance b join account a on a.id = b.account_id where b.tenant_id = ${TENANT} and b.balance >= 0 order by b.account_id limit 5000)`),
  );
  const postedAt = new Date();
  const drafts: LedgerEntryDraft[] = touched.map((a) => {
    const inCredit = new Decimal(a.balance).lt(0);
    return {
      externalId: `bench-incremental:${a.id}`,
      accountNumber: a.account_number,
      patientId: a.patient_id,
      guarantorId: a.guarantor_id,
      kind: inCredit ? EntryKind.CHARGE : EntryKind.PAYMENT,
      amount: inCredit ? new Decimal('20.00') : new Decimal(a.balance).plus(10).neg(),
      postedAt,
    };
  });
  const post = await withNodeCpu(async () => {
    const started = performance.now();
    for (let i = 0; i < drafts.length; i += 5000) {
      await asSystem(runtime.orm, TENANT, 'bench', (ctx) => runtime.services.ledger.post(ctx, drafts.slice(i, i + 5000)));
    }
    return performance.now() - started;
  });
  // The same rows through one plain COPY into the fair baseline's table (empty: smaller indexes
  // than the ledger's, so the baseline is flattered, not the service).
  const copier = await ownerClient();
  await createFairCopyTable(copier);
  const csv = drafts
    .map((d) => toCsvLine({ externalId: d.externalId, accountNumber: d.accountNumber, patientId: d.patientId, guarantorId: d.guarantorId ?? '',
      payerCode: '', kind: d.kind, amount: d.amount.toFixed(2), postedAt: d.postedAt.toISOString(), serviceDate: '', claimNumber: '', reference: '', reasonCode: '' }))
    .join('\n');
  const [, copyMs] = await timed(() => pipeline(Readable.from([csv]), copier.query(copyStreams.from(`copy ${FAIR_COPY_TARGET} from stdin (format csv)`))));
  await copier.query('drop table bench_fair_copy');
  await copier.end();
  const postRate = drafts.length / (post.result / 1000);
  const copyRate = drafts.length / (copyMs / 1000);
  record(
    `postLedgerEntries, ${drafts.length.toLocaleString()} entries in batches of 5,000`,
    `${Math.round(postRate).toLocaleString()} rows/s (${seconds(post.result)}; ${cpuFigure(post)})`,
    `plain COPY of the same rows into a table with the ledger's indexes and checks ${Math.round(copyRate).toLocaleString()} rows/s`,
    (postRate / copyRate).toFixed(2),
    '≥ 0.5',
  );
  const scoped = await withNodeCpu(() =>
    asSystem(runtime.orm, TENANT, 'bench', async (ctx) => {
      const started = performance.now();
      const result = await runtime.services.detection.detect(ctx.uow, TENANT, randomUUID(), new Date(), { scope: { accountIds: touched.map((a) => a.id) } });
      return { ms: performance.now() - started, result };
    }),
  );
  const r = scoped.result.result;
  record(
    `incremental detection of ${touched.length.toLocaleString()} touched accounts (opened ${r.opened}, updated ${r.updated}, resolved ${r.resolved})`,
    `${seconds(scoped.result.ms)} (${cpuFigure(scoped)})`,
    '',
    '',
    '≤ 1 s',
  );
  // Back to the loaded ledger, and the credits of those accounts with it.
  await rewindEntries('bench-incremental:');
  await asSystem(runtime.orm, TENANT, 'bench', (ctx) =>
    runtime.services.detection.detect(ctx.uow, TENANT, randomUUID(), new Date(), { scope: { accountIds: touched.map((a) => a.id) } }),
  );
  recordPeaks('incremental detection');
}

// 4. creditKpis and kpis(groupBy: PAYER) over GraphQL, next to the same aggregates in plain SQL
//    over the credits and to a request that runs no SQL ({ __typename }: token, rate limit, cost,
//    plugins, HTTP), so the three parts of a figure can be told apart.
if (sections.has('kpis')) {
  // Statistics and the visibility map as autovacuum leaves them: detection has just rewritten
  // `credit`, and autovacuum may not have run since (this machine runs with it off).
  const vacuum = await ownerClient();
  await vacuum.query('vacuum analyze credit, credit_rollup');
  await vacuum.end();
  const http = await runtime.serveHttp(0);
  const port = (http.server.address() as AddressInfo).port;
  const token = await signToken(config.jwtSecret, { sub: 'bench', tenant: TENANT, roles: [Role.BI] });
  const latencies = async (fn: () => Promise<void>, n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      await fn();
      out.push(performance.now() - started);
    }
    out.sort((a, b) => a - b);
    return { p50: out[Math.floor(n * 0.5)]!, p95: out[Math.floor(n * 0.95)]! };
  };
  const n = Number(values.requests);
  const overGraphql = (query: string) =>
    latencies(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      });
      const body = (await res.json()) as { errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
    }, n);
  const bare = await overGraphql('{ __typename }');
  record('GraphQL request without SQL ({ __typename }) p50 / p95', `${bare.p50.toFixed(1)} / ${bare.p95.toFixed(1)} ms`);
  const gql = await overGraphql('{ creditKpis { accountsReceivable creditBalanceTotal creditPercentOfAr openCredits over90Share over90AmountShare slaAdherence agingBuckets { bucket count amount } } }');
  const plain = await latencies(
    () =>
      asSystem(runtime.orm, TENANT, 'bench', async (ctx) => {
        const em = await ctx.uow.tx();
        await em.execute(`select count(*), sum(amount) from credit where tenant_id = '${TENANT}' and status in ('OPEN','IN_REVIEW','PENDING_APPROVAL') group by (originated_at > now() - interval '90 days')`);
        await em.execute(`select sum(receivable) from account_receivable where tenant_id = '${TENANT}'`);
      }),
    n,
  );
  record('creditKpis over GraphQL p50 / p95', `${gql.p50.toFixed(1)} / ${gql.p95.toFixed(1)} ms`, `plain aggregate over the open credits ${plain.p50.toFixed(1)} / ${plain.p95.toFixed(1)} ms`, (gql.p95 / plain.p95).toFixed(2), 'p95 ≤ 50 ms');
  const grouped = await overGraphql('{ kpis(groupBy: PAYER) { key openCredits creditBalanceTotal over90Count pastDueCount slaAdherence } }');
  const groupedPlain = await latencies(
    () =>
      asSystem(runtime.orm, TENANT, 'bench', async (ctx) => {
        const em = await ctx.uow.tx();
        await em.execute(`select coalesce(p.code, 'PATIENT'), count(*) filter (where c.status in ('OPEN','IN_REVIEW','PENDING_APPROVAL')),
          sum(c.amount) filter (where c.status in ('OPEN','IN_REVIEW','PENDING_APPROVAL')), count(*) filter (where c.resolved_at > now() - interval '90 days')
          from credit c left join payer p on p.id = c.refund_payer_id where c.tenant_id = '${TENANT}' group by 1`);
      }),
    n,
  );
  record('kpis(groupBy: PAYER) over GraphQL p50 / p95', `${grouped.p50.toFixed(1)} / ${grouped.p95.toFixed(1)} ms`, `plain GROUP BY payer over credit ${groupedPlain.p50.toFixed(1)} / ${groupedPlain.p95.toFixed(1)} ms`, (grouped.p95 / groupedPlain.p95).toFixed(2));
  recordPeaks('the KPI queries');
}

// 5. Auto-adjust of every open credit (policy widened to all payers and patients for the measure),
//    next to the plain SQL that would post the same entries without workflow (no audit, no checks).
if (sections.has('adjust')) {
  const owner = await ownerClient();
  await owner.query(`insert into tenant_policy (tenant_id, auto_adjust_government, auto_adjust_patient) values ($1, true, true)
                     on conflict (tenant_id) do update set auto_adjust_government = true, auto_adjust_patient = true`, [TENANT]);
  await owner.end();
  const run = await asSystem(runtime.orm, TENANT, 'bench', (ctx) => runtime.services.jobs.enqueue(ctx, JobKind.AUTO_ADJUST, { maxAmount: '100000.00', dryRun: false }));
  const adjusted = await withNodeCpu(async () => {
    const started = performance.now();
    const result = await waitForRun(runtime, TENANT, run.id, 50);
    return { ms: performance.now() - started, result };
  });
  const { ms, result } = adjusted.result;
  record(`auto-adjust (${String(result?.adjusted)} credits: entry + audit event + resolution each)`, `${seconds(ms)} (${cpuFigure(adjusted)})`, '', '', '≤ 10 s for 50,000');
  await rewindEntries('auto-adjust:', async (rewind) => {
    // And the credits this run resolved are open again (their accounts are negative again), so that
    // `--sections adjust` alone measures the same 50,000 next time. Their audit events stay: the
    // chain is append-only and later events link to them.
    await rewind.query(`update credit c set status = 'OPEN', resolution = null, amount = -b.balance, resolved_at = null, resolved_by = null, updated_at = now()
      from account_balance b where b.account_id = c.account_id and c.tenant_id = $1 and c.detection_run_id = $2 and c.resolution = 'AUTO_ADJUSTMENT' and b.balance < 0
       and not exists (select 1 from credit o where o.account_id = c.account_id and o.status in ('OPEN', 'IN_REVIEW', 'PENDING_APPROVAL'))`, [TENANT, run.id]);
  });
  recordPeaks('auto-adjust');
}

// 835 (ERA) import end to end, on its own database and practice (bench/bench-835.ts). A section
// like the others: it drops and rebuilds `credit_balance_bench_835`, which a run measuring
// something else must leave alone.
if (sections.has('835')) await bench835(100_000, record);

clearInterval(rssTimer);
workerPid = undefined;
await stopChild(worker);

mkdirSync('.bench', { recursive: true });
writeFileSync('.bench/results.json', JSON.stringify({ accounts, at: new Date().toISOString(), rows }, null, 2));
console.log('\n| figure | value | baseline | ratio | target |\n|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.figure} | ${r.value} | ${r.baseline} | ${r.ratio} | ${r.target} |`);
await cpuOwner.end();
await runtime.stop();
process.exit(0);
