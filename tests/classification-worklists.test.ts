import { Decimal } from 'decimal.js';
import { loadSyntheticPractice } from '../src/app/synthetic-practice.js';
import { Role } from '../src/domain/context/role.js';
import { accountNumberOf, expectedRootCause, scenarioOf } from '../src/domain/generator/index.js';
import { TestApp } from './support/test-app.js';

/**
 * Issue 3 end to end: the synthetic practice's injected scenarios, detected through the queue,
 * come out explained (root cause + evidence), owned (portions adding up), due (with a reason) and
 * queued (worklists), all read through GraphQL.
 */
let app: TestApp;
let admin: string;
const TENANT = 'practice';
const ACCOUNTS = 1500;
const SEED = 7;

const ALL_CREDITS = `query($after: String) { credits(first: 500, after: $after, filter: { statuses: [OPEN] }) {
  pageInfo { hasNextPage endCursor }
  edges { node { id amount rootCause rootCauseExplanation complexity slaDueAt slaReason identifiedAt dollarTier overdue
    refundPayer { code kind refundDeadlineDays }
    ownerPortions { ownerKind amount payer { code } }
    findings { code explanation evidence { externalId amount kind } }
    account { accountNumber } worklist { name } } } } }`;

async function allCredits(token: string): Promise<any[]> {
  const out: any[] = [];
  let after: string | null = null;
  for (;;) {
    const { credits }: any = await app.ok(token, ALL_CREDITS, { after });
    out.push(...credits.edges.map((e: any) => e.node));
    if (!credits.pageInfo.hasNextPage) return out;
    after = credits.pageInfo.endCursor;
  }
}

async function detect() {
  const { runCreditDetection } = await app.ok(admin, 'mutation { runCreditDetection { id } }');
  return app.waitForJob(admin, runCreditDetection.id, 60_000);
}

beforeAll(async () => {
  app = await TestApp.start();
  admin = await app.token(TENANT, [Role.ADMIN, Role.ANALYST, Role.APPROVER]);
  const asOf = new Date();
  asOf.setUTCHours(0, 0, 0, 0);
  await loadSyntheticPractice(app.runtime, TENANT, { accounts: ACCOUNTS, seed: SEED, asOf });
  const job = await detect();
  expect(job.state).toBe('COMPLETED');
}, 120_000);
afterAll(() => app.stop());

describe('classification of the synthetic practice', () => {
  it('gives every injected credit its root cause, evidence, owner portions and deadline', async () => {
    const credits = await allCredits(admin);
    expect(credits.length).toBeGreaterThan(50);
    const wrong: string[] = [];
    for (const c of credits) {
      const index = Number(c.account.accountNumber.slice(1)) - 1;
      expect(c.account.accountNumber).toBe(accountNumberOf(index));
      const expected = expectedRootCause(scenarioOf(index, SEED)) ?? 'UNDETERMINED';
      if (c.rootCause !== expected) wrong.push(`${c.account.accountNumber}: ${expected} expected, got ${c.rootCause}`);
      // Portions add up exactly to the credit.
      const total = c.ownerPortions.reduce((s: Decimal, p: any) => s.plus(p.amount), new Decimal(0));
      expect([c.id, total.toFixed(2)]).toEqual([c.id, c.amount]);
      // Evidence: real ledger entries of the account.
      expect(c.findings[0].code).toBe(c.rootCause);
      expect(c.findings[0].evidence.length).toBeGreaterThan(0);
      expect(c.rootCauseExplanation).toBe(c.findings[0].explanation);
      // Ownership follows the cause.
      if (c.rootCause === 'PATIENT_OVERPAYMENT') expect(c.refundPayer).toBeNull();
      if (c.rootCause === 'INCORRECT_ADJUSTMENT') expect(c.ownerPortions.map((p: any) => p.ownerKind)).toEqual(['NONE']);
      if (['DUPLICATE_PAYMENT', 'COB_ERROR', 'PAYER_OVERPAYMENT'].includes(c.rootCause)) expect(c.refundPayer).not.toBeNull();
      // The deadline is the earliest rule, and says which.
      const days = (Date.parse(c.slaDueAt) - Date.parse(c.identifiedAt)) / 86_400_000;
      if (c.dollarTier === 'AT_LEAST_1000') expect([c.id, days]).toEqual([c.id, 10]);
      else if (c.refundPayer) expect(days).toBeLessThanOrEqual(c.refundPayer.refundDeadlineDays);
      expect(c.slaReason).toBeTruthy();
      expect(c.overdue).toBe(false);
    }
    expect(wrong).toEqual([]);
  });

  it('counts open credits per root cause', async () => {
    const { rootCauses } = await app.ok(admin, '{ rootCauses { code label description openCount openAmount } }');
    const credits = await allCredits(admin);
    for (const rc of rootCauses) {
      const mine = credits.filter((c) => c.rootCause === rc.code);
      expect([rc.code, rc.openCount]).toEqual([rc.code, mine.length]);
      expect([rc.code, rc.openAmount]).toEqual([rc.code, mine.reduce((s, c) => s.plus(c.amount), new Decimal(0)).toFixed(2)]);
    }
    expect(rootCauses.map((r: any) => r.code)).toContain('UNDETERMINED');
  });
});

describe('worklists', () => {
  const CREATE = `mutation($input: WorklistInput!) { createWorklist(input: $input) { id name priority openCount openAmount } }`;

  it('places each open credit in the first matching worklist, the catch-all last, and re-places on change', async () => {
    const { createWorklist: big } = await app.ok(admin, CREATE, { input: { name: 'High value', priority: 5, dollarTiers: ['AT_LEAST_1000'] } });
    const { createWorklist: medicare } = await app.ok(admin, CREATE, { input: { name: 'Medicare', priority: 10, payerKinds: ['MEDICARE'] } });
    const { worklists } = await app.ok(admin, '{ worklists { id name isDefault openCount } }');
    expect(worklists.map((w: any) => w.name)).toEqual(['High value', 'Medicare', 'All credits']);
    const credits = await allCredits(admin);
    for (const c of credits) {
      const expected = c.dollarTier === 'AT_LEAST_1000' ? 'High value' : c.refundPayer?.kind === 'MEDICARE' ? 'Medicare' : 'All credits';
      expect([c.id, c.worklist?.name]).toEqual([c.id, expected]);
    }
    expect(worklists.reduce((n: number, w: any) => n + w.openCount, 0)).toBe(credits.length);
    expect(big.openCount).toBe(credits.filter((c) => c.dollarTier === 'AT_LEAST_1000').length);

    // The worklist's queue: largest exposure first.
    const { worklist } = await app.ok(admin, 'query($id: ID!) { worklist(id: $id) { credits(first: 500) { totalCount edges { node { amount } } } } }', { id: medicare.id });
    const amounts = worklist.credits.edges.map((e: any) => new Decimal(e.node.amount));
    expect(amounts.every((a: Decimal, i: number) => i === 0 || amounts[i - 1]!.gte(a))).toBe(true);

    // Deleting a worklist sends its credits to the next match.
    await app.ok(admin, 'mutation($id: ID!) { deleteWorklist(id: $id) }', { id: big.id });
    const after = await allCredits(admin);
    expect(after.some((c) => c.worklist?.name === 'High value')).toBe(false);
    const catchAll = (await app.ok(admin, '{ worklists { name isDefault openCount } }')).worklists.find((w: any) => w.isDefault);
    expect(catchAll.openCount).toBe(after.filter((c) => c.refundPayer?.kind !== 'MEDICARE').length);
  });

  it('refuses to delete the catch-all, and names clashing names', async () => {
    const { worklists } = await app.ok(admin, '{ worklists { id isDefault } }');
    const res = await app.gql(admin, 'mutation($id: ID!) { deleteWorklist(id: $id) }', { id: worklists.find((w: any) => w.isDefault).id });
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const clash = await app.gql(admin, CREATE, { input: { name: 'Medicare', priority: 1 } });
    expect(clash.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.name' });
  });

  it('hands N parallel claimNextCredit calls N distinct credits', async () => {
    const { worklists } = await app.ok(admin, '{ worklists { id isDefault openCount } }');
    const queue = worklists.find((w: any) => w.isDefault);
    const n = 12;
    expect(queue.openCount).toBeGreaterThan(n);
    const tokens = await Promise.all(Array.from({ length: n }, (_, i) => app.token(TENANT, [Role.ANALYST], `analyst-${i}`)));
    const claims = await Promise.all(tokens.map((t) => app.ok(t, 'mutation($w: ID!) { claimNextCredit(worklistId: $w) { id assignee } }', { w: queue.id })));
    const ids = claims.map((c: any) => c.claimNextCredit.id);
    expect(new Set(ids).size).toBe(n);
    expect(claims.map((c: any) => c.claimNextCredit.assignee).sort()).toEqual(tokens.map((_, i) => `analyst-${i}`).sort());
  });

  it('starts a review once: OPEN → IN_REVIEW, then CONFLICT naming the status', async () => {
    const [credit] = await allCredits(admin);
    const { startReview } = await app.ok(admin, 'mutation($id: ID!) { startReview(creditId: $id) { status assignee } }', { id: credit.id });
    expect(startReview).toEqual({ status: 'IN_REVIEW', assignee: credit.assignee ?? 'tester' });
    const again = await app.gql(admin, 'mutation($id: ID!) { startReview(creditId: $id) { status } }', { id: credit.id });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', status: 'IN_REVIEW' });
    expect(again.errors?.[0]?.message).toMatch(/is IN_REVIEW/);
    const missing = await app.gql(admin, 'mutation { startReview(creditId: "00000000-0000-0000-0000-000000000000") { status } }');
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('suspends a Medicare deadline for a documented investigation, and only a Medicare or Medicaid one', async () => {
    const credits = await allCredits(admin);
    const medicare = credits.find((c) => c.refundPayer?.kind === 'MEDICARE' && c.dollarTier !== 'AT_LEAST_1000');
    const commercial = credits.find((c) => c.refundPayer?.kind === 'COMMERCIAL');
    const SUSPEND = 'mutation($id: ID!, $days: Int!, $reason: String!) { suspendCreditDeadline(creditId: $id, days: $days, reason: $reason) { slaDueAt slaReason identifiedAt deadlineSuspension { days reason suspendedBy } } }';
    const { suspendCreditDeadline: s } = await app.ok(admin, SUSPEND, { id: medicare.id, days: 90, reason: 'Reviewing 2024-2025 claims for a pattern' });
    expect(s.deadlineSuspension).toEqual({ days: 90, reason: 'Reviewing 2024-2025 claims for a pattern', suspendedBy: 'tester' });
    expect(s.slaReason).toMatch(/\+ 90 days suspended for investigation|target|high-value/);
    expect(Date.parse(s.slaDueAt)).toBeGreaterThanOrEqual(Date.parse(medicare.slaDueAt));
    const refused = await app.gql(admin, SUSPEND, { id: commercial.id, days: 30, reason: 'Reviewing something important' });
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const tooLong = await app.gql(admin, SUSPEND, { id: medicare.id, days: 181, reason: 'Reviewing something important' });
    expect(tooLong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'days' });
  });
});
