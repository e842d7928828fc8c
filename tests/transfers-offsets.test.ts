import { Role } from '../src/domain/context/role.js';
import { entry, POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';

/** Re-applying patient credits (seed 004), the guarantor-wide job, and payer offsets. */
let app: TestApp;
let admin: string;
const T = 'clinic-t';
const day = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
const ids: Record<string, string> = {};

const REAPPLY = `mutation($input: ReapplyPatientCreditInput!) { reapplyPatientCredit(input: $input) { moved credit { status amount resolution } } }`;
const OFFSET = `mutation($id: ID!, $to: String) { offsetCredit(creditId: $id, targetAccountNumber: $to) { moved credit { status amount resolution } } }`;
const balance = async (n: string) => (await app.ok(admin, 'query($n: String!) { account(accountNumber: $n) { balance } }', { n })).account.balance;

async function detect() {
  const { runCreditDetection } = await app.ok(admin, 'mutation { runCreditDetection { id } }');
  await app.waitForJob(admin, runCreditDetection.id);
  const { credits } = await app.ok(admin, '{ credits(filter: { statuses: [OPEN] }) { edges { node { id account { accountNumber } } } } }');
  for (const e of credits.edges) ids[e.node.account.accountNumber] = e.node.id;
}

const patientSide = (acct: string, patient: string, guarantor: string, charge: string, paid?: string, age = 30) => [
  entry({ externalId: `${acct}-c`, accountNumber: acct, patientId: patient, guarantorId: guarantor, amount: charge, postedAt: day(age) }),
  ...(paid ? [entry({ externalId: `${acct}-p`, accountNumber: acct, patientId: patient, guarantorId: guarantor, kind: 'PAYMENT', amount: paid, postedAt: day(20) })] : []),
];
const payerSide = (acct: string, payer: string, charge: string, paid?: string) => [
  entry({ externalId: `${acct}-c`, accountNumber: acct, patientId: `P-${acct}`, payerCode: payer, amount: charge, postedAt: day(30), claimNumber: acct }),
  ...(paid ? [entry({ externalId: `${acct}-p`, accountNumber: acct, patientId: `P-${acct}`, payerCode: payer, kind: 'PAYMENT', amount: paid, postedAt: day(20), claimNumber: acct })] : []),
];

beforeAll(async () => {
  app = await TestApp.start();
  admin = await app.token(T, [Role.ADMIN, Role.JOB_RUNNER]);
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'BCBS', name: 'Blue Cross', kind: 'COMMERCIAL' } });
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'MCR', name: 'Medicare', kind: 'MEDICARE' } });
  await app.ok(admin, POST_ENTRIES, {
    entries: [
      ...patientSide('T-PAT-1', 'P1', 'G1', '50.00', '-80.00'), // the patient overpaid 30.00
      ...patientSide('T-PAT-2', 'P1', 'G1', '20.00'), // the same patient owes 20.00
      ...patientSide('T-SIB', 'P2', 'G1', '25.00'), // a sibling under the same guarantor owes 25.00
      ...patientSide('T-OTHER', 'P3', 'G2', '40.00'), // another family
      ...payerSide('T-BCBS-CR', 'BCBS', '100.00', '-150.00'), // BCBS overpaid 50.00
      ...payerSide('T-BCBS-OWE', 'BCBS', '70.00'), // BCBS owes 70.00
      ...payerSide('T-MCR-CR', 'MCR', '30.00', '-50.00'),
      ...payerSide('T-MCR-OWE', 'MCR', '60.00'),
    ],
  });
  await detect();
});
afterAll(() => app.stop());

describe('reapplyPatientCredit', () => {
  it('moves a patient credit to another balance of the same patient; the rest stays', async () => {
    const input = { creditId: ids['T-PAT-1'], targetAccountNumber: 'T-PAT-2', idempotencyKey: 'move-1' };
    const { reapplyPatientCredit } = await app.ok(admin, REAPPLY, { input });
    expect(reapplyPatientCredit).toEqual({ moved: '20.00', credit: { status: 'OPEN', amount: '10.00', resolution: null } });
    // The same key again: the original result, nothing moved twice; another amount: CONFLICT.
    expect((await app.ok(admin, REAPPLY, { input })).reapplyPatientCredit).toEqual(reapplyPatientCredit);
    expect((await app.gql(admin, REAPPLY, { input: { ...input, amount: '5.00' } })).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'idempotencyKey' });
    expect(await balance('T-PAT-2')).toBe('0.00');
    expect(await balance('T-PAT-1')).toBe('-10.00');
    const [pair] = await app.ownerQuery(`select count(*)::int as n, sum(amount)::text as total from ledger_entry where kind = 'TRANSFER' and external_id like 'reapply:%'`);
    expect(pair).toEqual({ n: 2, total: '0.00' });
  });

  it('applies to another patient of the guarantor only when named, and never across guarantors', async () => {
    const unnamed = await app.gql(admin, REAPPLY, { input: { creditId: ids['T-PAT-1'], targetAccountNumber: 'T-SIB' } });
    expect(unnamed.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'allowOtherPatient' });
    const otherFamily = await app.gql(admin, REAPPLY, { input: { creditId: ids['T-PAT-1'], targetAccountNumber: 'T-OTHER', allowOtherPatient: true } });
    expect(otherFamily.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'targetAccountNumber' });
    const named = await app.ok(admin, REAPPLY, { input: { creditId: ids['T-PAT-1'], targetAccountNumber: 'T-SIB', allowOtherPatient: true } });
    expect(named.reapplyPatientCredit).toEqual({ moved: '10.00', credit: { status: 'RESOLVED', amount: '0.00', resolution: 'TRANSFER' } });
    expect(await balance('T-SIB')).toBe('15.00');
  });

  it('refuses a payer credit', async () => {
    const res = await app.gql(admin, REAPPLY, { input: { creditId: ids['T-BCBS-CR'], targetAccountNumber: 'T-BCBS-OWE' } });
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });
});

describe('offsetCredit', () => {
  it("applies a payer's credit to what the same payer owes, where its policy allows", async () => {
    const { offsetCredit } = await app.ok(admin, OFFSET, { id: ids['T-BCBS-CR'] });
    expect(offsetCredit).toEqual({ moved: '50.00', credit: { status: 'RESOLVED', amount: '0.00', resolution: 'OFFSET' } });
    expect(await balance('T-BCBS-OWE')).toBe('20.00');
    expect(await balance('T-BCBS-CR')).toBe('0.00');
  });

  it('refuses Medicare by default, and allows it once the payer policy says so', async () => {
    const refused = await app.gql(admin, OFFSET, { id: ids['T-MCR-CR'] });
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(refused.errors?.[0]?.message).toMatch(/MCR's policy does not allow offsets/);
    const { upsertPayer } = await app.ok(admin, 'mutation { upsertPayer(input: { code: "MCR", name: "Medicare", kind: MEDICARE, allowOffset: true }) { allowOffset } }');
    expect(upsertPayer.allowOffset).toBe(true);
    expect((await app.ok(admin, OFFSET, { id: ids['T-MCR-CR'], to: 'T-MCR-OWE' })).offsetCredit.moved).toBe('20.00');
  });
});

describe('runCreditReapplication', () => {
  it("applies every guarantor's patient credits to its oldest open patient balances, dry run first, once", async () => {
    await app.ok(admin, POST_ENTRIES, {
      entries: [
        ...patientSide('G3-OLD', 'P31', 'G3', '15.00', undefined, 60),
        ...patientSide('G3-NEW', 'P32', 'G3', '40.00'),
        ...patientSide('G3-CR', 'P31', 'G3', '10.00', '-45.00'), // 35.00 credit
        ...payerSide('G3-PAYER', 'BCBS', '90.00'), // owed by a payer: never touched
      ],
    });
    await detect();
    const run = async (dryRun: boolean) => {
      const { runCreditReapplication } = await app.ok(admin, 'mutation($d: Boolean) { runCreditReapplication(input: { dryRun: $d }) { id } }', { d: dryRun });
      return JSON.parse((await app.waitForJob(admin, runCreditReapplication.id)).result);
    };
    const before = await app.ownerQuery('select count(*)::int as n from ledger_entry');
    const dry = await run(true);
    expect(dry).toMatchObject({ dryRun: true, moves: 2, totalAmount: '35.00' });
    expect(await app.ownerQuery('select count(*)::int as n from ledger_entry')).toEqual(before);

    const real = await run(false);
    expect(real).toMatchObject({ dryRun: false, moves: 2, totalAmount: '35.00', creditsResolved: 1 });
    expect(await balance('G3-OLD')).toBe('0.00'); // oldest first: 15.00
    expect(await balance('G3-NEW')).toBe('20.00'); // then 20.00 of 40.00
    expect(await balance('G3-CR')).toBe('0.00');
    expect(await balance('G3-PAYER')).toBe('90.00');
    expect(await run(false)).toMatchObject({ moves: 0 });
  });
});
