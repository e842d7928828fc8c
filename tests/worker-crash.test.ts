import { Role } from '../src/domain/context/role.js';
import { entry, POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';
import { WorkerProcesses } from './support/worker-process.js';

/**
 * A worker process killed with SIGKILL in the middle of auto-adjust: after a new worker starts,
 * the job completes, and the ledger holds exactly one adjustment per credit — nothing twice,
 * nothing missing, nothing half-done in between.
 */
let app: TestApp;
let admin: string;
const CREDITS = 1500;
let workers: WorkerProcesses;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  app = await TestApp.start({ workers: false });
  workers = new WorkerProcesses(app, { AUTO_ADJUST_BATCH: '50' });
  admin = await app.token('clinic-k', [Role.ADMIN]);
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'BCBS', name: 'Blue Cross', kind: 'COMMERCIAL' } });
  const entries = [];
  for (let i = 0; i < CREDITS; i++) {
    const acct = `K-${i}`;
    entries.push(entry({ externalId: `${acct}-c`, accountNumber: acct, patientId: `P-${i}`, payerCode: 'BCBS', amount: '50.00', postedAt: '2026-10-01T10:00:00Z', claimNumber: acct }));
    entries.push(entry({ externalId: `${acct}-p`, accountNumber: acct, patientId: `P-${i}`, payerCode: 'BCBS', kind: 'PAYMENT', amount: '-70.00', postedAt: '2026-10-20T10:00:00Z', claimNumber: acct }));
  }
  await app.ok(admin, POST_ENTRIES, { entries: entries.slice(0, 2000) });
  await app.ok(admin, POST_ENTRIES, { entries: entries.slice(2000) });
}, 60_000);

afterAll(async () => {
  await workers.killAll();
  await app.stop();
});

it('completes auto-adjust after the worker is killed mid-run, posting every adjustment exactly once', async () => {
  let worker = workers.start();
  const detect = await app.ok(admin, 'mutation { runCreditDetection { id } }');
  expect((await app.waitForJob(admin, detect.runCreditDetection.id, 60_000)).state).toBe('COMPLETED');

  const { autoAdjustSmallCredits: run } = await app.ok(admin, 'mutation { autoAdjustSmallCredits(input: { idempotencyKey: "crash-test" }) { id } }');
  // Wait until the run is visibly under way (progress is committed batch by batch), then kill.
  for (let i = 0; ; i++) {
    const { job } = await app.ok(admin, 'query($id: ID!) { job(id: $id) { state processed } }', { id: run.id });
    if (job.state === 'RUNNING' && job.processed > 0) break;
    if (i > 600) throw new Error(`auto-adjust never started: ${JSON.stringify(job)}`);
    await sleep(20);
  }
  await workers.kill(worker);

  // Nothing of the killed attempt is visible: its batches never committed.
  const midway = await app.ownerQuery(`select count(*)::int as n from ledger_entry where external_id like 'auto-adjust:%'`);
  expect(midway[0].n).toBe(0);
  expect((await app.ok(admin, 'query($id: ID!) { job(id: $id) { state } }', { id: run.id })).job.state).toBe('RUNNING');

  worker = workers.start();
  const done = await app.waitForJob(admin, run.id, 90_000);
  expect(done.state).toBe('COMPLETED');
  expect(JSON.parse(done.result)).toMatchObject({ adjusted: CREDITS, totalAmount: '30000.00' });

  const [entries] = await app.ownerQuery(`select count(*)::int as n, count(distinct external_id)::int as d, sum(amount)::text as total
                                          from ledger_entry where external_id like 'auto-adjust:%'`);
  expect(entries).toEqual({ n: CREDITS, d: CREDITS, total: '30000.00' });
  const [credits] = await app.ownerQuery(`select count(*) filter (where status = 'RESOLVED' and resolution = 'AUTO_ADJUSTMENT')::int as resolved,
                                                 count(*) filter (where status = 'OPEN')::int as open from credit`);
  expect(credits).toEqual({ resolved: CREDITS, open: 0 });
  const [balances] = await app.ownerQuery(`select count(*) filter (where balance <> 0)::int as nonzero from account_balance`);
  expect(balances.nonzero).toBe(0);
  const [runRow] = await app.ownerQuery('select attempts from job_run where id = $1', [run.id]);
  expect(runRow.attempts).toBeGreaterThanOrEqual(2);
  const [audit] = await app.ownerQuery(`select count(*)::int as n from audit_event where action = 'credit.auto_adjust'`);
  expect(audit.n).toBe(CREDITS);
  // The retry sealed 30 batches on one chain, each batch's events hashed while the next batch's
  // compare-and-set ran: the chain still verifies link by link.
  const auditor = await app.token('clinic-k', [Role.AUDITOR]);
  const { verifyAuditChain } = await app.ok(auditor, '{ verifyAuditChain { valid checked brokenAtSeq } }');
  expect(verifyAuditChain).toMatchObject({ valid: true, brokenAtSeq: null });
  expect(verifyAuditChain.checked).toBeGreaterThanOrEqual(CREDITS);
}, 180_000);
