import { randomUUID } from 'node:crypto';
import { Role } from '../src/domain/context/role.js';
import { asSystem } from '../src/app/system-context.js';
import { entry, POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';

/**
 * The credits page as the lean read path serves it (src/domain/credits/credit-page.ts): totalCount
 * exact under every filter, whether it sums credit_rollup (every status, or exactly the open set)
 * or counts credit; keyset cursors that neither skip nor repeat credits sharing an instant to the
 * microsecond; cursors of the former MikroORM format still accepted; the worklist queue's order.
 */
let app: TestApp;
let admin: string;
let other: string;
const T = 'page-t';
const DAY = 86_400_000;
const daysAgo = (d: number, ms = 0) => new Date(Date.now() - d * DAY + ms).toISOString();

const PAGE = `query($filter: CreditFilter, $first: Int, $after: String) { credits(filter: $filter, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id status amount originatedAt } } } }`;

/** Every credit of the filter, paging `first` at a time; and the totalCount each page reported. */
async function pageThrough(filter: Record<string, unknown>, first = 3, token = admin) {
  const ids: string[] = [];
  const counts = new Set<number>();
  let after: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const { credits }: any = await app.ok(token, PAGE, { filter, first, after });
    ids.push(...credits.edges.map((e: any) => e.node.id));
    counts.add(credits.totalCount);
    if (!credits.pageInfo.hasNextPage) return { ids, counts: [...counts] };
    after = credits.pageInfo.endCursor;
  }
  throw new Error('more than 100 pages');
}

beforeAll(async () => {
  app = await TestApp.start({ workers: false });
  admin = await app.token(T, [Role.ADMIN]);
  other = await app.token('page-other', [Role.ADMIN]);
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'MCR', name: 'Medicare', kind: 'MEDICARE' } });
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'BCBS', name: 'Blue Cross', kind: 'COMMERCIAL' } });
  // 14 accounts overpaid by 10.00 … 140.00, by Medicare, Blue Cross or the patient, 5 to 135 days ago.
  const entries = Array.from({ length: 14 }, (_, i) => {
    const accountNumber = `PG-${i}`;
    const payerCode = [{ payerCode: 'MCR' }, { payerCode: 'BCBS' }, {}][i % 3];
    return [
      entry({ externalId: `${accountNumber}-c`, accountNumber, patientId: `P-${i}`, amount: '100.00', postedAt: daysAgo(10 * i + 6) }),
      entry({ externalId: `${accountNumber}-p`, accountNumber, patientId: `P-${i}`, kind: 'PAYMENT', ...payerCode, amount: `-${100 + 10 * (i + 1)}.00`, postedAt: daysAgo(10 * i + 5) }),
    ];
  }).flat();
  await app.ok(admin, POST_ENTRIES, { entries });
  await asSystem(app.runtime.orm, T, 'page', (ctx) => app.runtime.services.detection.detect(ctx.uow, T, randomUUID(), new Date()));
  // Every status (the rollup triggers see owner writes as they see the app's): two in review, one
  // pending approval, two resolved, one closed.
  const ids = (await app.ownerQuery(`select id from credit where tenant_id = $1 order by originated_at, id`, [T])).map((r) => r.id);
  expect(ids).toHaveLength(14);
  await app.ownerQuery(`update credit set status = 'IN_REVIEW' where id = any($1::uuid[])`, [ids.slice(0, 2)]);
  await app.ownerQuery(`update credit set status = 'PENDING_APPROVAL' where id = $1`, [ids[2]]);
  await app.ownerQuery(`update credit set status = 'RESOLVED', resolution = 'ADJUSTMENT', resolved_at = now(), amount = 0 where id = any($1::uuid[])`, [ids.slice(3, 5)]);
  await app.ownerQuery(`update credit set status = 'CLOSED', resolution = 'REFUND', resolved_at = now(), closed_at = now(), amount = 0 where id = $1`, [ids[5]]);
}, 60_000);
afterAll(() => app.stop());

describe('totalCount', () => {
  const ACTIVE = ['OPEN', 'IN_REVIEW', 'PENDING_APPROVAL'];
  const ACTIVE_SQL = `status in ('OPEN', 'IN_REVIEW', 'PENDING_APPROVAL')`;
  const payer = (code: string) => `refund_payer_id = (select id from payer where tenant_id = '${T}' and code = '${code}')`;
  // Each filter, and the same set as a condition over credit (read as the owner): the oracle.
  const filters: [string, Record<string, unknown>, string][] = [
    ['every status (credit_rollup ANY)', {}, 'true'],
    ['an empty status list: every status', { statuses: [] }, 'true'],
    ['the open set (credit_rollup OPEN)', { statuses: ACTIVE }, ACTIVE_SQL],
    ['the open set in another order, repeated', { statuses: ['PENDING_APPROVAL', 'OPEN', 'IN_REVIEW', 'OPEN'] }, ACTIVE_SQL],
    ['OPEN only', { statuses: ['OPEN'] }, `status = 'OPEN'`],
    ['resolved and closed', { statuses: ['RESOLVED', 'CLOSED'] }, `status in ('RESOLVED', 'CLOSED')`],
    ['the open set and an amount', { statuses: ACTIVE, minAmount: '50.00' }, `${ACTIVE_SQL} and amount >= 50`],
    ['an amount range', { minAmount: '30.00', maxAmount: '80.00' }, 'amount between 30 and 80'],
    ['a payer', { payerCodes: ['MCR'] }, payer('MCR')],
    ['two payers and the open set', { payerCodes: ['MCR', 'BCBS'], statuses: ACTIVE }, `${ACTIVE_SQL} and (${payer('MCR')} or ${payer('BCBS')})`],
    ['an account', { accountNumber: 'PG-13' }, `account_id = (select id from account where account_number = 'PG-13')`],
    ['an unknown account', { accountNumber: 'nope' }, 'false'],
    ['aging buckets', { agingBuckets: ['DAYS_61_90', 'DAYS_OVER_90'] }, `originated_at <= now() - interval '61 days'`],
  ];

  it.each(filters)('is the number of credits the pages hold: %s', async (_name, filter, condition) => {
    const [{ n }] = await app.ownerQuery(`select count(*)::int as n from credit where tenant_id = $1 and ${condition}`, [T]);
    const { ids, counts } = await pageThrough(filter);
    expect(new Set(ids).size).toBe(ids.length);
    expect({ listed: ids.length, counts }).toEqual({ listed: n, counts: [n] });
  });

  it('holds the statuses the setup made', async () => {
    expect((await pageThrough({})).counts).toEqual([14]);
    expect((await pageThrough({ statuses: ACTIVE })).counts).toEqual([11]);
    expect((await pageThrough({ payerCodes: ['MCR'] })).counts[0]).toBeGreaterThan(0);
    expect((await pageThrough({ agingBuckets: ['DAYS_61_90', 'DAYS_OVER_90'] })).counts[0]).toBeGreaterThan(0);
  });

  it('follows every change at once, and another tenant sees none', async () => {
    const [credit] = await app.ownerQuery(`select id from credit where tenant_id = $1 and status = 'OPEN' order by originated_at desc limit 1`, [T]);
    await app.ownerQuery(`update credit set status = 'RESOLVED', resolution = 'ADJUSTMENT', resolved_at = now(), amount = 0 where id = $1`, [credit.id]);
    expect((await pageThrough({ statuses: ['PENDING_APPROVAL', 'IN_REVIEW', 'OPEN'] })).counts).toEqual([10]);
    expect((await pageThrough({})).counts).toEqual([14]);
    await app.ownerQuery(`update credit set status = 'OPEN', resolution = null, resolved_at = null, amount = original_amount where id = $1`, [credit.id]);
    expect((await pageThrough({ statuses: ACTIVE })).counts).toEqual([11]);
    for (const filter of [{}, { statuses: ACTIVE }]) {
      expect((await app.ok(other, PAGE, { filter })).credits).toMatchObject({ totalCount: 0, edges: [] });
    }
  });
});

describe('cursors', () => {
  it('neither skip nor repeat credits that share an origination instant to the microsecond', async () => {
    const ids = (await app.ownerQuery(`select id from credit where tenant_id = $1 order by id`, [T])).map((r) => r.id);
    // Three credits in the same millisecond, two of them in the same microsecond.
    await app.ownerQuery(`update credit set originated_at = '2026-01-05 10:00:00.123456+00' where id = any($1::uuid[])`, [ids.slice(0, 2)]);
    await app.ownerQuery(`update credit set originated_at = '2026-01-05 10:00:00.123789+00' where id = $1`, [ids[2]]);
    for (const first of [1, 2, 3]) {
      const { ids: listed } = await pageThrough({}, first);
      expect(listed).toHaveLength(14);
      expect(new Set(listed).size).toBe(14);
      expect(listed.slice(0, 3)).toEqual([...ids.slice(0, 2).sort(), ids[2]]);
    }
  });

  it('accepts the cursors the API issued before (MikroORM: ISO instant in milliseconds, id)', async () => {
    const { credits } = await app.ok(admin, PAGE, { first: 6 });
    const fifth = credits.edges[4].node;
    const legacy = Buffer.from(JSON.stringify([new Date(fifth.originatedAt).toJSON(), fifth.id])).toString('base64url');
    const viaLegacy = (await app.ok(admin, PAGE, { first: 1, after: legacy })).credits.edges[0].node.id;
    const viaNew = (await app.ok(admin, PAGE, { first: 1, after: credits.edges[4].cursor })).credits.edges[0].node.id;
    expect(viaLegacy).toBe(viaNew);
    expect(viaNew).toBe(credits.edges[5].node.id);
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor'],
    ['too few values', Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z'])).toString('base64url')],
    ['not an instant', Buffer.from(JSON.stringify(['yesterday', randomUUID()])).toString('base64url')],
    ['not an id', Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', "x' or 1=1 --"])).toString('base64url')],
    ['a worklist cursor (three values)', Buffer.from(JSON.stringify(['10.00', '2026-01-01 00:00:00+00', randomUUID()])).toString('base64url')],
  ])('refuses a cursor that does not fit the order: %s', async (_name, after) => {
    const res = await app.gql(admin, PAGE, { after });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('pages a worklist by exposure: largest amount first, then the earliest due date', async () => {
    const { worklists } = await app.ok(admin, '{ worklists { id isDefault openCount } }');
    const queue = worklists.find((w: any) => w.isDefault);
    const Q = `query($id: ID!, $after: String) { worklist(id: $id) { credits(first: 2, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { id amount slaDueAt } } } } }`;
    const seen: { id: string; amount: string; slaDueAt: string }[] = [];
    let after: string | null = null;
    for (;;) {
      const { credits }: any = (await app.ok(admin, Q, { id: queue.id, after })).worklist;
      expect(credits.totalCount).toBe(queue.openCount);
      seen.push(...credits.edges.map((e: any) => e.node));
      if (!credits.pageInfo.hasNextPage) break;
      after = credits.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(queue.openCount);
    const expected = [...seen].sort((a, b) => Number(b.amount) - Number(a.amount) || a.slaDueAt.localeCompare(b.slaDueAt) || a.id.localeCompare(b.id));
    expect(seen).toEqual(expected);
  });
});
