import { parse } from 'csv-parse/sync';
import { Role } from '../src/domain/context/role.js';
import { entry, POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';

/**
 * The CMS-838 report on a hand-built Medicare ledger, in the current quarter:
 *   M-1 Medicare paid claim MC1 twice (240.00 on a 300.00 charge)       → 180.00, reason 1; refunded by check: repaid 180.00, C, outstanding 0
 *   M-2 BCBS paid 160.00, then Medicare 120.00 on a 200.00 charge (MC2) → 80.00, reason 2; 30.00 adjusted: repaid 30.00, A, outstanding 50.00
 *   M-3 Medicare paid 130.00 on a 100.00 charge, identified 70 days ago → 30.00, reason 3 with its explanation; nothing repaid, past the 60 days
 *   B-1 BCBS overpaid                                                    → not a Medicare credit: not on the report
 * Cost reports are settled through 2026-10-31: MC1 (discharged 2026-10-05) is C, M-3 (no claim data, negative since 20 days ago) is O.
 */
let app: TestApp;
let admin: string;
const T = 'clinic-838';
const day = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
const now = new Date();
const QUARTER = `${now.getUTCFullYear()}Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
const ids: Record<string, string> = {};
const REPORT = `query($q: String!, $first: Int, $after: String) { medicareCreditBalanceReport(quarter: $q, first: $first, after: $after) { quarterEnded
  rows { creditId accountNumber location beneficiaryName medicareId claimNumber typeOfBill admissionDate dischargeDate icn costReport creditAmount amountRepaid
         method outstanding reason explanation payerCode identifiedAt repaymentDueAt repaidAt deadlineStatus }
  pageInfo { hasNextPage endCursor } } }`;

const e = (externalId: string, accountNumber: string, payerCode: string | undefined, kind: string, amount: string, d: number, claimNumber?: string) =>
  entry({ externalId, accountNumber, patientId: `P-${accountNumber}`, ...(payerCode ? { payerCode } : {}), kind, amount, postedAt: day(d), ...(claimNumber ? { claimNumber } : {}) });

beforeAll(async () => {
  app = await TestApp.start();
  admin = await app.token(T, [Role.ADMIN, Role.JOB_RUNNER], 'mcr-admin');
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'MCR', name: 'Medicare', kind: 'MEDICARE' } });
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'BCBS', name: 'Blue Cross', kind: 'COMMERCIAL' } });
  await app.ok(admin, POST_ENTRIES, {
    entries: [
      e('m1-c', 'M-1', 'MCR', 'CHARGE', '300.00', 40, 'MC1'), e('m1-p1', 'M-1', 'MCR', 'PAYMENT', '-240.00', 30, 'MC1'), e('m1-p2', 'M-1', 'MCR', 'PAYMENT', '-240.00', 25, 'MC1'),
      e('m2-c', 'M-2', 'BCBS', 'CHARGE', '200.00', 40, 'MC2'), e('m2-p1', 'M-2', 'BCBS', 'PAYMENT', '-160.00', 30, 'MC2'), e('m2-p2', 'M-2', 'MCR', 'PAYMENT', '-120.00', 25, 'MC2'),
      e('m3-c', 'M-3', 'MCR', 'CHARGE', '100.00', 40, 'MC3'), e('m3-p', 'M-3', 'MCR', 'PAYMENT', '-130.00', 20, 'MC3'),
      e('b1-c', 'B-1', 'BCBS', 'CHARGE', '100.00', 40, 'BC1'), e('b1-p', 'B-1', 'BCBS', 'PAYMENT', '-150.00', 20, 'BC1'),
    ],
  });
  const details = `mutation($n: String!, $input: AccountDetailsInput!) { updateAccountDetails(accountNumber: $n, input: $input) { id } }`;
  await app.ok(admin, details, {
    n: 'M-1',
    input: { location: 'MAIN', patientName: 'Medi, Mary', payerMemberId: '1EG4TE5MK73', claims: [{ claimNumber: 'MC1', typeOfBill: '111', admissionDate: '2026-10-01', dischargeDate: '2026-10-05', icn: '2126245000017' }] },
  });
  await app.ok(admin, details, { n: 'M-2', input: { location: 'MAIN', patientName: 'Cob, Carl', payerMemberId: '2FH5UF6NL84', claims: [{ claimNumber: 'MC2', typeOfBill: '131', icn: '2126250000021' }] } });
  await app.ownerQuery(`insert into tenant_policy (tenant_id, cost_report_closed_through) values ($1, '2026-10-31')`, [T]);
  const { runCreditDetection } = await app.ok(admin, 'mutation { runCreditDetection { id } }');
  await app.waitForJob(admin, runCreditDetection.id);
  const { credits } = await app.ok(admin, '{ credits { edges { node { id rootCause refundPayer { code } account { accountNumber } } } } }');
  for (const edge of credits.edges) ids[edge.node.account.accountNumber] = edge.node.id;
  // M-3 was found 70 days ago: its 60 days are over.
  await app.ownerQuery(`update credit set identified_at = now() - interval '70 days' where id = $1`, [ids['M-3']]);

  const approver = await app.token(T, [Role.APPROVER], 'mcr-approver');
  const { requestRefund } = await app.ok(admin, 'mutation($i: RequestRefundInput!) { requestRefund(input: $i) { id } }', {
    i: { creditId: ids['M-1'], amount: '180.00', reason: 'DUPLICATE' },
  });
  await app.ok(approver, 'mutation($id: ID!) { approveRefund(id: $id) { id } }', { id: requestRefund.id });
  await app.ok(approver, 'mutation($id: ID!) { issueRefund(id: $id, reference: "CHK-838") { id } }', { id: requestRefund.id });
  await app.ok(admin, 'mutation($id: ID!) { adjustCredit(creditId: $id, amount: "30.00", reason: "claim adjustment") { amount } }', { id: ids['M-2'] });
}, 120_000);
afterAll(() => app.stop());

it('lists each Medicare credit of the quarter in the CMS-838 layout, with its 60-day status', async () => {
  const { medicareCreditBalanceReport: report } = await app.ok(admin, REPORT, { q: QUARTER });
  const month = Math.floor(now.getUTCMonth() / 3) * 3 + 3;
  expect(report.quarterEnded).toBe(new Date(Date.UTC(now.getUTCFullYear(), month, 0)).toISOString().slice(0, 10));
  const byAccount = Object.fromEntries(report.rows.map((r: any) => [r.accountNumber, r]));
  expect(Object.keys(byAccount).sort()).toEqual(['M-1', 'M-2', 'M-3']);
  expect(byAccount['M-1']).toMatchObject({
    beneficiaryName: 'Medi, Mary', medicareId: '1EG4TE5MK73', claimNumber: 'MC1', typeOfBill: '111', admissionDate: '2026-10-01', dischargeDate: '2026-10-05',
    icn: '2126245000017', costReport: 'C', creditAmount: '180.00', amountRepaid: '180.00', method: 'C', outstanding: '0.00', reason: 1, deadlineStatus: 'REPAID_ON_TIME',
  });
  expect(byAccount['M-1'].repaidAt).not.toBeNull();
  expect(byAccount['M-2']).toMatchObject({
    beneficiaryName: 'Cob, Carl', typeOfBill: '131', costReport: 'O', creditAmount: '80.00', amountRepaid: '30.00', method: 'A', outstanding: '50.00',
    reason: 2, payerCode: 'MCR', repaidAt: null, deadlineStatus: 'OPEN_WITHIN_DEADLINE',
  });
  expect(byAccount['M-3']).toMatchObject({
    beneficiaryName: null, medicareId: null, claimNumber: null, costReport: 'O', creditAmount: '30.00', amountRepaid: '0.00', method: null, outstanding: '30.00',
    reason: 3, deadlineStatus: 'OPEN_PAST_DEADLINE',
  });
  expect(byAccount['M-3'].explanation).toEqual(expect.any(String));
  const due = new Date(byAccount['M-3'].identifiedAt).getTime() + 60 * 86_400_000;
  expect(new Date(byAccount['M-3'].repaymentDueAt).getTime()).toBe(due);
});

it('is empty for a quarter before the credits, refuses a bad quarter, and is PHI', async () => {
  const { medicareCreditBalanceReport: past } = await app.ok(admin, REPORT, { q: '2020Q1' });
  expect(past.rows).toEqual([]);
  expect((await app.gql(admin, REPORT, { q: '2026-Q5' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'quarter' });
  const bi = await app.token(T, [Role.BI]);
  expect((await app.gql(bi, REPORT, { q: QUARTER })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});

it('downloads as CSV with the rows of the GraphQL query', async () => {
  const rows: any[] = [];
  let after: string | null = null;
  do {
    const data: any = await app.ok(admin, REPORT, { q: QUARTER, first: 1, after });
    rows.push(...data.medicareCreditBalanceReport.rows);
    after = data.medicareCreditBalanceReport.pageInfo.hasNextPage ? data.medicareCreditBalanceReport.pageInfo.endCursor : null;
  } while (after);
  const res = await fetch(`${app.url}/reports/medicare-credit-balance.csv?quarter=${QUARTER}`, { headers: { authorization: `Bearer ${admin}` } });
  const [header, ...lines]: string[][] = parse(await res.text());
  expect(lines).toEqual(rows.map((r) => header!.map((h) => (r[h] === null ? '' : String(r[h])))));
  const missing = await fetch(`${app.url}/reports/medicare-credit-balance.csv`, { headers: { authorization: `Bearer ${admin}` } });
  expect(missing.status).toBe(400);
});
