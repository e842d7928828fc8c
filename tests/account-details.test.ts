import { loadSyntheticPractice } from '../src/app/synthetic-practice.js';
import { Role } from '../src/domain/context/role.js';
import { entry, POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';

/** Account details for the reports (location, PHI names and member id, claims) and LOCATION KPIs. */
let app: TestApp;
let admin: string;
const T = 'clinic-details';
const day = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
const UPDATE = `mutation($n: String!, $input: AccountDetailsInput!) { updateAccountDetails(accountNumber: $n, input: $input) {
  accountNumber location state patientName guarantorName payerMemberId claims { claimNumber typeOfBill admissionDate dischargeDate icn } } }`;

const account = (n: string, payer: string, charge: string, paid: string) => [
  entry({ externalId: `${n}-c`, accountNumber: n, patientId: `P-${n}`, payerCode: payer, amount: charge, postedAt: day(40), claimNumber: `CLM-${n}`, serviceDate: day(41).slice(0, 10) }),
  entry({ externalId: `${n}-p`, accountNumber: n, patientId: `P-${n}`, payerCode: payer, kind: 'PAYMENT', amount: paid, postedAt: day(20), claimNumber: `CLM-${n}` }),
];

beforeAll(async () => {
  app = await TestApp.start();
  admin = await app.token(T, [Role.ADMIN, Role.JOB_RUNNER], 'details-admin');
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'MCR', name: 'Medicare', kind: 'MEDICARE' } });
  await app.ok(admin, POST_ENTRIES, {
    entries: [...account('D-1', 'MCR', '100.00', '-150.00'), ...account('D-2', 'MCR', '100.00', '-130.00'), ...account('D-3', 'MCR', '80.00', '-90.00')],
  });
  const { runCreditDetection } = await app.ok(admin, 'mutation { runCreditDetection { id } }');
  await app.waitForJob(admin, runCreditDetection.id);
});
afterAll(() => app.stop());

describe('updateAccountDetails', () => {
  it('sets location, names, member id and claims; a field left out is kept, null clears it', async () => {
    const input = {
      location: 'NORTH', state: 'OH', patientName: 'Doe, Jane', guarantorName: 'Doe, John', payerMemberId: '1EG4TE5MK73',
      claims: [{ claimNumber: 'CLM-D-1', typeOfBill: '111', admissionDate: '2026-09-01', dischargeDate: '2026-09-04', icn: '2126245123456' }],
    };
    const { updateAccountDetails } = await app.ok(admin, UPDATE, { n: 'D-1', input });
    expect(updateAccountDetails).toEqual({ accountNumber: 'D-1', ...input });
    const { updateAccountDetails: again } = await app.ok(admin, UPDATE, { n: 'D-1', input: { guarantorName: null } });
    expect(again).toMatchObject({ location: 'NORTH', patientName: 'Doe, Jane', guarantorName: null, claims: input.claims });
    await app.ok(admin, UPDATE, { n: 'D-2', input: { location: 'MAIN' } });
  });

  it('names the bad field, refuses a claim of another account, and writes nothing then', async () => {
    const bad = await app.gql(admin, UPDATE, { n: 'D-2', input: { location: 'EAST', claims: [{ claimNumber: 'C9', admissionDate: '2026-09-05', dischargeDate: '2026-09-01' }] } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.claims[0].dischargeDate' });
    const state = await app.gql(admin, UPDATE, { n: 'D-2', input: { state: 'Ohio' } });
    expect(state.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.state' });
    const stolen = await app.gql(admin, UPDATE, { n: 'D-2', input: { location: 'EAST', claims: [{ claimNumber: 'CLM-D-1', icn: 'X' }] } });
    expect(stolen.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.claims[0].claimNumber' });
    expect((await app.gql(admin, UPDATE, { n: 'NOPE', input: {} })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const { account } = await app.ok(admin, '{ account(accountNumber: "D-2") { location claims { icn } } }');
    expect(account).toEqual({ location: 'MAIN', claims: [] });
  });

  it('guards names, member id and claims as PHI: BI and partners are refused, reads are audited, values never', async () => {
    const partner = await app.token(T, [Role.PARTNER]);
    const res = await app.gql(partner, '{ credits { edges { node { account { location patientName } } } } }');
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const located = await app.ok(partner, '{ credits { edges { node { account { accountNumber location } } } } }');
    expect(located.credits.edges.map((e: any) => e.node.account.location).sort()).toEqual(['MAIN', 'NORTH', null]);

    const analyst = await app.token(T, [Role.ANALYST], 'phi-reader');
    await app.ok(analyst, '{ account(accountNumber: "D-1") { patientName payerMemberId claims { admissionDate } } }');
    const [read] = await app.ownerQuery(`select after from audit_event where action = 'phi.read' and actor = 'phi-reader'`);
    expect(read.after.fields).toEqual(['claims', 'patientName', 'payerMemberId']);
    const events = JSON.stringify(await app.ownerQuery(`select before, after from audit_event where action = 'account.details'`));
    expect(events).not.toContain('Doe');
    expect(events).not.toContain('1EG4TE5MK73');
  });
});

describe('kpis by LOCATION', () => {
  it('groups and filters by the account location; UNKNOWN where none is recorded', async () => {
    const { kpis } = await app.ok(admin, '{ kpis(groupBy: LOCATION) { key openCredits creditBalanceTotal } }');
    expect(kpis).toEqual([
      { key: 'MAIN', openCredits: 1, creditBalanceTotal: '30.00' },
      { key: 'NORTH', openCredits: 1, creditBalanceTotal: '50.00' },
      { key: 'UNKNOWN', openCredits: 1, creditBalanceTotal: '10.00' },
    ]);
    const filtered = await app.ok(admin, '{ kpis(filter: { locations: ["NORTH", "UNKNOWN"] }, groupBy: PAYER) { key openCredits creditBalanceTotal } }');
    expect(filtered.kpis).toEqual([{ key: 'MCR', openCredits: 2, creditBalanceTotal: '60.00' }]);
  });
});

describe('the synthetic practice', () => {
  it('gets realistic details: locations, names, member ids (MBIs for Medicare), claims with stay dates and ICNs', async () => {
    await loadSyntheticPractice(app.runtime, 'synthetic-details', { accounts: 300, seed: 11, asOf: new Date('2026-11-01T00:00:00Z') });
    const [accounts] = await app.ownerQuery(`
      select count(*)::int as total, count(location)::int as located, count(patient_name)::int as named,
             count(*) filter (where payer_member_id ~ '^[1-9][A-Z][A-Z0-9][0-9]')::int as mbis
        from account where tenant_id = 'synthetic-details'`);
    expect(accounts.total).toBeGreaterThan(250);
    expect(accounts).toMatchObject({ located: accounts.total, named: accounts.total });
    expect(accounts.mbis).toBeGreaterThan(20);
    const [claims] = await app.ownerQuery(`
      select count(*)::int as total, count(*) filter (where type_of_bill = '111' and discharge_date > admission_date)::int as inpatient,
             count(icn)::int as with_icn, count(*) filter (where admission_date is null)::int as undated
        from claim where tenant_id = 'synthetic-details'`);
    expect(claims.total).toBeGreaterThan(accounts.total * 0.8); // self-pay encounters have no claim
    expect(claims.inpatient).toBeGreaterThan(20);
    expect(claims.with_icn).toBeGreaterThan(100);
    expect(claims.undated).toBe(0);
  }, 60_000);
});
