import fc from 'fast-check';
import { Role } from '../src/domain/context/role.js';
import { entry, POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';

/**
 * Hostile and malformed requests get clear client errors and change nothing: deep nesting, huge
 * pages, alias floods, bad scalars, wrong types, oversized and malformed bodies, garbage documents.
 */
let app: TestApp;
let admin: string;

beforeAll(async () => {
  app = await TestApp.start({ workers: false, env: { REQUEST_BODY_LIMIT_BYTES: String(256 * 1024) } });
  admin = await app.token('clinic-h', [Role.ADMIN]);
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'BCBS', name: 'Blue Cross', kind: 'COMMERCIAL' } });
  await app.ok(admin, POST_ENTRIES, { entries: [entry({ externalId: 'h-1', amount: '-10.00', kind: 'PAYMENT', postedAt: '2026-09-01T10:00:00Z' })] });
});
afterAll(() => app.stop());

const state = async () =>
  (await app.ownerQuery(`select (select count(*) from ledger_entry) e, (select count(*) from account) a, (select count(*) from payer) p,
    (select count(*) from job_run) j, (select count(*) from credit) c, (select coalesce(sum(balance), 0) from account_balance) b`))[0];

const hostile: fc.Arbitrary<{ label: string; send: () => Promise<{ status: number; body: any }> }> = fc.oneof(
  fc.integer({ min: 13, max: 200 }).map((depth) => ({
    label: `depth ${depth}`,
    send: () => app.post(admin, JSON.stringify({ query: `{ credits { edges { node { account { ${'x { '.repeat(depth)}id${' }'.repeat(depth)} } } } } }` })),
  })),
  fc.integer({ min: 501, max: 2_000_000_000 }).map((first) => ({
    label: `first ${first}`,
    send: () => app.post(admin, JSON.stringify({ query: `query($f: Int) { credits(first: $f) { edges { node { id entries { id } } } } }`, variables: { f: first } })),
  })),
  fc.integer({ min: 31, max: 400 }).map((n) => ({
    label: `${n} aliases`,
    send: () => app.post(admin, JSON.stringify({ query: `{ ${Array.from({ length: n }, (_, i) => `a${i}: payers { id }`).join(' ')} }` })),
  })),
  // Random text is kept only when it is not, by chance, a valid amount ("7" would rightly post).
  fc.oneof(fc.constantFrom('abc', '1.234', 'NaN', 'Infinity', '1e9', '', '-', '99999999999999.00', '0x10', '١٢٣'), fc.string().filter((x) => !/^-?\d{1,12}(\.\d{1,2})?$/.test(x.trim()))).map((amount) => ({
    label: `amount ${JSON.stringify(amount)}`,
    send: () => app.post(admin, JSON.stringify({ query: POST_ENTRIES, variables: { entries: [entry({ externalId: 'fz', amount, postedAt: '2026-09-01T10:00:00Z' })] } })),
  })),
  fc.oneof(fc.constantFrom('yesterday', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', '', '9999-99-99'), fc.string().filter((x) => Number.isNaN(Date.parse(x)))).map((postedAt) => ({
    label: `postedAt ${JSON.stringify(postedAt)}`,
    send: () => app.post(admin, JSON.stringify({ query: POST_ENTRIES, variables: { entries: [entry({ externalId: 'fz', amount: '1.00', postedAt })] } })),
  })),
  fc.anything().map((value) => ({
    label: `variables ${JSON.stringify(value)?.slice(0, 40)}`,
    send: () => app.post(admin, JSON.stringify({ query: POST_ENTRIES, variables: { entries: value } })),
  })),
  fc.oneof(fc.string(), fc.constantFrom('{', '{ credits(first: "ten") { totalCount } }', 'mutation { postLedgerEntries }', '{ nope }', 'subscription { x }', '{ credits { edges { node { id ...F } } } } fragment F on Credit { ...F }')).map((query) => ({
    label: `document ${JSON.stringify(query).slice(0, 40)}`,
    send: () => app.post(admin, JSON.stringify({ query })),
  })),
  fc.oneof(fc.string(), fc.constantFrom('{"query":', '[]', 'null', '"x"', '{"query": 5}')).map((body) => ({
    label: `body ${JSON.stringify(body).slice(0, 40)}`,
    send: () => app.post(admin, body),
  })),
  fc.constant({
    label: 'oversized body',
    send: () => app.post(admin, JSON.stringify({ query: `{ payers { id } }`, variables: { pad: 'x'.repeat(300 * 1024) } })),
  }),
  fc.constantFrom('not-a-jwt', '', 'Bearer', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4IiwidGVuYW50IjoiY2xpbmljLWgiLCJyb2xlcyI6WyJBRE1JTiJdfQ.').map((token) => ({
    label: `token ${token.slice(0, 12)}`,
    send: () => app.post(token, JSON.stringify({ query: POST_ENTRIES, variables: { entries: [entry({ externalId: 'tk', amount: '1.00', postedAt: '2026-09-01T10:00:00Z' })] } })),
  })),
);

it('answers at least 200 hostile requests with client errors only, and changes nothing', async () => {
  const before = await state();
  let sent = 0;
  await fc.assert(
    fc.asyncProperty(hostile, async ({ label, send }) => {
      const { status, body } = await send();
      sent += 1;
      expect([label, status < 500]).toEqual([label, true]);
      // Either a clear error, or (e.g. an empty entries list) a valid request that did nothing.
      const answered = (Array.isArray(body?.errors) && body.errors.length > 0) || (body?.data && typeof body.data === 'object');
      expect([label, answered]).toEqual([label, true]);
      for (const error of body.errors ?? []) {
        expect([label, error.extensions?.code]).not.toEqual([label, 'INTERNAL_SERVER_ERROR']);
        expect(typeof error.message).toBe('string');
      }
    }),
    { numRuns: 240 },
  );
  expect(sent).toBeGreaterThanOrEqual(200);
  expect(await state()).toEqual(before);
});

it('states the cost and the maximum when a query is too expensive', async () => {
  const res = await app.gql(admin, `{ credits(first: 500) { edges { node { id amount entries { id amount kind postedAt externalId payer { id code name } } } } } }`);
  expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'MAX_COST_EXCEEDED', maximumCost: 25_000 });
  expect(res.errors?.[0]?.message).toMatch(/Query cost \d+ exceeds the maximum of 25000/);
});

it('reports what a query cost and what budget is left', async () => {
  const res = await app.post(admin, JSON.stringify({ query: '{ payers { id code } }' }));
  expect(res.body.extensions.cost).toMatchObject({ requested: 40, maximum: 25_000, tenant: { capacity: 200_000 }, token: { capacity: 100_000 } });
  expect(res.body.extensions.cost.token.remaining).toBeLessThan(100_000);
});

test('GraphQL responses are never stored by a cache', async () => {
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    body: JSON.stringify({ query: '{ payers { code } }' }),
  });
  expect(res.headers.get('cache-control')).toBe('no-store');
  const refused = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    body: JSON.stringify({ query: '{ nope }' }),
  });
  expect(refused.status).toBe(400);
  expect(refused.headers.get('cache-control')).toBe('no-store');
});
