import 'reflect-metadata';
import { sql } from 'kysely';
import { loadConfig } from './config.js';
import { Runtime } from './app/runtime.js';
import { runUntilSignal } from './app/lifecycle.js';
import { asSystem } from './app/system-context.js';
import { hasLedger, loadSyntheticPractice } from './app/synthetic-practice.js';
import { Role } from './domain/context/role.js';
import { JobKind, JobState } from './domain/jobs/job-state.js';
import { signToken } from './infra/auth/jwt.js';
import { formatMoney } from './domain/money/money.js';

/**
 * `npm run demo`: migrate, load a deterministic synthetic practice into tenant "demo", run credit
 * detection through the real queue and worker, print the KPIs, and keep serving GraphQL.
 */
const TENANT = 'demo';
const config = loadConfig();
const accounts = Number(process.env.DEMO_ACCOUNTS ?? 10_000);
const runtime = await Runtime.start(config);
const say = (line = '') => process.stdout.write(`${line}\n`);

if (await hasLedger(runtime, TENANT)) {
  say(`Tenant "${TENANT}" already has a ledger: skipping generation.`);
} else {
  const asOf = new Date();
  asOf.setUTCHours(0, 0, 0, 0);
  const started = Date.now();
  const result = await loadSyntheticPractice(runtime, TENANT, { accounts, seed: 7, asOf });
  say(`Loaded a synthetic practice: ${accounts} accounts, ${result.posted} ledger entries in ${((Date.now() - started) / 1000).toFixed(1)} s (COPY importer).`);
}

await runtime.startWorkers();
const http = await runtime.serveHttp();

/** Polls a run until the worker finishes it; returns its result. */
async function waitForRun(runId: string): Promise<Record<string, unknown> | null> {
  for (;;) {
    const state = await asSystem(runtime.orm, TENANT, 'demo', (ctx) =>
      ctx.uow.one<{ state: JobState; result: Record<string, unknown> | null; error: string | null }>(
        sql`select state, result, error from job_run where id = ${runId}`,
      ),
    );
    if (state?.state === JobState.COMPLETED) return state.result;
    if (state?.state === JobState.FAILED) throw new Error(`run ${runId} failed: ${state.error}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const run = await asSystem(runtime.orm, TENANT, 'demo', (ctx) => runtime.services.jobs.enqueue(ctx, JobKind.CREDIT_DETECTION, {}));
say(`Credit detection queued as job ${run.id}; waiting for the worker...`);
say(`Detection completed: ${JSON.stringify(await waitForRun(run.id))}`);

// Daily KPI snapshots of the last 90 days (today's included), rebuilt from the ledger, so the
// dashboard's trend has points from the start.
const trendFrom = new Date(Date.now() - 89 * 86_400_000).toISOString().slice(0, 10);
const snapshots = await asSystem(runtime.orm, TENANT, 'demo', (ctx) => runtime.services.kpiBackfill.backfill(ctx, trendFrom, null, `demo:${ctx.now.toISOString()}`));
say(`KPI snapshots since ${trendFrom}: ${JSON.stringify(await waitForRun(snapshots.id))}`);

const kpis = await asSystem(runtime.orm, TENANT, 'demo', (ctx) => runtime.services.kpis.creditKpis(ctx, {}));
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
say();
say('Credit balance KPIs (tenant "demo")');
say(`  Gross A/R                 ${formatMoney(kpis.accountsReceivable).padStart(14)}`);
say(`  Open credit total         ${formatMoney(kpis.creditBalanceTotal).padStart(14)}  (${kpis.creditPercentOfAr.toFixed(2)}% of A/R)`);
say(`  Open credits              ${String(kpis.openCredits).padStart(14)}`);
say(`  Over 90 days              ${pct(kpis.over90Share).padStart(14)} by count, ${pct(kpis.over90AmountShare)} by amount`);
for (const b of kpis.agingBuckets) say(`    ${b.bucket.padEnd(14)} ${String(b.count).padStart(6)}  ${formatMoney(b.amount).padStart(14)}`);

const token = await signToken(config.jwtSecret, { sub: 'demo-admin', tenant: TENANT, roles: [Role.ADMIN], expiresIn: '8h' });
const port = (http.server.address() as { port: number }).port;
say();
say(`GraphQL: http://localhost:${port}/graphql`);
say(`Dashboard: http://localhost:${port}/dashboard?token=${token}`);
say(`Token (ADMIN, tenant demo, 8 h; make others with: npm run token -- --tenant demo --roles BI):`);
say(`  ${token}`);
say(`Try:`);
say(`  curl -s localhost:${port}/graphql -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\`);
say(`    -d '{"query":"{ creditKpis { creditBalanceTotal openCredits over90Share } credits(first: 3) { edges { node { amount agingBucket account { accountNumber } } } } }"}'`);
say(`  curl -s 'localhost:${port}/reports/credit-balance.csv?locations=MAIN' -H "authorization: Bearer $TOKEN" | head   # reports as CSV`);
say('Serving; Ctrl-C to stop.');
runUntilSignal(runtime);
