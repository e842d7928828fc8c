import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Role } from '../src/domain/context/role.js';
import { signToken } from '../src/infra/auth/jwt.js';
import pg from 'pg';
import {
  benchConfig, cannon, configEnv, dropDatabase, freePort, preparePractice, spawnTs, stopChild, UNLIMITED_RATE, waitReady, type RunFigures,
} from './harness.js';
import { backendCpuMs, cpuSpent, processCpuMs } from './cpu-time.js';

/**
 * `npm run bench:page -- [--accounts 50000] [--seconds 20] [--connections 16] [--rounds 2] [--fresh]`:
 * the credits page (first 50, oldest origination first, with account, refund payer and the
 * account's ledger entries, and totalCount) under `connections` concurrent autocannon clients,
 * served by this API (src/main.ts, NODE_ENV=production) and by PostGraphile 5 (bench/postgraphile-peer.ts)
 * on the same database as the same app role under the same row-level security. Both servers run
 * as child processes; the rounds alternate between them to spread the noise of a shared machine.
 * Its practice lives in `credit_balance_bench_page` (loaded once, reused unless --fresh).
 * Each round also reports the CPU time per request of the server process and of the database's
 * backends (from /proc): on a machine shared with other work, req/s swing with what else runs,
 * CPU per request much less.
 */
const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '50000' },
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '2' },
    fresh: { type: 'boolean', default: false },
  },
});
const TENANT = 'bench-page';
const OTHER_TENANT = 'bench-page-other';
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const config = benchConfig('credit_balance_bench_page', 'bench-page');
if (values.fresh) await dropDatabase(config);
const credits = await preparePractice(config, TENANT, Number(values.accounts));
console.log(`tenant ${TENANT}: ${credits.toLocaleString()} credits`);

const OURS = `{ credits(first: 50) { totalCount pageInfo { hasNextPage endCursor } edges { node {
  id amount originalAmount status rootCause originatedAt slaDueAt
  account { id accountNumber }
  refundPayer { code name kind }
  entries { id externalId kind amount postedAt } } } } }`;
const PEER = `{ allCredits(first: 50, orderBy: [ORIGINATED_AT_ASC, PRIMARY_KEY_ASC]) { totalCount pageInfo { hasNextPage endCursor } edges { node {
  rowId amount originalAmount status rootCause originatedAt slaDueAt
  account: accountByTenantIdAndAccountId { rowId accountNumber
    entries: ledgerEntriesByTenantIdAndAccountId(orderBy: [POSTED_AT_ASC, PRIMARY_KEY_ASC]) { nodes { rowId externalId kind amount postedAt } } }
  refundPayer: payerByTenantIdAndRefundPayerId { code name kind } } } } }`;

interface PageRow {
  id: string;
  amount: string;
  status: string;
  account: string;
  payer: string | null;
  entries: string[];
}
type Json = Record<string, any>;
const oursRows = (body: Json): PageRow[] =>
  body.data.credits.edges.map(({ node: n }: Json) => ({
    id: n.id, amount: n.amount, status: n.status, account: n.account.accountNumber, payer: n.refundPayer?.code ?? null,
    entries: n.entries.map((e: Json) => `${e.id} ${e.externalId} ${e.kind} ${e.amount}`),
  }));
const peerRows = (body: Json): PageRow[] =>
  body.data.allCredits.edges.map(({ node: n }: Json) => ({
    id: n.rowId, amount: n.amount, status: n.status, account: n.account.accountNumber, payer: n.refundPayer?.code ?? null,
    entries: n.account.entries.nodes.map((e: Json) => `${e.rowId} ${e.externalId} ${e.kind} ${e.amount}`),
  }));

const token = await signToken(config.jwtSecret, { sub: 'bench-page', tenant: TENANT, roles: [Role.ANALYST] });
const otherToken = await signToken(config.jwtSecret, { sub: 'bench-page', tenant: OTHER_TENANT, roles: [Role.ANALYST] });
const cpu = (x: number | null) => (x === null ? 'n/a' : x.toFixed(1));
const post = async (url: string, query: string, bearer = token): Promise<Json> => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as Json;
  if (body.errors) throw new Error(`${url}: ${JSON.stringify(body.errors)}`);
  return body;
};

const [oursPort, peerPort] = [await freePort(), await freePort()];
const ours = spawnTs('src/main.ts', configEnv(config, oursPort, { NODE_ENV: 'production', ...UNLIMITED_RATE }));
const peer = spawnTs('bench/postgraphile-peer.ts', configEnv(config, peerPort, { GRAPHILE_ENV: 'production' }));
const servers = [
  { name: 'this API (type-graphql + MikroORM)', url: `http://127.0.0.1:${oursPort}/graphql`, query: OURS, child: ours },
  { name: 'PostGraphile 5.1.5 (Amber)', url: `http://127.0.0.1:${peerPort}/graphql`, query: PEER, child: peer },
];
try {
  await waitReady(ours, `http://127.0.0.1:${oursPort}/readyz`);
  await waitReady(peer, servers[1]!.url, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ __typename }' }),
  });

  // Before timing: both serve the same 50 credits, with the same accounts, payers and entries,
  // and neither shows them to another tenant.
  const [a, b] = [oursRows(await post(servers[0]!.url, OURS)), peerRows(await post(servers[1]!.url, PEER))];
  if (a.length !== 50 || JSON.stringify(a) !== JSON.stringify(b)) {
    throw new Error(`the two pages differ:\nours ${JSON.stringify(a.slice(0, 2))}\npeer ${JSON.stringify(b.slice(0, 2))}`);
  }
  const otherOurs = (await post(servers[0]!.url, OURS, otherToken)).data.credits.totalCount;
  const otherPeer = (await post(servers[1]!.url, PEER, otherToken)).data.allCredits.totalCount;
  if (otherOurs !== 0 || otherPeer !== 0) throw new Error(`another tenant sees credits: ours ${otherOurs}, peer ${otherPeer}`);
  console.log(`both serve the same 50 credits (${a.reduce((n, r) => n + r.entries.length, 0)} entries); another tenant sees none on either`);

  const cannonRun = (server: (typeof servers)[number], duration: number) =>
    cannon({
      url: server.url,
      connections,
      duration,
      requests: [{ method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: server.query }) }],
    });
  const owner = new pg.Client({ connectionString: config.databaseUrl });
  await owner.connect();
  /** A timed run with the CPU it cost per request: the server process's and the database backends'. */
  const run = async (server: (typeof servers)[number], duration: number) => {
    const [node0, db0] = [processCpuMs(server.child.pid), await backendCpuMs(owner)];
    const figures = await cannonRun(server, duration);
    const [node1, db1] = [processCpuMs(server.child.pid), await backendCpuMs(owner)];
    const perRequest = (ms: number | null) => (ms === null || !figures.requests ? null : ms / figures.requests);
    return { ...figures, nodeCpuMs: perRequest(node1 - node0), dbCpuMs: perRequest(cpuSpent(db0, db1)) };
  };
  for (const server of servers) await cannonRun(server, Math.min(5, seconds)); // warm-up: JIT, pools, plans
  const results: { server: string; round: number; figures: RunFigures & { nodeCpuMs: number | null; dbCpuMs: number | null } }[] = [];
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const server of round % 2 ? servers : [...servers].reverse()) {
      const figures = await run(server, seconds);
      results.push({ server: server.name, round, figures });
      console.log(`round ${round} ${server.name}: ${figures.perSecond.toFixed(1)} req/s, p95 ${figures.p95.toFixed(1)} ms, errors ${figures.errors}, CPU/request: server ${cpu(figures.nodeCpuMs)} ms, PostgreSQL ${cpu(figures.dbCpuMs)} ms`);
      for (const sample of figures.samples) console.log(`  error: ${sample}`);
    }
  }
  await owner.end();
  const ms = (x: number) => x.toFixed(1);
  console.log(`\nCredits page (first 50 + account, refund payer, entries, totalCount), ${connections} connections, ${seconds} s per round, ${credits.toLocaleString()} credits\n`);
  console.log('| server | round | requests | req/s | p50 ms | p95 ms | p99 ms | errors | server CPU ms/req | PostgreSQL CPU ms/req |\n|---|---|---|---|---|---|---|---|---|---|');
  for (const { server, round, figures: f } of results) {
    console.log(`| ${server} | ${round} | ${f.requests} | ${f.perSecond.toFixed(1)} | ${ms(f.p50)} | ${ms(f.p95)} | ${ms(f.p99)} | ${f.errors} | ${cpu(f.nodeCpuMs)} | ${cpu(f.dbCpuMs)} |`);
  }
  const total = (name: string) => {
    const mine = results.filter((r) => r.server === name);
    return mine.reduce((n, r) => n + r.figures.perSecond, 0) / mine.length;
  };
  const ratio = total(servers[0]!.name) / total(servers[1]!.name);
  console.log(`\nthroughput over all rounds: ours ${total(servers[0]!.name).toFixed(1)} req/s, PostGraphile ${total(servers[1]!.name).toFixed(1)} req/s, ratio ${ratio.toFixed(2)} (target ≥ 1)`);
  const meanCpu = (name: string, of: 'nodeCpuMs' | 'dbCpuMs') => {
    const values = results.filter((r) => r.server === name).map((r) => r.figures[of]);
    return values.some((v) => v === null) ? null : values.reduce((n: number, v) => n + v!, 0) / values.length;
  };
  for (const { name } of servers) {
    console.log(`CPU per request, ${name}: server ${cpu(meanCpu(name, 'nodeCpuMs'))} ms, PostgreSQL ${cpu(meanCpu(name, 'dbCpuMs'))} ms`);
  }
} finally {
  await Promise.all([stopChild(ours), stopChild(peer)]);
}
process.exit(0);
