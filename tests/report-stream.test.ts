import v8 from 'node:v8';
import vm from 'node:vm';
import { Role } from '../src/domain/context/role.js';
import { TestApp } from './support/test-app.js';

/**
 * The CSV routes stream: credits leave through a cursor with flat memory, and a client that goes
 * away mid-stream gives its connection back. The credits are written straight into the tables as
 * the owner (the pipeline that finds them is tested elsewhere; here only the reading counts).
 * 20,000 rows in the suite; `npm run bench:reports` runs the same test on 100,000.
 */
let app: TestApp;
let admin: string;
const T = 'clinic-stream';
const ROWS = Number(process.env.REPORT_STREAM_ROWS ?? 20_000);
v8.setFlagsFromString('--expose_gc');
/** A full collection, so that what is measured is what is still held, not garbage not yet collected. */
const gc = vm.runInNewContext('gc') as () => void;

beforeAll(async () => {
  app = await TestApp.start({ workers: false });
  admin = await app.token(T, [Role.ADMIN]);
  await app.ownerQuery(`insert into tenant (id, name) values ($1, $1)`, [T]);
  await app.ownerQuery(
    `insert into account (tenant_id, account_number, patient_id, guarantor_id, location, patient_name)
     select $1, 'S' || lpad(i::text, 7, '0'), 'P' || (i % 40000), 'G' || (i % 30000), (array['MAIN','NORTH','EAST'])[1 + i % 3], 'Doe, "Jo" ' || i
       from generate_series(1, $2::integer) i`,
    [T, ROWS],
  );
  await app.ownerQuery(
    `insert into credit (tenant_id, account_id, amount, original_amount, status, root_cause, originated_at, identified_at, sla_due_at)
     select a.tenant_id, a.id, 10 + (row_number() over (order by a.id) % 900), 10 + (row_number() over (order by a.id) % 900), 'OPEN',
            'PATIENT_OVERPAYMENT', now() - interval '1 hour' * (row_number() over (order by a.id)), now(), now() + interval '30 days'
       from account a where a.tenant_id = $1`,
    [T],
  );
  await app.ownerQuery('analyze');
}, 300_000);
afterAll(() => app.stop());

async function get(path: string, signal?: AbortSignal) {
  try {
    return await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${admin}` }, signal });
  } catch (error) {
    // fetch keeps sockets alive: one reused just as the server closed it (after an aborted
    // stream) fails with ECONNRESET before the request is sent. Only that is retried, once.
    if ((error as { cause?: { code?: string } }).cause?.code !== 'ECONNRESET') throw error;
    return fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${admin}` }, signal });
  }
}

it(`streams ${ROWS.toLocaleString('en-US')} rows with flat memory`, async () => {
  const started = Date.now();
  gc();
  const before = process.memoryUsage();
  const retained: number[] = [];
  let peakRss = before.rss;
  let bytes = 0;
  let lines = 0;
  let nextSample = ROWS / 10;
  const res = await get('/reports/credit-balance.csv');
  expect(res.status).toBe(200);
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    const text = decoder.decode(chunk, { stream: true });
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines += 1;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (lines >= nextSample) {
      gc();
      retained.push(process.memoryUsage().heapUsed - before.heapUsed);
      nextSample += ROWS / 10;
    }
  }
  const mb = (n: number) => (n / 1048576).toFixed(1);
  console.log(
    `CSV stream: ${lines - 1} rows, ${mb(bytes)} MB in ${Date.now() - started} ms; heap held after GC at each tenth: ${retained.map(mb).join(', ')} MB; ` +
      `RSS growth ${mb(peakRss - before.rss)} MB (server and client in this process)`,
  );
  expect(lines).toBe(ROWS + 1);
  // Flat: what the process holds does not grow with the rows sent (one 1,000-row batch and one
  // 64 KB chunk at a time); holding the rows would add more than the CSV's own size.
  expect(Math.max(...retained) - retained[0]!).toBeLessThan(8 * 1048576);
  expect(Math.max(...retained)).toBeLessThan(Math.max(16 * 1048576, bytes / 2));
}, 300_000);

it('gives the connection back when the client goes away mid-stream', async () => {
  for (let i = 0; i < 6; i++) {
    const controller = new AbortController();
    const res = await get('/reports/credit-balance.csv', controller.signal);
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.read().catch(() => undefined);
  }
  // The pool holds 4 connections: had the 6 aborted streams kept theirs, this one would wait forever.
  const res = await get('/reports/credit-balance.csv?locations=NORTH&minAmount=905');
  expect(res.status).toBe(200);
  const [expected] = await app.ownerQuery(`select count(*)::int as n from credit c join account a on a.id = c.account_id where a.location = 'NORTH' and c.amount >= 905`);
  expect((await res.text()).trim().split('\r\n').length - 1).toBe(expected.n);
  const idle = await app.ownerQuery(`select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`);
  expect(idle).toEqual([{ n: 0 }]);
}, 60_000);

it('pages over microsecond keys without repeating or skipping a row, as the CSV has them', async () => {
  // originated_at here comes from now() - n hours: microseconds, which a JS Date would round away.
  const query = `query($after: String) { creditBalanceReport(first: 5, after: $after, filter: { locations: ["NORTH"], minAmount: "900" }) {
    rows { creditId } pageInfo { hasNextPage endCursor } } }`;
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const { creditBalanceReport: page }: any = await app.ok(admin, query, { after });
    ids.push(...page.rows.map((r: any) => r.creditId));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  const csv = await (await get('/reports/credit-balance.csv?locations=NORTH&minAmount=900')).text();
  expect(ids).toEqual(csv.trim().split('\r\n').slice(1).map((line) => line.split(',')[0]));
  expect(new Set(ids).size).toBe(ids.length);
}, 60_000);
