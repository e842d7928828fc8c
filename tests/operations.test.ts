import { Role } from '../src/domain/context/role.js';
import { entry, POST_ENTRIES, TestApp } from './support/test-app.js';

let app: TestApp;
let admin: string;

beforeAll(async () => {
  app = await TestApp.start();
  admin = await app.token('clinic-o', [Role.ADMIN]);
});
afterAll(() => app.stop());

it('answers /healthz and /readyz', async () => {
  expect(await (await fetch(`${app.url}/healthz`)).json()).toEqual({ status: 'ok' });
  const ready = await fetch(`${app.url}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ ready: true, checks: { postgres: true, redis: true, migrations: true } });
});

it('echoes a request id, or gives one', async () => {
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}`, 'x-request-id': 'req-123' },
    body: JSON.stringify({ query: '{ payers { id } }' }),
  });
  expect(res.headers.get('x-request-id')).toBe('req-123');
});

it('exposes request latency, errors, job durations, queue depth and open credits to Prometheus', async () => {
  await app.ok(admin, POST_ENTRIES, { entries: [entry({ externalId: 'o-1', kind: 'PAYMENT', amount: '-25.00', postedAt: new Date(Date.now() - 100 * 86_400_000).toISOString() })] });
  await app.gql(admin, 'query Broken { credit(id: "x") { nope } }');
  const { runCreditDetection } = await app.ok(admin, 'mutation Detect { runCreditDetection { id } }');
  await app.waitForJob(admin, runCreditDetection.id);

  const text = await (await fetch(`${app.url}/metrics`)).text();
  expect(text).toMatch(/graphql_request_duration_seconds_count\{operation="Detect",outcome="ok"\} 1/);
  expect(text).toMatch(/graphql_errors_total\{code="GRAPHQL_VALIDATION_FAILED"\} \d+/);
  expect(text).toMatch(/job_duration_seconds_count\{kind="credit-detection",outcome="completed"\} 1/);
  expect(text).toMatch(/queue_jobs_waiting\{queue="credit-detection"\} 0/);
  expect(text).toMatch(/credits_open\{bucket="DAYS_OVER_90"\} 1/);
  expect(text).not.toMatch(/clinic-o|P-1|A-1/);
});

it('opens the queue dashboard to operator ADMINs only', async () => {
  const page = (token?: string) => fetch(`${app.url}/admin/queues${token ? `?token=${token}` : ''}`, { redirect: 'manual' });
  expect((await page()).status).toBe(401);
  expect((await page(admin)).status).toBe(403); // an ADMIN, but of a practice, not of the operator tenant
  expect((await page(await app.token('ops', [Role.ANALYST]))).status).toBe(403);
  const ok = await page(await app.token('ops', [Role.ADMIN]));
  expect(ok.status).toBe(200);
  expect(ok.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
  expect(await ok.text()).toMatch(/<html/i);
});
