import { Role } from '../src/domain/context/role.js';
import { entry, POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';
import { WorkerProcesses } from './support/worker-process.js';
import { writeEra, type EraClaimSpec } from '../src/domain/remittance/era-writer.js';

/**
 * Credit detection, the guarantor-wide re-application and an 835 import, each with its worker SIGKILLed while the
 * run is under way: nothing of the killed attempt is visible, a new worker completes the run, and
 * the result holds exactly once (auto-adjust has its own test in worker-crash.test.ts).
 */
let app: TestApp;
let admin: string;
let workers: WorkerProcesses;
const GUARANTORS = 1500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const day = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();

beforeAll(async () => {
  app = await TestApp.start({ workers: false });
  // Small re-application batches, so the run commits progress several times before it ends.
  workers = new WorkerProcesses(app, { REAPPLY_BATCH: '100' });
  admin = await app.token('clinic-w', [Role.ADMIN]);
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'BCBS', name: 'Blue Cross', kind: 'COMMERCIAL' } });
  // Per guarantor: one account where the patient overpaid 10.00, one where the patient owes 25.00,
  // and a payer-side credit account (the detection load).
  const entries = [];
  for (let g = 0; g < GUARANTORS; g++) {
    const [cr, owe, payer] = [`W-${g}-CR`, `W-${g}-OWE`, `W-${g}-INS`];
    const who = { patientId: `P-${g}`, guarantorId: `G-${g}` };
    entries.push(entry({ externalId: `${cr}-c`, accountNumber: cr, ...who, amount: '40.00', postedAt: day(40) }));
    entries.push(entry({ externalId: `${cr}-p`, accountNumber: cr, ...who, kind: 'PAYMENT', amount: '-50.00', postedAt: day(30) }));
    entries.push(entry({ externalId: `${owe}-c`, accountNumber: owe, ...who, amount: '25.00', postedAt: day(20) }));
    entries.push(entry({ externalId: `${payer}-c`, accountNumber: payer, ...who, payerCode: 'BCBS', amount: '80.00', postedAt: day(50), claimNumber: payer }));
    entries.push(entry({ externalId: `${payer}-p`, accountNumber: payer, ...who, payerCode: 'BCBS', kind: 'PAYMENT', amount: '-95.00', postedAt: day(35), claimNumber: payer }));
  }
  for (let i = 0; i < entries.length; i += 5000) await app.ok(admin, POST_ENTRIES, { entries: entries.slice(i, i + 5000) });
}, 120_000);

afterAll(async () => {
  await workers.killAll();
  await app.stop();
});

/** Waits until the run is claimed (and, with `progressed`, has committed progress), then kills. */
async function killWhenRunning(runId: string, progressed: boolean) {
  const worker = workers.start();
  for (let i = 0; ; i++) {
    const { job } = await app.ok(admin, 'query($id: ID!) { job(id: $id) { state processed } }', { id: runId });
    if (job.state === 'RUNNING' && (!progressed || job.processed > 0)) break;
    if (job.state === 'COMPLETED' || i > 3000) throw new Error(`the run was never caught running: ${JSON.stringify(job)}`);
    await sleep(10);
  }
  await workers.kill(worker);
  const { job } = await app.ok(admin, 'query($id: ID!) { job(id: $id) { state } }', { id: runId });
  expect(job.state).toBe('RUNNING');
}

it('credit detection killed mid-run: nothing half-opened, the next worker opens every credit once', async () => {
  const { runCreditDetection: run } = await app.ok(admin, 'mutation { runCreditDetection(input: { idempotencyKey: "crash" }) { id } }');
  await killWhenRunning(run.id, false);
  expect((await app.ownerQuery('select count(*)::int as n from credit'))[0].n).toBe(0);

  const worker = workers.start();
  const done = await app.waitForJob(admin, run.id, 120_000);
  expect(done.state).toBe('COMPLETED');
  expect(JSON.parse(done.result)).toMatchObject({ opened: 2 * GUARANTORS });
  const [credits] = await app.ownerQuery(`select count(*)::int as n, count(distinct account_id)::int as accounts, sum(amount)::text as total from credit where status = 'OPEN'`);
  expect(credits).toEqual({ n: 2 * GUARANTORS, accounts: 2 * GUARANTORS, total: (GUARANTORS * 25).toFixed(2) });
  await workers.kill(worker);
}, 180_000);

it('re-application killed between batches: no transfer of the killed attempt survives, each move posts once', async () => {
  const { runCreditReapplication: run } = await app.ok(admin, 'mutation { runCreditReapplication(input: { idempotencyKey: "crash" }) { id } }');
  await killWhenRunning(run.id, true);
  expect((await app.ownerQuery(`select count(*)::int as n from ledger_entry where kind = 'TRANSFER'`))[0].n).toBe(0);

  const worker = workers.start();
  const done = await app.waitForJob(admin, run.id, 120_000);
  expect(done.state).toBe('COMPLETED');
  expect(JSON.parse(done.result)).toMatchObject({ guarantors: GUARANTORS, moves: GUARANTORS, totalAmount: (GUARANTORS * 10).toFixed(2) });
  const [transfers] = await app.ownerQuery(`select count(*)::int as n, count(distinct external_id)::int as keys, sum(amount)::text as net
                                            from ledger_entry where kind = 'TRANSFER'`);
  expect(transfers).toEqual({ n: 2 * GUARANTORS, keys: 2 * GUARANTORS, net: '0.00' });
  const [owed] = await app.ownerQuery(`select count(*) filter (where b.balance = 15)::int as left15, count(*)::int as n
                                       from account_balance b join account a on a.id = b.account_id where a.account_number like '%-OWE'`);
  expect(owed).toEqual({ left15: GUARANTORS, n: GUARANTORS });
  await workers.kill(worker);
}, 180_000);

it('835 import killed mid-run: no entry of the killed attempt survives, a new worker posts each claim once', async () => {
  const CLAIMS = 3000;
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'ERAPAY', name: 'ERA Payer', kind: 'COMMERCIAL' } });
  const charges = Array.from({ length: CLAIMS }, (_, i) =>
    entry({ externalId: `era-chg-${i}`, accountNumber: `E-${i}`, patientId: `EP-${i}`, payerCode: 'ERAPAY', amount: '100.00', postedAt: day(30), claimNumber: `ICN${i}` }),
  );
  for (let i = 0; i < charges.length; i += 5000) await app.ok(admin, POST_ENTRIES, { entries: charges.slice(i, i + 5000) });
  const claims: EraClaimSpec[] = Array.from({ length: CLAIMS }, (_, i) => ({
    pcn: `E-${i}`, charge: '100.00', paid: '70.00', patientResponsibility: '10.00', icn: `ICN${i}`,
    lines: [{ code: '99213', charge: '100.00', paid: '70.00', date: '20260110', cas: [['CO', '45', '20.00'], ['PR', '1', '10.00']] }],
  }));
  const content = writeEra([
    { payerId: 'ERAPAY', trace: 'CRASH-1', claims: claims.slice(0, CLAIMS / 2), paymentDate: '20260115' },
    { payerId: 'ERAPAY', trace: 'CRASH-2', claims: claims.slice(CLAIMS / 2), paymentDate: '20260115' },
  ]);
  const { importRemittance: run } = await app.ok(admin, 'mutation($c: String!) { importRemittance(content: $c, fileName: "crash.835", idempotencyKey: "crash") { id } }', { c: content });
  await killWhenRunning(run.id, false);
  expect((await app.ownerQuery(`select count(*)::int as n from ledger_entry where external_id like 'era:%'`))[0].n).toBe(0);

  const worker = workers.start();
  const done = await app.waitForJob(admin, run.id, 150_000);
  expect(done.state).toBe('COMPLETED');
  const [posted] = await app.ownerQuery(`select count(*)::int as n, count(distinct external_id)::int as keys,
                                                count(*) filter (where kind = 'PAYMENT')::int as payments, sum(amount)::text as net
                                           from ledger_entry where external_id like 'era:%'`);
  expect(posted).toEqual({ n: 2 * CLAIMS, keys: 2 * CLAIMS, payments: CLAIMS, net: (-90 * CLAIMS).toFixed(2) });
  const [owed] = await app.ownerQuery(`select count(*) filter (where b.balance = 10)::int as n
                                         from account_balance b join account a on a.id = b.account_id where a.account_number like 'E-%'`);
  expect(owed.n).toBe(CLAIMS);
  await workers.kill(worker);
}, 240_000);
