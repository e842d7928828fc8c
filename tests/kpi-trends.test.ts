import { Queue } from 'bullmq';
import { bullConnection } from '../src/app/runtime.js';
import { Role } from '../src/domain/context/role.js';
import { KPI_SNAPSHOT_CRON, KPI_SNAPSHOT_SCHEDULE_QUEUE } from '../src/jobs/kpi-snapshot-schedule.job.js';
import { entry, POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';

/*
 * A hand-computed ledger over eleven days. Day k is (today − 10 + k), UTC; entries post at noon.
 *
 *   A (MCR)   d0 +100 charge, d2 −80 MCR, d4 −80 MCR (duplicate)   balance: 100 100 20 20 −60 …
 *   B (BCBS)  d1 +50 charge, d3 −70 BCBS, d6 +20 charge            balance: –  50 50 −20 −20 −20 0 …
 *   C (BCBS)  d0 +200 charge, d1 −250 BCBS, d5 +30 charge           balance: 200 −50 −50 −50 −50 −20 …
 *   D (MCR)   d0 +300 charge, d3 −100 MCR                           balance: 300 300 300 200 …
 *   E (MCR)   today−110 +10 charge, today−105 −40 MCR               balance: −30 all along (over 90 days)
 *   F (BCBS)  d1 +10 charge, d2 −30 BCBS, d3 +20 charge              balance: –  10 −20 0 … (never detected)
 *
 * Detection runs once before B's d6 charge is posted (credits A, B, C, E) and once after (B resolved
 * today, on time); F was in credit on d2 only, before any detection: no credit row, group UNDETECTED.
 * Gross A/R by day: d0 600 (A100 C200 D300), d1 460 (A100 B50 D300 F10), d2 370 (A20 B50 D300),
 * d3 220 (A20 D200), d4 onwards 200 (D).
 * Open credits by day (amount = −balance that day):
 *   d0: E30                 → 1, 30.00     d3: E30 C50 B20       → 3, 100.00
 *   d1: E30 C50             → 2, 80.00     d4: E30 C50 B20 A60   → 4, 160.00
 *   d2: E30 C50 F20         → 3, 100.00    d5: E30 C20 B20 A60   → 4, 130.00
 *   d6 … d10: E30 C20 A60 (B back at zero) → 3, 110.00
 * E is over 90 days every day (30.00): over-90 share by count d5 = 1/4, by amount 30/130.
 * By refund payer on d5: MCR = A60 + E30 = 90.00 (2), BCBS = C20 + B20 = 40.00 (2).
 * Inflow (original amounts, as first detected): d1 C 20.00, d3 B 20.00, d4 A 60.00. Outflow: d10 B.
 */

let app: TestApp;
let admin: string;
let bi: string;
const DAY = 86_400_000;
const todayStart = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
const day = (k: number) => new Date(todayStart + (k - 10) * DAY).toISOString().slice(0, 10);
const noon = (k: number) => new Date(todayStart + (k - 10) * DAY + 12 * 3_600_000).toISOString();

const RUN = `mutation($key: String) { runCreditDetection(input: { idempotencyKey: $key }) { id } }`;
const BACKFILL = `mutation($from: Date, $to: Date, $key: String!) { backfillKpiSnapshots(from: $from, to: $to, idempotencyKey: $key) { id kind state } }`;
const TREND = `query($from: Date!, $to: Date!, $interval: TrendInterval, $groupBy: KpiTrendGroupBy) {
  kpiTrend(from: $from, to: $to, interval: $interval, groupBy: $groupBy) {
    period snapshotDate asOf key accountsReceivable creditBalanceTotal openCredits creditPercentOfAr over90Count over90Amount
    over90Share over90AmountShare pastDueCount pastDueAmount resolvedInWindow resolvedOnTime slaAdherence
    turnaroundHours { mean median p90 } agingBuckets { bucket count amount } inflowCount inflowAmount outflowCount outflowAmount } }`;
const KPIS = `{ creditKpis { accountsReceivable creditBalanceTotal creditPercentOfAr openCredits over90Share over90AmountShare slaAdherence agingBuckets { bucket count amount } } }`;

async function job(mutation: string, variables: Record<string, unknown>, field: string) {
  const data = await app.ok(admin, mutation, variables);
  const done = await app.waitForJob(admin, data[field].id);
  expect(done.state).toBe('COMPLETED');
  return done;
}

beforeAll(async () => {
  app = await TestApp.start();
  admin = await app.token('clinic-t', [Role.ADMIN]);
  bi = await app.token('clinic-t', [Role.BI], 'bi-tool');
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'MCR', name: 'Medicare', kind: 'MEDICARE' } });
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'BCBS', name: 'Blue Cross', kind: 'COMMERCIAL' } });
  const pay = (externalId: string, accountNumber: string, payerCode: string, amount: string, postedAt: string) =>
    entry({ externalId, accountNumber, patientId: `P-${accountNumber}`, kind: 'PAYMENT', payerCode, amount, postedAt });
  const charge = (externalId: string, accountNumber: string, amount: string, postedAt: string) =>
    entry({ externalId, accountNumber, patientId: `P-${accountNumber}`, kind: 'CHARGE', amount, postedAt });
  await app.ok(admin, POST_ENTRIES, {
    entries: [
      charge('a-c', 'A', '100.00', noon(0)),
      pay('a-p1', 'A', 'MCR', '-80.00', noon(2)),
      pay('a-p2', 'A', 'MCR', '-80.00', noon(4)),
      charge('b-c', 'B', '50.00', noon(1)),
      pay('b-p', 'B', 'BCBS', '-70.00', noon(3)),
      charge('c-c', 'C', '200.00', noon(0)),
      pay('c-p', 'C', 'BCBS', '-250.00', noon(1)),
      charge('c-c2', 'C', '30.00', noon(5)),
      pay('d-p', 'D', 'MCR', '-100.00', noon(3)),
      charge('d-c', 'D', '300.00', noon(0)),
      charge('e-c', 'E', '10.00', new Date(todayStart - 110 * DAY + 12 * 3_600_000).toISOString()),
      pay('e-p', 'E', 'MCR', '-40.00', new Date(todayStart - 105 * DAY + 12 * 3_600_000).toISOString()),
      charge('f-c', 'F', '10.00', noon(1)),
      pay('f-p', 'F', 'BCBS', '-30.00', noon(2)),
      charge('f-c2', 'F', '20.00', noon(3)),
    ],
  });
  await job(RUN, { key: 'first' }, 'runCreditDetection');
  await app.ok(admin, POST_ENTRIES, { entries: [charge('b-c2', 'B', '20.00', noon(6))] });
  await job(RUN, { key: 'second' }, 'runCreditDetection');
});
afterAll(() => app.stop());

describe('KPI snapshots and trends', () => {
  it('backfills every day from the ledger and the credit history, matching the hand-computed figures', async () => {
    const run = await job(BACKFILL, { from: day(0), to: day(10), key: 'backfill-1' }, 'backfillKpiSnapshots');
    expect(run).toMatchObject({ kind: 'kpi-snapshot', processed: 11, total: 11 });

    const { kpiTrend } = await app.ok(bi, TREND, { from: day(0), to: day(10) });
    expect(kpiTrend.map((p: any) => p.period)).toEqual([...Array(11).keys()].map(day));
    expect(kpiTrend.map((p: any) => p.accountsReceivable)).toEqual(['600.00', '460.00', '370.00', '220.00', '200.00', '200.00', '200.00', '200.00', '200.00', '200.00', '200.00']);
    expect(kpiTrend.map((p: any) => p.openCredits)).toEqual([1, 2, 3, 3, 4, 4, 3, 3, 3, 3, 3]);
    expect(kpiTrend.map((p: any) => p.creditBalanceTotal)).toEqual(['30.00', '80.00', '100.00', '100.00', '160.00', '130.00', '110.00', '110.00', '110.00', '110.00', '110.00']);
    expect(kpiTrend.map((p: any) => p.over90Amount)).toEqual(Array(11).fill('30.00'));
    expect(kpiTrend.map((p: any) => p.inflowCount)).toEqual([0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(kpiTrend.map((p: any) => p.outflowCount)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

    const d5 = kpiTrend[5];
    expect(d5).toMatchObject({ key: 'ALL', snapshotDate: day(5), over90Count: 1, over90Share: 0.25, creditPercentOfAr: 65, resolvedInWindow: 0, slaAdherence: null });
    expect(d5.over90AmountShare).toBeCloseTo(30 / 130, 10);
    expect(d5.asOf).toBe(new Date(todayStart - 4 * DAY - 1).toISOString());
    expect(d5.agingBuckets).toEqual([
      { bucket: 'DAYS_0_30', count: 3, amount: '100.00' },
      { bucket: 'DAYS_31_60', count: 0, amount: '0.00' },
      { bucket: 'DAYS_61_90', count: 0, amount: '0.00' },
      { bucket: 'DAYS_OVER_90', count: 1, amount: '30.00' },
    ]);
    // Today: B was resolved (by the second detection), on time.
    expect(kpiTrend[10]).toMatchObject({ resolvedInWindow: 1, resolvedOnTime: 1, slaAdherence: 1, outflowAmount: '20.00' });
    // Identified by the first detection, resolved by the second, seconds later.
    expect(kpiTrend[10].turnaroundHours.mean).toBeGreaterThanOrEqual(0);
    expect(kpiTrend[10].turnaroundHours.mean).toBeLessThan(1);
    expect(kpiTrend[9].turnaroundHours).toEqual({ mean: null, median: null, p90: null });
  });

  it("today's snapshot equals creditKpis", async () => {
    const { kpiTrend } = await app.ok(bi, TREND, { from: day(10), to: day(10) });
    const { creditKpis } = await app.ok(bi, KPIS);
    const today = kpiTrend[0];
    expect({
      accountsReceivable: today.accountsReceivable,
      creditBalanceTotal: today.creditBalanceTotal,
      creditPercentOfAr: today.creditPercentOfAr,
      openCredits: today.openCredits,
      over90Share: today.over90Share,
      over90AmountShare: today.over90AmountShare,
      slaAdherence: today.slaAdherence,
      agingBuckets: today.agingBuckets,
    }).toEqual(creditKpis);
  });

  it('groups by refund payer, payer kind and root cause; a credit no detection saw is UNDETECTED', async () => {
    const d2 = (await app.ok(bi, TREND, { from: day(2), to: day(2), groupBy: 'PAYER' })).kpiTrend;
    expect(d2.map((p: any) => [p.key, p.openCredits, p.creditBalanceTotal])).toEqual([
      ['BCBS', 1, '50.00'],
      ['MCR', 1, '30.00'],
      ['UNDETECTED', 1, '20.00'],
    ]);
    const byPayer = (await app.ok(bi, TREND, { from: day(5), to: day(5), groupBy: 'PAYER' })).kpiTrend;
    expect(byPayer.map((p: any) => [p.key, p.openCredits, p.creditBalanceTotal])).toEqual([
      ['BCBS', 2, '40.00'],
      ['MCR', 2, '90.00'],
    ]);
    const byKind = (await app.ok(bi, TREND, { from: day(5), to: day(5), groupBy: 'PAYER_KIND' })).kpiTrend;
    expect(byKind.map((p: any) => [p.key, p.creditBalanceTotal])).toEqual([
      ['COMMERCIAL', '40.00'],
      ['MEDICARE', '90.00'],
    ]);
    const byCause = (await app.ok(bi, TREND, { from: day(5), to: day(5), groupBy: 'ROOT_CAUSE' })).kpiTrend;
    expect(byCause.every((p: any) => p.accountsReceivable === null && p.creditPercentOfAr === null)).toBe(true);
    expect(byCause.reduce((n: number, p: any) => n + p.openCredits, 0)).toBe(4);
  });

  it('reads weeks and months as the last snapshot of each period, with flows summed', async () => {
    const weeks = (await app.ok(bi, TREND, { from: day(0), to: day(10), interval: 'WEEK' })).kpiTrend;
    const months = (await app.ok(bi, TREND, { from: day(0), to: day(10), interval: 'MONTH' })).kpiTrend;
    for (const series of [weeks, months]) {
      expect(series.at(-1)).toMatchObject({ snapshotDate: day(10), creditBalanceTotal: '110.00' });
      expect(series.reduce((n: number, p: any) => n + p.inflowCount, 0)).toBe(3);
      expect(series.reduce((n: number, p: any) => n + p.outflowCount, 0)).toBe(1);
    }
    const monday = (d: string) => new Date(`${d}T00:00:00Z`).getUTCDay() === 1;
    expect(weeks.every((p: any) => monday(p.period))).toBe(true);
    expect(months.every((p: any) => p.period.endsWith('-01'))).toBe(true);
  });

  it('is idempotent: a second backfill of the same days rewrites them, counting nothing twice', async () => {
    const before = await app.ownerQuery(`select count(*)::int as n, sum(credit_total)::text as total from kpi_snapshot where tenant_id = 'clinic-t'`);
    const again = await app.ok(admin, BACKFILL, { from: day(0), to: day(10), key: 'backfill-1' });
    const first = await app.ownerQuery(`select id from job_run where idempotency_key = 'backfill-1'`);
    expect(again.backfillKpiSnapshots.id).toBe(first[0].id);
    await job(BACKFILL, { from: day(3), to: day(10), key: 'backfill-2' }, 'backfillKpiSnapshots');
    const after = await app.ownerQuery(`select count(*)::int as n, sum(credit_total)::text as total from kpi_snapshot where tenant_id = 'clinic-t'`);
    expect(after).toEqual(before);
  });

  it("the daily job scheduler queues one run per tenant that writes today's snapshot", async () => {
    const queue = new Queue(KPI_SNAPSHOT_SCHEDULE_QUEUE, { connection: bullConnection(app.config.redisUrl), prefix: app.config.queuePrefix });
    try {
      expect(await queue.getJobScheduler('kpi-snapshot-daily')).toMatchObject({ pattern: KPI_SNAPSHOT_CRON, tz: 'UTC' });
      await app.ownerQuery(`delete from kpi_snapshot where tenant_id = 'clinic-t' and snapshot_date = $1`, [day(10)]);
      await queue.add('daily', {}); // the tick the scheduler adds at 23:55 UTC
      const deadline = Date.now() + 20_000;
      let runs: { state: string; input: unknown }[] = [];
      while (Date.now() < deadline) {
        runs = await app.ownerQuery(`select state, input from job_run where tenant_id = 'clinic-t' and idempotency_key = $1`, [`daily:${day(10)}`]);
        if (runs[0]?.state === 'COMPLETED') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(runs).toEqual([{ state: 'COMPLETED', input: { from: day(10), to: day(10) } }]);
      const { kpiTrend } = await app.ok(bi, TREND, { from: day(10), to: day(10) });
      expect(kpiTrend).toMatchObject([{ snapshotDate: day(10), openCredits: 3, creditBalanceTotal: '110.00', accountsReceivable: '200.00' }]);
    } finally {
      await queue.close();
    }
  });

  it('refuses bad ranges and callers without the role', async () => {
    const future = new Date(todayStart + 2 * DAY).toISOString().slice(0, 10);
    const res = await app.gql(admin, BACKFILL, { from: day(0), to: future, key: 'bad' });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    const reversed = await app.gql(bi, TREND, { from: day(5), to: day(1) });
    expect(reversed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
    const denied = await app.gql(bi, BACKFILL, { key: 'bi' });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
