import pg from 'pg';
import { Role } from '../src/domain/context/role.js';
import { entry, POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';

let app: TestApp;
let admin: string;
const DAY = 86_400_000;
const daysAgo = (d: number) => new Date(Date.now() - d * DAY).toISOString();

const RUN = `mutation($key: String) { runCreditDetection(input: { idempotencyKey: $key }) { id kind state processed total createdAt } }`;
const CREDITS = `query($filter: CreditFilter, $first: Int, $after: String) {
  credits(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id amount originalAmount status rootCause ageDays agingBucket originatedAt identifiedAt slaDueAt resolution
      refundPayer { code } account { accountNumber balance } entries { externalId amount postedAt payer { code } } } }
  } }`;
const KPIS = `query($filter: KpiFilter) { creditKpis(filter: $filter) { asOf accountsReceivable creditBalanceTotal creditPercentOfAr
  openCredits over90Share over90AmountShare slaAdherence agingBuckets { bucket count amount } } }`;

async function detect(key?: string) {
  const { runCreditDetection } = await app.ok(admin, RUN, { key });
  expect(runCreditDetection.state).toBe('QUEUED');
  const job = await app.waitForJob(admin, runCreditDetection.id);
  expect(job.state).toBe('COMPLETED');
  return { run: runCreditDetection, job, result: JSON.parse(job.result) };
}

const creditOf = async (accountNumber: string, statuses = ['OPEN']) =>
  (await app.ok(admin, CREDITS, { filter: { accountNumber, statuses } })).credits.edges.map((e: any) => e.node);

beforeAll(async () => {
  app = await TestApp.start();
  admin = await app.token('clinic-d', [Role.ADMIN]);
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'MCR', name: 'Medicare', kind: 'MEDICARE' } });
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'BCBS', name: 'Blue Cross', kind: 'COMMERCIAL' } });
  // Each account's story, with the credit it should leave (amount, when it went negative).
  await app.ok(admin, POST_ENTRIES, {
    entries: [
      // Duplicate payment: -60.00 since the second payment, 94 days ago (over 90).
      entry({ externalId: 'dup-c', accountNumber: 'D-DUP', payerCode: 'MCR', amount: '100.00', postedAt: daysAgo(100), claimNumber: 'C1' }),
      entry({ externalId: 'dup-p1', accountNumber: 'D-DUP', kind: 'PAYMENT', payerCode: 'MCR', amount: '-80.00', postedAt: daysAgo(95), claimNumber: 'C1' }),
      entry({ externalId: 'dup-p2', accountNumber: 'D-DUP', kind: 'PAYMENT', payerCode: 'MCR', amount: '-80.00', postedAt: daysAgo(94), claimNumber: 'C1', reasonCode: '18' }),
      // Negative, back to positive, negative again: the credit dates from the last crossing (40 days).
      entry({ externalId: 'flip-c1', accountNumber: 'D-FLIP', patientId: 'P-2', amount: '50.00', postedAt: daysAgo(70) }),
      entry({ externalId: 'flip-p1', accountNumber: 'D-FLIP', patientId: 'P-2', kind: 'PAYMENT', payerCode: 'BCBS', amount: '-60.00', postedAt: daysAgo(65) }),
      entry({ externalId: 'flip-c2', accountNumber: 'D-FLIP', patientId: 'P-2', amount: '20.00', postedAt: daysAgo(50) }),
      entry({ externalId: 'flip-p2', accountNumber: 'D-FLIP', patientId: 'P-2', kind: 'PAYMENT', amount: '-25.00', postedAt: daysAgo(40) }),
      // A large overpayment 10 days ago: $1,000+ tier, due 10 days after identification.
      entry({ externalId: 'big-c', accountNumber: 'D-BIG', patientId: 'P-3', amount: '1000.00', postedAt: daysAgo(20) }),
      entry({ externalId: 'big-p', accountNumber: 'D-BIG', patientId: 'P-3', kind: 'PAYMENT', payerCode: 'BCBS', amount: '-2200.00', postedAt: daysAgo(10) }),
      // A payment with no charge at all, 75 days ago (61-90).
      entry({ externalId: 'first-p', accountNumber: 'D-FIRST', patientId: 'P-4', kind: 'PAYMENT', payerCode: 'BCBS', amount: '-45.00', postedAt: daysAgo(75) }),
      // Settled and open accounts: no credit; D-POS is the only A/R (70.00).
      entry({ externalId: 'zero-c', accountNumber: 'D-ZERO', patientId: 'P-5', amount: '100.00', postedAt: daysAgo(30) }),
      entry({ externalId: 'zero-p', accountNumber: 'D-ZERO', patientId: 'P-5', kind: 'PAYMENT', payerCode: 'MCR', amount: '-100.00', postedAt: daysAgo(29) }),
      entry({ externalId: 'pos-c', accountNumber: 'D-POS', patientId: 'P-6', amount: '100.00', postedAt: daysAgo(30) }),
      entry({ externalId: 'pos-p', accountNumber: 'D-POS', patientId: 'P-6', kind: 'PAYMENT', payerCode: 'MCR', amount: '-30.00', postedAt: daysAgo(29) }),
    ],
  });
});
afterAll(() => app.stop());

describe('credit detection through the queue', () => {
  let firstRunId: string;

  it('opens one credit per negative account, with amount, origin and aging', async () => {
    const { run, job, result } = await detect('first-run');
    firstRunId = run.id;
    expect(job).toMatchObject({ kind: 'credit-detection', processed: 6, total: 6 });
    expect(result).toMatchObject({ accountsScanned: 6, negativeAccounts: 4, opened: 4, updated: 0, resolved: 0, openCredits: 4, openAmount: '1320.00' });

    const { credits } = await app.ok(admin, CREDITS);
    expect(credits.totalCount).toBe(4);
    const byAccount = Object.fromEntries(credits.edges.map((e: any) => [e.node.account.accountNumber, e.node]));
    expect(credits.edges.map((e: any) => e.node.account.accountNumber)).toEqual(['D-DUP', 'D-FIRST', 'D-FLIP', 'D-BIG']);
    expect(byAccount['D-DUP']).toMatchObject({ amount: '60.00', status: 'OPEN', rootCause: 'DUPLICATE_PAYMENT', ageDays: 94, agingBucket: 'DAYS_OVER_90', resolution: null });
    expect(byAccount['D-DUP'].refundPayer).toEqual({ code: 'MCR' });
    expect(byAccount['D-FIRST']).toMatchObject({ amount: '45.00', ageDays: 75, agingBucket: 'DAYS_61_90' });
    expect(byAccount['D-FLIP']).toMatchObject({ amount: '15.00', ageDays: 40, agingBucket: 'DAYS_31_60' });
    expect(byAccount['D-BIG']).toMatchObject({ amount: '1200.00', ageDays: 10, agingBucket: 'DAYS_0_30' });
    const postedAt = (node: any, externalId: string) => node.entries.find((e: any) => e.externalId === externalId).postedAt;
    expect(byAccount['D-FLIP'].originatedAt).toBe(postedAt(byAccount['D-FLIP'], 'flip-p2'));
    expect(byAccount['D-DUP'].originatedAt).toBe(postedAt(byAccount['D-DUP'], 'dup-p2'));
    expect(byAccount['D-FIRST'].originatedAt).toBe(postedAt(byAccount['D-FIRST'], 'first-p'));
    // Deadlines: $1,000+ within 10 days of identification; a low-complexity duplicate within 30.
    const due = (n: any) => (Date.parse(n.slaDueAt) - Date.parse(n.identifiedAt)) / DAY;
    expect(due(byAccount['D-BIG'])).toBe(10);
    expect(due(byAccount['D-DUP'])).toBe(30);
    expect(byAccount['D-DUP'].entries.map((e: any) => [e.externalId, e.amount, e.payer?.code ?? null])).toEqual([
      ['dup-c', '100.00', 'MCR'],
      ['dup-p1', '-80.00', 'MCR'],
      ['dup-p2', '-80.00', 'MCR'],
    ]);
    expect(byAccount['D-DUP'].account.balance).toBe('-60.00');
  });

  it('returns the same JobRun for the same idempotency key', async () => {
    const { runCreditDetection } = await app.ok(admin, RUN, { key: 'first-run' });
    expect(runCreditDetection.id).toBe(firstRunId);
  });

  it('changes nothing when run again over an unchanged ledger', async () => {
    const before = await app.ownerQuery('select id, amount, status, originated_at, sla_due_at, updated_at from credit order by id');
    const { result } = await detect();
    expect(result).toMatchObject({ opened: 0, updated: 0, resolved: 0, openCredits: 4, openAmount: '1320.00' });
    expect(await app.ownerQuery('select id, amount, status, originated_at, sla_due_at, updated_at from credit order by id')).toEqual(before);
  });

  it('reports KPIs from the same state', async () => {
    const { creditKpis } = await app.ok(admin, KPIS);
    // A/R: D-POS 70.00 is the only positive balance. Credits: 60 + 45 + 15 + 1200 = 1320.00.
    expect(creditKpis).toMatchObject({ accountsReceivable: '70.00', creditBalanceTotal: '1320.00', openCredits: 4, over90Share: 0.25, slaAdherence: null });
    expect(creditKpis.creditPercentOfAr).toBeCloseTo((1320 / 70) * 100, 10);
    expect(creditKpis.over90AmountShare).toBeCloseTo(60 / 1320, 12);
    expect(creditKpis.agingBuckets).toEqual([
      { bucket: 'DAYS_0_30', count: 1, amount: '1200.00' },
      { bucket: 'DAYS_31_60', count: 1, amount: '15.00' },
      { bucket: 'DAYS_61_90', count: 1, amount: '45.00' },
      { bucket: 'DAYS_OVER_90', count: 1, amount: '60.00' },
    ]);
    // Payer filters select credits by refund payer (D-DUP is owed to MCR; the others to BCBS)
    // and A/R by the account's primary payer (D-POS: MCR).
    const { creditKpis: medicare } = await app.ok(admin, KPIS, { filter: { payerKinds: ['MEDICARE'] } });
    expect(medicare).toMatchObject({ accountsReceivable: '70.00', openCredits: 1, creditBalanceTotal: '60.00' });
    const { creditKpis: commercial } = await app.ok(admin, KPIS, { filter: { payerCodes: ['BCBS'] } });
    expect(commercial).toMatchObject({ accountsReceivable: '0.00', openCredits: 3, creditBalanceTotal: '1260.00' });
  });

  it('updates, resolves with the kind of the settling entry, and opens a new credit instead of reopening', async () => {
    await app.ok(admin, POST_ENTRIES, {
      entries: [
        entry({ externalId: 'dup-refund', accountNumber: 'D-DUP', kind: 'REFUND', payerCode: 'MCR', amount: '60.00', postedAt: daysAgo(1), reference: 'CHK-1' }),
        entry({ externalId: 'flip-c3', accountNumber: 'D-FLIP', patientId: 'P-2', amount: '5.00', postedAt: daysAgo(1) }),
      ],
    });
    const { result } = await detect();
    expect(result).toMatchObject({ opened: 0, updated: 1, resolved: 1, openCredits: 3, openAmount: '1255.00' });
    const [resolved] = await creditOf('D-DUP', ['RESOLVED']);
    expect(resolved).toMatchObject({ status: 'RESOLVED', resolution: 'REFUND', amount: '0.00', originalAmount: '60.00' });
    expect((await creditOf('D-FLIP'))[0]).toMatchObject({ amount: '10.00', originalAmount: '15.00' });

    const { creditKpis } = await app.ok(admin, KPIS);
    expect(creditKpis.slaAdherence).toBe(1);

    await app.ok(admin, POST_ENTRIES, {
      entries: [entry({ externalId: 'dup-again', accountNumber: 'D-DUP', kind: 'PAYMENT', payerCode: 'MCR', amount: '-30.00', postedAt: new Date().toISOString() })],
    });
    const third = await detect();
    expect(third.result).toMatchObject({ opened: 1, resolved: 0 });
    const [reborn] = await creditOf('D-DUP');
    expect(reborn.id).not.toBe(resolved.id);
    expect(reborn).toMatchObject({ amount: '30.00', status: 'OPEN', agingBucket: 'DAYS_0_30' });
    expect((await creditOf('D-DUP', ['RESOLVED']))[0].id).toBe(resolved.id);
  });
});

describe('credits connection', () => {
  it('pages with keyset cursors in origination order', async () => {
    const page1 = (await app.ok(admin, CREDITS, { first: 2, filter: { statuses: ['OPEN'] } })).credits;
    expect(page1.edges).toHaveLength(2);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    expect(page1.pageInfo.endCursor).toBe(page1.edges[1].cursor);
    const page2 = (await app.ok(admin, CREDITS, { first: 2, after: page1.pageInfo.endCursor, filter: { statuses: ['OPEN'] } })).credits;
    expect(page2.pageInfo.hasNextPage).toBe(false);
    const order = [...page1.edges, ...page2.edges].map((e: any) => e.node.account.accountNumber);
    expect(order).toEqual(['D-FIRST', 'D-FLIP', 'D-BIG', 'D-DUP']);
    expect(page1.totalCount).toBe(4);
  });

  it('filters by aging bucket, amount and status', async () => {
    const over90 = (await app.ok(admin, CREDITS, { filter: { agingBuckets: ['DAYS_61_90', 'DAYS_OVER_90'], statuses: ['OPEN'] } })).credits;
    expect(over90.edges.map((e: any) => e.node.account.accountNumber)).toEqual(['D-FIRST']);
    const large = (await app.ok(admin, CREDITS, { filter: { minAmount: '30.00', maxAmount: '1200.00', statuses: ['OPEN'] } })).credits;
    expect(large.edges.map((e: any) => e.node.amount)).toEqual(['45.00', '1200.00', '30.00']);
  });

  it('rejects pages over 500 and cursors it did not issue', async () => {
    expect((await app.gql(admin, 'query($first: Int) { credits(first: $first) { totalCount } }', { first: 501 })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect((await app.gql(admin, CREDITS, { after: 'not-a-cursor' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('loads nested fields in a constant number of queries, whatever the page size', async () => {
    // Count the statements the API sends, on the pg Client class its pool really uses (the test's
    // own `pg` import can be another module instance: patching that one counted nothing).
    const pool = (await app.runtime.orm.driver.getConnection().getNativeClient()) as unknown as pg.Pool;
    const probe = await pool.connect();
    const proto = Object.getPrototypeOf(probe) as pg.Client;
    probe.release();
    const counted = async (first: number, query = CREDITS) => {
      const original = proto.query;
      let n = 0;
      proto.query = function (this: pg.Client, ...args: any[]) {
        n += 1;
        return (original as any).apply(this, args);
      } as any;
      try {
        const { credits } = await app.ok(admin, query, { first });
        return { n, edges: credits.edges.length, totalCount: credits.totalCount };
      } finally {
        proto.query = original;
      }
    };
    const one = await counted(1);
    const all = await counted(50);
    expect(one.edges).toBe(1);
    expect(all.edges).toBe(5);
    expect(all.n).toBe(one.n);
    expect(all.n).toBeLessThanOrEqual(12);
    // totalCount is a query over the whole filtered set: run only when selected (fragments too).
    const withoutCount = await counted(50, CREDITS.replace('totalCount', ''));
    expect(withoutCount.edges).toBe(5);
    expect(withoutCount.n).toBe(all.n - 1);
    const viaFragment = await counted(50, `query($first: Int, $after: String) { credits(first: $first, after: $after) { ...F edges { node { id } } } } fragment F on CreditConnection { totalCount }`);
    const inline = await counted(50, `query($first: Int, $after: String) { credits(first: $first, after: $after) { totalCount edges { node { id } } } }`);
    expect(viaFragment).toEqual({ ...inline, totalCount: 5 });
  });
});

describe('tenant scope', () => {
  it("shows another tenant none of this tenant's rows", async () => {
    const other = await app.token('clinic-other', [Role.ADMIN]);
    const data = await app.ok(other, `query($id: ID!) { credits { totalCount } creditKpis { openCredits accountsReceivable } account(accountNumber: "D-DUP") { id } payers { code } job(id: $id) { id } }`, {
      id: (await app.ownerQuery('select id from job_run limit 1'))[0].id,
    });
    expect(data).toEqual({ credits: { totalCount: 0 }, creditKpis: { openCredits: 0, accountsReceivable: '0.00' }, account: null, payers: [], job: null });
  });
});
