import 'reflect-metadata';
import { parseArgs } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import { Role } from '../src/domain/context/role.js';
import { accountNumberOf } from '../src/domain/generator/ledger-generator.js';
import { writeEra, type EraClaimSpec } from '../src/domain/remittance/era-writer.js';
import { signToken } from '../src/infra/auth/jwt.js';
import {
  benchConfig, configEnv, dropDatabase, freePort, hasGraphqlErrors, percentile, preparePractice, rssMb, spawnTs, stopChild, UNLIMITED_RATE, waitReady,
} from './harness.js';

/**
 * `npm run load -- [--minutes 10] [--accounts 20000] [--fresh]`: a realistic mix against a demo-like
 * practice (its own database `credit_balance_bench_load`, loaded once; 90 days of KPI snapshots),
 * served by the API (src/main.ts) and the workers (src/worker.ts) as two child processes. Concurrent
 * autocannon instances, each paced per connection like its real client:
 * - dashboards (BI) polling creditKpis, kpis(groupBy: PAYER) and kpiTrend;
 * - a partner paging credits with cursors, from the first page again after the last;
 * - analysts working credits: claimNextCredit, startReview, requestRefund, then an approver (another
 *   user) approves the refund;
 * - a script importing a new 835 file, running detection and a dry-run auto-adjust, polling job(id)
 *   until each finishes.
 * Prints per operation count, errors (socket errors, non-200 and GraphQL `errors` all count) and
 * p50/p95/p99, and the RSS of the API and worker processes sampled every 5 s.
 */
const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    accounts: { type: 'string', default: '20000' },
    fresh: { type: 'boolean', default: false },
  },
});
const TENANT = 'bench-load';
const accounts = Number(values.accounts);
const duration = Math.round(Number(values.minutes) * 60);
const config = benchConfig('credit_balance_bench_load', 'bench-load');
if (values.fresh) await dropDatabase(config);
const credits = await preparePractice(config, TENANT, accounts, { trendDays: 90 });
console.log(`tenant ${TENANT}: ${accounts.toLocaleString()} accounts, ${credits.toLocaleString()} credits; ${duration} s of load`);

// ---- per-operation figures -------------------------------------------------------------------
interface OpStats {
  latencies: number[];
  errors: number;
  samples: string[];
}
const stats = new Map<string, OpStats>();
const record = (op: string, ms: number, errorBody?: string) => {
  const s = stats.get(op) ?? { latencies: [], errors: 0, samples: [] };
  stats.set(op, s);
  s.latencies.push(ms);
  if (errorBody !== undefined) {
    s.errors++;
    if (s.samples.length < 3) s.samples.push(errorBody.slice(0, 300));
  }
};

// ---- actors: one autocannon request whose setupRequest picks the next operation ------------------
type Json = Record<string, any>;
interface Call {
  op: string;
  token: string;
  query: string;
  variables?: Record<string, unknown>;
}
interface ActorState {
  call?: Call;
  sentAt?: number;
  [key: string]: unknown;
}
/**
 * A client that decides its next GraphQL call from what it has seen (`next`), and learns from each
 * answer (`seen`, given the data of an error-free response). Latency is measured per operation.
 */
function actor(next: (state: ActorState) => Call, seen: (state: ActorState, call: Call, data: Json) => void = () => {}): autocannon.Request {
  return {
    method: 'POST',
    setupRequest: (request, context) => {
      const state = context as ActorState;
      const call = next(state);
      state.call = call;
      state.sentAt = performance.now();
      return { ...request, headers: { 'content-type': 'application/json', authorization: `Bearer ${call.token}` }, body: JSON.stringify({ query: call.query, variables: call.variables ?? {} }) };
    },
    onResponse: (status, body, context) => {
      const state = context as ActorState;
      const call = state.call!;
      const ms = performance.now() - state.sentAt!;
      if (status !== 200 || hasGraphqlErrors(body)) {
        record(call.op, ms, `HTTP ${status}: ${body}`);
        state.step = 0; // start the actor's cycle over
        return;
      }
      record(call.op, ms);
      seen(state, call, (JSON.parse(body) as Json).data);
    },
  };
}

const tokens = {
  bi: await signToken(config.jwtSecret, { sub: 'dashboard', tenant: TENANT, roles: [Role.BI], expiresIn: '24h' }),
  partner: await signToken(config.jwtSecret, { sub: 'partner', tenant: TENANT, roles: [Role.PARTNER], expiresIn: '24h' }),
  analysts: await Promise.all(['ann', 'bob', 'cy'].map((sub) => signToken(config.jwtSecret, { sub, tenant: TENANT, roles: [Role.ANALYST], expiresIn: '24h' }))),
  approver: await signToken(config.jwtSecret, { sub: 'pat', tenant: TENANT, roles: [Role.APPROVER], expiresIn: '24h' }),
  runner: await signToken(config.jwtSecret, { sub: 'nightly-script', tenant: TENANT, roles: [Role.JOB_RUNNER, Role.AUDITOR], expiresIn: '24h' }),
};

const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
const DASHBOARD: Call[] = [
  { op: 'creditKpis', token: tokens.bi, query: '{ creditKpis { accountsReceivable creditBalanceTotal creditPercentOfAr openCredits over90Share slaAdherence agingBuckets { bucket count amount } } }' },
  { op: 'kpis(groupBy: PAYER)', token: tokens.bi, query: '{ kpis(groupBy: PAYER) { key openCredits creditBalanceTotal over90Count pastDueCount slaAdherence } }' },
  { op: 'kpiTrend', token: tokens.bi, query: `{ kpiTrend(from: "${day(89)}", to: "${day(0)}", interval: WEEK) { asOf creditBalanceTotal inflowCount inflowAmount } }` },
];
const dashboard = actor((s) => {
  const i = Number(s.step ?? 0);
  s.step = (i + 1) % DASHBOARD.length;
  return DASHBOARD[i]!;
});

const PAGE = `query($after: String) { credits(first: 50, after: $after) { pageInfo { hasNextPage endCursor } edges { node {
  id amount status rootCause originatedAt agingBucket dollarTier account { accountNumber } refundPayer { code } } } } }`;
const partner = actor(
  (s) => ({ op: 'credits page (partner, cursor)', token: tokens.partner, query: PAGE, variables: { after: s.step ? s.cursor : null } }),
  (s, _call, data) => {
    const info = data.credits.pageInfo;
    s.cursor = info.endCursor;
    s.step = info.hasNextPage ? 1 : 0;
  },
);

let analystCount = 0;
const ANALYST_STEPS = ['claimNextCredit', 'startReview', 'requestRefund', 'approveRefund (another user)'];
const analyst = actor(
  (s) => {
    s.token ??= tokens.analysts[analystCount++ % tokens.analysts.length];
    const step = Number(s.step ?? 0);
    const token = s.token as string;
    if (step === 0) return { op: ANALYST_STEPS[0]!, token, query: 'mutation($w: ID!) { claimNextCredit(worklistId: $w) { id amount status } }', variables: { w: worklistId } };
    if (step === 1) return { op: ANALYST_STEPS[1]!, token, query: 'mutation($id: ID!) { startReview(creditId: $id) { id status } }', variables: { id: s.credit } };
    if (step === 2) {
      return {
        op: ANALYST_STEPS[2]!, token, query: 'mutation($input: RequestRefundInput!) { requestRefund(input: $input) { id status } }',
        variables: { input: { creditId: s.credit, amount: s.refund, reason: 'OVERPAYMENT', documents: ['doc://eob/load'] } },
      };
    }
    return { op: ANALYST_STEPS[3]!, token: tokens.approver, query: 'mutation($id: ID!) { approveRefund(id: $id) { id status } }', variables: { id: s.refundId } };
  },
  (s, call, data) => {
    if (call.op === ANALYST_STEPS[0]) {
      const credit = data.claimNextCredit as Json | null;
      if (!credit) return; // the queue is empty: ask again
      s.credit = credit.id;
      // A partial refund (a single approval): at most 100.00 of the credit.
      s.refund = Number(credit.amount) > 100 ? '100.00' : credit.amount;
      s.step = 1;
    } else if (call.op === ANALYST_STEPS[1]) s.step = 2;
    else if (call.op === ANALYST_STEPS[2]) {
      s.refundId = data.requestRefund.id;
      s.step = 3;
    } else s.step = 0;
  },
);

let fileCount = 0;
/** A new 835 file: 20 claims of the practice paid by BCBS, each with a contractual adjustment. */
function remittanceFile(): { content: string; fileName: string } {
  const n = ++fileCount;
  const claims: EraClaimSpec[] = [];
  for (let k = 0; k < 20; k++) {
    const index = (n * 7919 + k * 104_729) % accounts;
    claims.push({
      pcn: accountNumberOf(index), charge: '120.00', paid: '80.00', icn: `LOAD${n}-${k}`,
      lines: [{ code: '99213', charge: '120.00', paid: '80.00', date: day(30).replaceAll('-', ''), cas: [['CO', '45', '40.00']] }],
    });
  }
  return { content: writeEra([{ payerId: 'BCBS', payerName: 'Blue Cross Blue Shield', trace: `LOAD-${process.pid}-${Date.now()}-${n}`, paymentDate: day(1).replaceAll('-', ''), claims }]), fileName: `load-${n}.835` };
}
const JOBS = [
  { op: 'importRemittance', mutation: 'mutation($content: String!, $fileName: String!, $key: String) { importRemittance(content: $content, fileName: $fileName, idempotencyKey: $key) { id state } }' },
  { op: 'runCreditDetection', mutation: 'mutation { runCreditDetection { id state } }' },
  { op: 'autoAdjustSmallCredits (dryRun)', mutation: 'mutation { autoAdjustSmallCredits(input: { dryRun: true }) { id state } }' },
];
const script = actor(
  (s) => {
    const job = Number(s.job ?? 0);
    if (s.polling) return { op: 'job(id) poll', token: tokens.runner, query: 'query($id: ID!) { job(id: $id) { id state error } }', variables: { id: s.polling } };
    const variables = job === 0 ? { ...remittanceFile(), key: `load-${process.pid}-${fileCount}` } : {};
    return { op: JOBS[job]!.op, token: tokens.runner, query: JOBS[job]!.mutation, variables };
  },
  (s, call, data) => {
    if (call.op === 'job(id) poll') {
      const run = data.job as Json;
      if (run.state === 'FAILED') record(`job ${String(s.kind)} FAILED`, 0, String(run.error));
      if (run.state === 'COMPLETED' || run.state === 'FAILED') {
        s.polling = undefined;
        s.job = (Number(s.job ?? 0) + 1) % JOBS.length;
      }
      return;
    }
    const run = Object.values(data)[0] as Json;
    s.polling = run.id;
    s.kind = call.op;
  },
);

// ---- the servers --------------------------------------------------------------------------
const port = await freePort();
const env = configEnv(config, port, { NODE_ENV: 'production', ...UNLIMITED_RATE });
const api = spawnTs('src/main.ts', env);
const worker = spawnTs('src/worker.ts', env);
const rss: { api: number[]; worker: number[] } = { api: [], worker: [] };
let sampler: NodeJS.Timeout | undefined;
let worklistId = '';
try {
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitReady(api, `http://127.0.0.1:${port}/readyz`);
  const worklists = await fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.analysts[0]}` },
    body: JSON.stringify({ query: '{ worklists { id isDefault openCount } }' }),
  }).then((r) => r.json() as Promise<Json>);
  if (worklists.errors) throw new Error(JSON.stringify(worklists.errors));
  worklistId = (worklists.data.worklists as Json[]).find((w) => w.isDefault)!.id;

  const sample = (child: ChildProcess, into: number[]) => child.pid && child.exitCode === null && into.push(rssMb(child.pid));
  const takeSample = () => (sample(api, rss.api), sample(worker, rss.worker));
  takeSample();
  sampler = setInterval(takeSample, 5_000);
  // Each instance paces its connections like its clients: requests per second per connection.
  // Socket errors and timeouts by client and cause, so that any is attributed.
  const socketCauses = new Map<string, number>();
  const instance = (name: string, request: autocannon.Request, connections: number, connectionRate: number) =>
    new Promise<autocannon.Result>((resolve, reject) => {
      const running = autocannon(
        // autocannon clears a connection's context each time it wraps around its request list: a
        // list far longer than a run keeps each actor's state for the whole run.
        { title: name, url, connections, connectionRate, duration, requests: Array.from({ length: 100_000 }, () => request) },
        (error, result) => (error ? reject(error as Error) : resolve(result)),
      );
      running.on('reqError', (error: Error & { code?: string }) => {
        const cause = `${name}: ${error.code ?? error.name}: ${error.message}`;
        socketCauses.set(cause, (socketCauses.get(cause) ?? 0) + 1);
      });
    });
  const results = await Promise.all([
    instance('dashboards', dashboard, 4, 1),
    instance('partner', partner, 2, 4),
    instance('analysts', analyst, 3, 2),
    instance('script', script, 1, 4),
  ]);
  takeSample();
  const socketErrors = results.reduce((n, r) => n + r.errors, 0);
  for (const r of results) if (r.errors) console.log(`${r.title}: ${r.errors} socket errors, of which ${r.timeouts} timeouts`);
  for (const [cause, n] of socketCauses) console.log(`  ${n} × ${cause}`);

  const ms = (x: number) => x.toFixed(1);
  console.log(`\nLoad mix, ${duration} s, ${accounts.toLocaleString()} accounts / ${credits.toLocaleString()} credits at start\n`);
  console.log('| operation | count | errors | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|---|');
  let total = 0;
  let errors = socketErrors;
  for (const [op, s] of stats) {
    s.latencies.sort((a, b) => a - b);
    total += s.latencies.length;
    errors += s.errors;
    console.log(`| ${op} | ${s.latencies.length} | ${s.errors} | ${ms(percentile(s.latencies, 50))} | ${ms(percentile(s.latencies, 95))} | ${ms(percentile(s.latencies, 99))} |`);
  }
  console.log(`\n${total} requests (${(total / duration).toFixed(1)}/s), ${errors} errors (${socketErrors} socket errors or timeouts)`);
  for (const [op, s] of stats) for (const text of s.samples) console.log(`  ${op} error: ${text}`);
  const mem = (xs: number[]) => `first ${xs[0]} MB, last ${xs.at(-1)} MB, max ${Math.max(...xs)} MB (${xs.length} samples)`;
  const every30s = (xs: number[]) => xs.filter((_, i) => i % 6 === 0).join(' ');
  console.log(`RSS of the API process: ${mem(rss.api)}; every 30 s: ${every30s(rss.api)}`);
  console.log(`RSS of the worker process: ${mem(rss.worker)}; every 30 s: ${every30s(rss.worker)}`);
  if (errors) process.exitCode = 1;
} finally {
  clearInterval(sampler);
  await Promise.all([stopChild(api), stopChild(worker)]);
}
process.exit(process.exitCode ?? 0);
