import { Role } from '../src/domain/context/role.js';
import { entry, POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';

/**
 * APP_DATABASE_REPLICA_URL: KPI, trend and report reads go through the replica's pool in read-only
 * transactions; writes and the rest stay on the primary. Here the "replica" is the same database
 * reached through the replica pool, which names itself `credit-balance-replica`, so the test can see which pool
 * served which request.
 */
let app: TestApp;
let admin: string;

beforeAll(async () => {
  app = await TestApp.start({ replica: true });
  admin = await app.token('clinic-r', [Role.ADMIN]);
}, 60_000);

afterAll(async () => {
  await app.stop();
});

const replicaConnections = async () =>
  (await app.ownerQuery(`select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'credit-balance-replica'`))[0].n as number;

it('serves creditKpis, kpis and reports from the replica pool, and nothing else', async () => {
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'BCBS', name: 'Blue Cross', kind: 'COMMERCIAL' } });
  await app.ok(admin, POST_ENTRIES, {
    entries: [
      entry({ externalId: 'r1', accountNumber: 'R-1', payerCode: 'BCBS', amount: '100.00', postedAt: '2026-10-01T00:00:00Z', claimNumber: 'C1' }),
      entry({ externalId: 'r2', accountNumber: 'R-1', payerCode: 'BCBS', kind: 'PAYMENT', amount: '-130.00', postedAt: '2026-10-05T00:00:00Z', claimNumber: 'C1' }),
      entry({ externalId: 'r3', accountNumber: 'R-2', patientId: 'P-2', amount: '70.00', postedAt: '2026-10-01T00:00:00Z' }),
    ],
  });
  const { runCreditDetection } = await app.ok(admin, 'mutation { runCreditDetection { id } }');
  expect((await app.waitForJob(admin, runCreditDetection.id)).state).toBe('COMPLETED');
  await app.ok(admin, '{ credits(first: 5) { edges { node { amount } } } account(accountNumber: "R-1") { balance } }');
  expect(await replicaConnections()).toBe(0);

  const { creditKpis } = await app.ok(admin, '{ creditKpis { accountsReceivable creditBalanceTotal openCredits } }');
  expect(creditKpis).toEqual({ accountsReceivable: '70.00', creditBalanceTotal: '30.00', openCredits: 1 });
  expect(await replicaConnections()).toBeGreaterThanOrEqual(1);
  const grouped = await app.ok(admin, '{ kpis(groupBy: PAYER) { key openCredits } }');
  expect(grouped.kpis).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'BCBS', openCredits: 1 })]));
}, 60_000);
