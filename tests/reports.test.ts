import { parse } from 'csv-parse/sync';
import { Role } from '../src/domain/context/role.js';
import { entry, POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';

/**
 * The reports over GraphQL and as CSV downloads, on a hand-built ledger:
 *   R-1 patient P-A, Medicare paid 150.00 on a 100.00 charge 20 days ago  → credit 50.00 owed to MCR, age 20
 *   R-2 patient P-A paid 50.00 on a 20.00 charge 95 days ago               → credit 30.00 owed to the patient, age 95
 *   R-4 patient P-A, a 70.00 charge, unpaid                                → 70.00 due
 *   R-3 patient P-B, BCBS paid the same claim twice (160.00)               → credit 120.00, refunded in full
 */
let app: TestApp;
let admin: string;
const T = 'clinic-reports';
const day = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
const credits: Record<string, string> = {};

async function csv(path: string, token: string | null) {
  const res = await fetch(`${app.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** CSV text → records. */
const records = (text: string): string[][] => parse(text);

/** Every page of a report query, `first` rows at a time. */
async function allPages(token: string, query: string, field: string, first: number, variables: Record<string, unknown> = {}) {
  const rows: any[] = [];
  let after: string | null = null;
  for (;;) {
    const data: any = await app.ok(token, query, { ...variables, first, after });
    rows.push(...data[field].rows);
    if (!data[field].pageInfo.hasNextPage) return rows;
    after = data[field].pageInfo.endCursor;
  }
}

const CREDIT_REPORT = `query($first: Int, $after: String, $filter: CreditReportFilter) { creditBalanceReport(first: $first, after: $after, filter: $filter) {
  rows { creditId accountNumber location patientId patientName payerCode payerKind rootCause status amount originalAmount originatedAt identifiedAt
         ageDays agingBucket slaDueAt overdue worklist assignee }
  pageInfo { hasNextPage endCursor } } }`;

beforeAll(async () => {
  app = await TestApp.start();
  admin = await app.token(T, [Role.ADMIN, Role.JOB_RUNNER], 'report-admin');
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'MCR', name: 'Medicare', kind: 'MEDICARE' } });
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'BCBS', name: 'Blue Cross', kind: 'COMMERCIAL' } });
  await app.ok(admin, POST_ENTRIES, {
    entries: [
      entry({ externalId: 'r1-c', accountNumber: 'R-1', patientId: 'P-A', payerCode: 'MCR', amount: '100.00', postedAt: day(40), claimNumber: 'CR1' }),
      entry({ externalId: 'r1-p', accountNumber: 'R-1', patientId: 'P-A', payerCode: 'MCR', kind: 'PAYMENT', amount: '-150.00', postedAt: day(20), claimNumber: 'CR1' }),
      entry({ externalId: 'r2-c', accountNumber: 'R-2', patientId: 'P-A', amount: '20.00', postedAt: day(100) }),
      entry({ externalId: 'r2-p', accountNumber: 'R-2', patientId: 'P-A', kind: 'PAYMENT', amount: '-50.00', postedAt: day(95) }),
      entry({ externalId: 'r4-c', accountNumber: 'R-4', patientId: 'P-A', amount: '70.00', postedAt: day(10) }),
      entry({ externalId: 'r3-c', accountNumber: 'R-3', patientId: 'P-B', payerCode: 'BCBS', amount: '200.00', postedAt: day(50), claimNumber: 'CR3' }),
      entry({ externalId: 'r3-p1', accountNumber: 'R-3', patientId: 'P-B', payerCode: 'BCBS', kind: 'PAYMENT', amount: '-160.00', postedAt: day(30), claimNumber: 'CR3' }),
      entry({ externalId: 'r3-p2', accountNumber: 'R-3', patientId: 'P-B', payerCode: 'BCBS', kind: 'PAYMENT', amount: '-160.00', postedAt: day(25), claimNumber: 'CR3' }),
    ],
  });
  const details = `mutation($n: String!, $input: AccountDetailsInput!) { updateAccountDetails(accountNumber: $n, input: $input) { id } }`;
  await app.ok(admin, details, { n: 'R-1', input: { location: 'NORTH', patientName: 'Able, Ann' } });
  await app.ok(admin, details, { n: 'R-2', input: { location: 'MAIN', patientName: 'Able, Ann' } });
  const { runCreditDetection } = await app.ok(admin, 'mutation { runCreditDetection { id } }');
  await app.waitForJob(admin, runCreditDetection.id);
  const { credits: page } = await app.ok(admin, '{ credits { edges { node { id account { accountNumber } } } } }');
  for (const e of page.edges) credits[e.node.account.accountNumber] = e.node.id;
  const approver = await app.token(T, [Role.APPROVER], 'report-approver');
  const { requestRefund } = await app.ok(admin, 'mutation($i: RequestRefundInput!) { requestRefund(input: $i) { id } }', {
    i: { creditId: credits['R-3'], amount: '120.00', reason: 'DUPLICATE' },
  });
  await app.ok(approver, 'mutation($id: ID!) { approveRefund(id: $id) { id } }', { id: requestRefund.id });
  await app.ok(approver, 'mutation($id: ID!) { issueRefund(id: $id, reference: "CHK-1001") { id } }', { id: requestRefund.id });
}, 120_000);
afterAll(() => app.stop());

describe('credit balance report', () => {
  it('lists the open credits oldest first, page by page, with the same rows on every page size', async () => {
    const rows = await allPages(admin, CREDIT_REPORT, 'creditBalanceReport', 1);
    expect(rows.map((r) => [r.accountNumber, r.location, r.patientId, r.patientName, r.payerCode, r.amount, r.agingBucket, r.status])).toEqual([
      ['R-2', 'MAIN', 'P-A', 'Able, Ann', null, '30.00', 'DAYS_OVER_90', 'OPEN'],
      ['R-1', 'NORTH', 'P-A', 'Able, Ann', 'MCR', '50.00', 'DAYS_0_30', 'OPEN'],
    ]);
    expect(await allPages(admin, CREDIT_REPORT, 'creditBalanceReport', 500)).toEqual(rows);
    const resolved = await allPages(admin, CREDIT_REPORT, 'creditBalanceReport', 50, { filter: { statuses: ['RESOLVED'] } });
    expect(resolved.map((r) => [r.accountNumber, r.amount, r.originalAmount])).toEqual([['R-3', '0.00', '120.00']]);
    expect((await app.gql(admin, CREDIT_REPORT, { after: 'bogus' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('downloads as CSV with exactly the rows and values of the GraphQL query', async () => {
    const rows = await allPages(admin, CREDIT_REPORT, 'creditBalanceReport', 1);
    const res = await csv('/reports/credit-balance.csv', admin);
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/csv; charset=utf-8');
    const [header, ...lines] = records(res.text);
    expect(header).toEqual(Object.keys(rows[0]));
    expect(lines).toEqual(rows.map((r) => header!.map((h) => (r[h] === null ? '' : String(r[h])))));
  });

  it('applies the same filters and role rules as GraphQL: no PHI columns for partners, refused to BI', async () => {
    const filtered = await csv('/reports/credit-balance.csv?payerKinds=MEDICARE&locations=NORTH,EAST', admin);
    expect(records(filtered.text).slice(1).map((l) => l[1])).toEqual(['R-1']);
    const partner = await app.token(T, [Role.PARTNER]);
    const [header] = records((await csv('/reports/credit-balance.csv', partner)).text);
    expect(header).not.toContain('patientId');
    expect(header).not.toContain('patientName');
    expect((await app.gql(partner, '{ creditBalanceReport { rows { patientName } } }')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const bi = await app.token(T, [Role.BI]);
    expect((await csv('/reports/credit-balance.csv', bi)).status).toBe(403);
    expect((await csv('/reports/credit-balance.csv', null)).status).toBe(401);
    expect((await csv('/reports/nope.csv', admin)).status).toBe(404);
    const bad = await csv('/reports/credit-balance.csv?statuses=OPEN,LOST', admin);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'statuses' });
  });

  it('writes one phi.read audit event per CSV with PHI columns, before streaming, without the values', async () => {
    const analyst = await app.token(T, [Role.ANALYST], 'csv-reader');
    await csv('/reports/credit-balance.csv?locations=MAIN', analyst);
    const events = await app.ownerQuery(`select subject_type, after from audit_event where action = 'phi.read' and actor = 'csv-reader'`);
    expect(events).toEqual([
      { subject_type: 'report', after: { report: 'credit-balance', params: expect.objectContaining({ locations: ['MAIN'] }), fields: ['patientId', 'patientName'] } },
    ]);
  });
});

describe('aging by patient, refunds register, worklist export', () => {
  it('ages a patient’s credits by bucket and owner, next to what the patient still owes', async () => {
    const q = `query($first: Int, $after: String) { agingByPatientReport(first: $first, after: $after) { rows { patientId patientName guarantorId accounts openCredits
      creditTotal owedToPatient owedToPayers days0To30 days31To60 days61To90 daysOver90 oldestOriginatedAt balanceDue } pageInfo { hasNextPage endCursor } } }`;
    const rows = await allPages(admin, q, 'agingByPatientReport', 1);
    expect(rows).toEqual([
      {
        patientId: 'P-A', patientName: 'Able, Ann', guarantorId: 'P-A', accounts: 2, openCredits: 2, creditTotal: '80.00', owedToPatient: '30.00',
        owedToPayers: '50.00', days0To30: '50.00', days31To60: '0.00', days61To90: '0.00', daysOver90: '30.00', oldestOriginatedAt: expect.any(String), balanceDue: '70.00',
      },
    ]);
    const [header, ...lines] = records((await csv('/reports/aging-by-patient.csv', admin)).text);
    expect(lines).toEqual(rows.map((r) => header!.map((h) => String(r[h]))));
    const partner = await app.token(T, [Role.PARTNER]);
    expect((await csv('/reports/aging-by-patient.csv', partner)).status).toBe(403);
  });

  it('registers each refund with its approval and issue, and matches its CSV', async () => {
    const q = `query($first: Int, $after: String) { refundsRegister(first: $first, after: $after, filter: { statuses: [ISSUED] }) { rows { refundId creditId accountNumber location payee
      amount reasonCode status requestedBy requestedAt approvedBy secondApprovedBy issuedBy issuedAt reference voidedAt } pageInfo { hasNextPage endCursor } } }`;
    const rows = await allPages(admin, q, 'refundsRegister', 10);
    expect(rows).toEqual([
      expect.objectContaining({ accountNumber: 'R-3', payee: 'BCBS', amount: '120.00', reasonCode: 'DUPLICATE', status: 'ISSUED', requestedBy: 'report-admin', approvedBy: 'report-approver', reference: 'CHK-1001' }),
    ]);
    const [header, ...lines] = records((await csv('/reports/refunds-register.csv?statuses=ISSUED', admin)).text);
    expect(lines).toEqual(rows.map((r) => header!.map((h) => (r[h] === null ? '' : String(r[h])))));
    expect((await csv(`/reports/refunds-register.csv?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, admin)).text.trim().split('\r\n')).toHaveLength(1);
    expect((await csv('/reports/refunds-register.csv?from=yesterday', admin)).status).toBe(400);
  });

  it('exports the worklists, earliest deadline first', async () => {
    const q = `query($first: Int, $after: String) { worklistExport(first: $first, after: $after) { rows { worklist priority creditId accountNumber location status assignee
      payerCode rootCause complexity amount ageDays slaDueAt overdue } pageInfo { hasNextPage endCursor } } }`;
    const rows = await allPages(admin, q, 'worklistExport', 1);
    expect(rows.map((r) => r.accountNumber).sort()).toEqual(['R-1', 'R-2']);
    expect(rows[0].slaDueAt <= rows[1].slaDueAt).toBe(true);
    const [header, ...lines] = records((await csv('/reports/worklist-export.csv', admin)).text);
    expect(lines).toEqual(rows.map((r) => header!.map((h) => (r[h] === null ? '' : String(r[h])))));
    const bi = await app.token(T, [Role.BI]);
    expect((await app.gql(bi, '{ worklistExport { rows { creditId } } }')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
