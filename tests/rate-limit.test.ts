import { Role } from '../src/domain/context/role.js';
import { TestApp } from './support/test-app.js';

/** Leaky buckets per token and per tenant, drained by query cost, in the real Redis. */
let app: TestApp;

beforeAll(async () => {
  app = await TestApp.start({
    workers: false,
    env: { RATE_LIMIT_TENANT_CAPACITY: '150', RATE_LIMIT_TENANT_RESTORE: '1', RATE_LIMIT_TOKEN_CAPACITY: '100', RATE_LIMIT_TOKEN_RESTORE: '1' },
  });
});
afterAll(() => app.stop());

const PAYERS = JSON.stringify({ query: '{ payers { id code } }' }); // costs 20 × 2 = 40

/** Buckets leak 1 point a second, so a slow machine may see a few points more than the arithmetic. */
const near = (actual: number, expected: number) => {
  expect(actual).toBeGreaterThanOrEqual(expected);
  expect(actual).toBeLessThanOrEqual(expected + 5);
};

it('throttles a token, then the whole tenant, with 429, the cost and when to retry', async () => {
  const alice = await app.token('clinic-r', [Role.ANALYST], 'alice');
  const bob = await app.token('clinic-r', [Role.ANALYST], 'bob');

  const first = await app.post(alice, PAYERS);
  expect(first.status).toBe(200);
  expect(first.body.extensions.cost.requested).toBe(40);
  near(first.body.extensions.cost.token.remaining, 60);
  near(first.body.extensions.cost.tenant.remaining, 110);
  near((await app.post(alice, PAYERS)).body.extensions.cost.token.remaining, 20);

  const throttled = await app.post(alice, PAYERS);
  expect(throttled.status).toBe(429);
  expect(throttled.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', cost: 40 });
  near(throttled.body.errors[0].extensions.remaining, 20);
  expect(throttled.body.errors[0].extensions.retryAfterSeconds).toBeGreaterThanOrEqual(10);

  // Bob has his own token budget, but the tenant's bucket (150) is shared: 70 left, then 30.
  const bobs = (await app.post(bob, PAYERS)).body.extensions.cost;
  near(bobs.token.remaining, 60);
  near(bobs.tenant.remaining, 30);
  const tenantThrottled = await app.post(bob, PAYERS);
  expect(tenantThrottled.status).toBe(429);
  expect(tenantThrottled.body.errors[0].extensions.code).toBe('RATE_LIMITED');
  near(tenantThrottled.body.errors[0].extensions.remaining, 30);

  // Another tenant is not affected.
  const other = await app.token('clinic-s', [Role.ANALYST], 'alice');
  expect((await app.post(other, PAYERS)).status).toBe(200);
});

it('takes a CSV report download from the same buckets: the whole token bucket at most, then 429', async () => {
  const carol = await app.token('clinic-csv', [Role.ANALYST], 'carol');
  const download = () => fetch(`${app.url}/reports/credit-balance.csv`, { headers: { authorization: `Bearer ${carol}` } });
  const first = await download();
  expect(first.status).toBe(200);
  await first.text();
  const second = await download();
  expect(second.status).toBe(429);
  expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
  const body = (await second.json()) as { errors: { extensions: Record<string, unknown> }[] };
  expect(body.errors[0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', cost: 100 });
});
