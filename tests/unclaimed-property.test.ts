import { parse } from 'csv-parse/sync';
import { Role } from '../src/domain/context/role.js';
import { entry, POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';

/**
 * Unclaimed property on a hand-built ledger (tenant: dormancy 3 years, letter period 60 days;
 * Kentucky: 1 year, 30 days). Each patient overpaid 25.00 on a 100.00 charge; the last entry was:
 *   U-1 OH  3 years + 90 days ago → dormant 90 days ago, letter period over 30 days ago: ESCHEATABLE
 *   U-2 OH  3 years + 20 days ago → dormant 20 days ago, letter period ends in 40 days: DUE_DILIGENCE
 *   U-3 OH  1 year ago            → not dormant: not listed
 *   U-4 KY  1 year + 40 days ago  → dormant (1 year) 40 days ago, letter period (30) over: ESCHEATABLE
 *   U-5     BCBS overpaid 5 years ago → owed to a payer: never unclaimed property
 */
let app: TestApp;
let admin: string;
const T = 'clinic-unclaimed';
const DAY = 86_400_000;
const YEAR = (n: number) => {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - n);
  return d.getTime();
};
const at = (ms: number) => new Date(ms).toISOString();
const ids: Record<string, string> = {};
const REPORT = `query($stage: UnclaimedStage) { unclaimedPropertyReport(stage: $stage) { rows { creditId accountNumber state patientId patientName amount
  lastActivityAt dormantAt letterDueAt reportableAt stage } pageInfo { hasNextPage } } }`;
const ESCHEAT = `mutation($id: ID!, $ref: String!) { escheatCredit(creditId: $id, state: "OH", reference: $ref) { status resolution amount account { balance } } }`;

const patientCredit = (n: string, lastMs: number) => [
  entry({ externalId: `${n}-c`, accountNumber: n, patientId: `P-${n}`, amount: '100.00', postedAt: at(lastMs - 10 * DAY) }),
  entry({ externalId: `${n}-p`, accountNumber: n, patientId: `P-${n}`, kind: 'PAYMENT', amount: '-125.00', postedAt: at(lastMs) }),
];

beforeAll(async () => {
  app = await TestApp.start();
  admin = await app.token(T, [Role.ADMIN, Role.JOB_RUNNER], 'up-admin');
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'BCBS', name: 'Blue Cross', kind: 'COMMERCIAL' } });
  await app.ok(admin, POST_ENTRIES, {
    entries: [
      ...patientCredit('U-1', YEAR(3) - 90 * DAY),
      ...patientCredit('U-2', YEAR(3) - 20 * DAY),
      ...patientCredit('U-3', YEAR(1)),
      ...patientCredit('U-4', YEAR(1) - 40 * DAY),
      entry({ externalId: 'u5-c', accountNumber: 'U-5', patientId: 'P-U-5', payerCode: 'BCBS', amount: '100.00', postedAt: at(YEAR(5)) }),
      entry({ externalId: 'u5-p', accountNumber: 'U-5', patientId: 'P-U-5', payerCode: 'BCBS', kind: 'PAYMENT', amount: '-150.00', postedAt: at(YEAR(5) + DAY) }),
    ],
  });
  const details = `mutation($n: String!, $s: String!) { updateAccountDetails(accountNumber: $n, input: { state: $s, patientName: "Owner, Olive" }) { id } }`;
  for (const [n, s] of [['U-1', 'OH'], ['U-2', 'OH'], ['U-3', 'OH'], ['U-4', 'KY']]) await app.ok(admin, details, { n, s });
  const { updateReportingPolicy } = await app.ok(admin, `mutation { updateReportingPolicy(input: { stateRules: [{ state: "KY", dormancyYears: 1, dueDiligenceDays: 30 }] }) {
    dormancyYears dueDiligenceDays costReportClosedThrough stateRules { state dormancyYears dueDiligenceDays } } }`);
  expect(updateReportingPolicy).toEqual({ dormancyYears: 3, dueDiligenceDays: 60, costReportClosedThrough: null, stateRules: [{ state: 'KY', dormancyYears: 1, dueDiligenceDays: 30 }] });
  const { runCreditDetection } = await app.ok(admin, 'mutation { runCreditDetection { id } }');
  await app.waitForJob(admin, runCreditDetection.id);
  const { credits } = await app.ok(admin, '{ credits { edges { node { id account { accountNumber } } } } }');
  for (const e of credits.edges) ids[e.node.account.accountNumber] = e.node.id;
}, 120_000);
afterAll(() => app.stop());

it('puts dormant patient credits on the due-diligence list, then on the escheatment report, by state rule', async () => {
  const { unclaimedPropertyReport: all } = await app.ok(admin, REPORT, {});
  expect(all.rows.map((r: any) => [r.accountNumber, r.state, r.stage, r.amount])).toEqual([
    ['U-1', 'OH', 'ESCHEATABLE', '25.00'],
    ['U-4', 'KY', 'ESCHEATABLE', '25.00'],
    ['U-2', 'OH', 'DUE_DILIGENCE', '25.00'],
  ]);
  const u2 = all.rows[2];
  expect(new Date(u2.letterDueAt).getTime()).toBe(new Date(u2.dormantAt).getTime());
  expect(new Date(u2.reportableAt).getTime() - new Date(u2.dormantAt).getTime()).toBe(60 * DAY);
  const { unclaimedPropertyReport: due } = await app.ok(admin, REPORT, { stage: 'DUE_DILIGENCE' });
  expect(due.rows.map((r: any) => r.accountNumber)).toEqual(['U-2']);
  const res = await fetch(`${app.url}/reports/unclaimed-property.csv?stage=ESCHEATABLE`, { headers: { authorization: `Bearer ${admin}` } });
  const [header, ...lines]: string[][] = parse(await res.text());
  expect(lines.map((l) => l[header!.indexOf('accountNumber')])).toEqual(['U-1', 'U-4']);
  expect(header).toContain('patientName');
});

it('escheats an escheatable credit once: its own ledger entry, resolution ESCHEATMENT, audit trail', async () => {
  const { escheatCredit } = await app.ok(admin, ESCHEAT, { id: ids['U-1'], ref: 'OH-UP-2026-001' });
  expect(escheatCredit).toEqual({ status: 'RESOLVED', resolution: 'ESCHEATMENT', amount: '0.00', account: { balance: '0.00' } });
  // A replay returns the escheated credit and posts nothing more.
  expect((await app.ok(admin, ESCHEAT, { id: ids['U-1'], ref: 'OH-UP-2026-001' })).escheatCredit).toEqual(escheatCredit);
  const entries = await app.ownerQuery(`select external_id, kind, amount::text, reference from ledger_entry where external_id like 'escheat:%'`);
  expect(entries).toEqual([{ external_id: `escheat:${ids['U-1']}`, kind: 'REFUND', amount: '25.00', reference: 'escheat OH OH-UP-2026-001' }]);
  const audit = await app.ownerQuery(`select action, after from audit_event where subject_id = $1 and action in ('credit.escheat', 'credit.resolve', 'ledger.post') order by seq`, [ids['U-1']]);
  expect(audit.map((a: any) => a.action)).toEqual(['ledger.post', 'credit.escheat', 'credit.resolve']);
  expect(audit[1].after).toMatchObject({ state: 'OH', amount: '25.00' });
  const { unclaimedPropertyReport } = await app.ok(admin, REPORT, { stage: 'ESCHEATABLE' });
  expect(unclaimedPropertyReport.rows.map((r: any) => r.accountNumber)).toEqual(['U-4']);
  const { kpis } = await app.ok(admin, '{ kpis { resolutionMix { resolution count amount } } }');
  expect(kpis[0].resolutionMix).toContainEqual({ resolution: 'ESCHEATMENT', count: 1, amount: '25.00' });
});

it('refuses a credit still in its letter period, a payer credit, bad input and other roles', async () => {
  const early = await app.gql(admin, ESCHEAT, { id: ids['U-2'], ref: 'X' });
  expect(early.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  expect(early.errors?.[0]?.message).toMatch(/not escheatable before/);
  expect((await app.gql(admin, ESCHEAT, { id: ids['U-5'], ref: 'X' })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
  expect((await app.gql(admin, ESCHEAT, { id: '00000000-0000-0000-0000-000000000000', ref: 'X' })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  const bad = await app.gql(admin, `mutation($id: ID!) { escheatCredit(creditId: $id, state: "Ohio", reference: "X") { status } }`, { id: ids['U-4'] });
  expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'state' });
  const analyst = await app.token(T, [Role.ANALYST]);
  expect((await app.gql(analyst, ESCHEAT, { id: ids['U-4'], ref: 'X' })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const partner = await app.token(T, [Role.PARTNER]);
  expect((await app.gql(partner, REPORT, {})).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const policy = await app.gql(admin, 'mutation { updateReportingPolicy(input: { dormancyYears: 0 }) { dormancyYears } }');
  expect(policy.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.dormancyYears' });
  expect(await app.ownerQuery(`select count(*)::int as n from ledger_entry where external_id like 'escheat:%'`)).toEqual([{ n: 1 }]);
});
