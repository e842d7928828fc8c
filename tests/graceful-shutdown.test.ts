import { spawn } from 'node:child_process';
import { Role } from '../src/domain/context/role.js';
import { entry, POST_ENTRIES, TestApp } from './support/test-app.js';

/** SIGTERM: the API stops accepting, finishes the request in flight, closes everything, exits 0. */
let app: TestApp;

beforeAll(async () => {
  app = await TestApp.start({ workers: false });
});
afterAll(() => app.stop());

it('finishes an in-flight batch after SIGTERM, then exits cleanly', async () => {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'src/main.ts'], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      DATABASE_URL: app.config.databaseUrl,
      APP_DATABASE_URL: app.config.appDatabaseUrl,
      REDIS_URL: app.config.redisUrl,
      QUEUE_PREFIX: app.config.queuePrefix,
      PORT: String(port),
      LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    // /healthz answers as soon as the process listens; /readyz once it serves the API.
    const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (i > 600) throw new Error('API did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  const token = await app.token('clinic-s', [Role.ADMIN]);
  const entries = Array.from({ length: 5000 }, (_, i) => entry({ externalId: `gs-${i}`, accountNumber: `GS-${i % 500}`, patientId: `P-${i % 500}`, amount: '1.00', postedAt: '2026-09-01T10:00:00Z' }));
  const inFlight = fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: POST_ENTRIES, variables: { entries } }),
  });
  await new Promise((r) => setTimeout(r, 150)); // the request is being processed
  child.kill('SIGTERM');
  const res = await inFlight;
  expect(res.status).toBe(200);
  expect(((await res.json()) as { data: unknown }).data).toEqual({ postLedgerEntries: { posted: 5000, skippedDuplicates: 0 } });
  expect(await exited).toBe(0);
  // New connections are refused once it has stopped.
  await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  const [posted] = await app.ownerQuery(`select count(*)::int as n from ledger_entry where external_id like 'gs-%'`);
  expect(posted.n).toBe(5000);
}, 90_000);
