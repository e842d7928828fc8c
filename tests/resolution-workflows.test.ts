import { Role } from '../src/domain/context/role.js';
import { entry, POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';

/**
 * Issue 4 through GraphQL: each resolution path walked to CLOSED, with the ledger, the balance,
 * the audit trail and the KPIs checked after each step; four-eyes, thresholds, forbidden moves.
 */
let app: TestApp;
let analyst: string; // works credits, requests refunds
let approver: string; // approves, issues
let approver2: string;
let both: string; // holds ANALYST and APPROVER: may not approve what they requested
const T = 'clinic-w';
const day = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
const ids: Record<string, string> = {};

const CREDIT = `query($id: ID!) { credit(id: $id) { id status amount resolution account { balance } } }`;
const REQUEST = `mutation($input: RequestRefundInput!) { requestRefund(input: $input) { id status amount reasonCode requestedBy payee { code } credit { status } } }`;
const APPROVE = `mutation($id: ID!) { approveRefund(id: $id) { id status approvedBy secondApprovedBy } }`;
const ISSUE = `mutation($id: ID!, $ref: String!) { issueRefund(id: $id, reference: $ref) { id status reference credit { status amount resolution } } }`;
const credit = async (id: string) => (await app.ok(analyst, CREDIT, { id })).credit;
const entriesOf = (accountNumber: string) =>
  app.ownerQuery(`select e.external_id, e.kind, e.amount::text from ledger_entry e join account a on a.id = e.account_id where a.account_number = $1 order by e.id`, [accountNumber]);

beforeAll(async () => {
  app = await TestApp.start();
  const admin = await app.token(T, [Role.ADMIN]);
  analyst = await app.token(T, [Role.ANALYST], 'ann');
  approver = await app.token(T, [Role.APPROVER], 'pat');
  approver2 = await app.token(T, [Role.APPROVER], 'quinn');
  both = await app.token(T, [Role.ANALYST, Role.APPROVER], 'sam');
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'BCBS', name: 'Blue Cross', kind: 'COMMERCIAL' } });
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'MCR', name: 'Medicare', kind: 'MEDICARE' } });
  const story = (acct: string, patient: string, payer: string, charge: string, paid: string[], extra: Record<string, unknown>[] = []) => [
    entry({ externalId: `${acct}-c`, accountNumber: acct, patientId: patient, payerCode: payer, amount: charge, postedAt: day(40), claimNumber: `${acct}-CLM` }),
    ...paid.map((p, i) => entry({ externalId: `${acct}-p${i}`, accountNumber: acct, patientId: patient, payerCode: payer, kind: 'PAYMENT', amount: p, postedAt: day(30 - i), claimNumber: `${acct}-CLM` })),
    ...extra.map((x, i) => entry({ externalId: `${acct}-x${i}`, accountNumber: acct, patientId: patient, amount: '0.00', postedAt: day(20), ...x } as never)),
  ];
  await app.ok(admin, POST_ENTRIES, {
    entries: [
      ...story('R-REF', 'P1', 'BCBS', '80.00', ['-80.00', '-80.00']), // duplicate: 80.00 owed to BCBS
      ...story('R-BIG', 'P2', 'BCBS', '1000.00', ['-7000.00']), // 6,000.00 overpaid: two approvals
      ...story('R-ADJ', 'P3', 'BCBS', '100.00', ['-70.00'], [
        { kind: 'ADJUSTMENT', payerCode: 'BCBS', amount: '-30.00', reasonCode: '45', claimNumber: 'R-ADJ-CLM' },
        { kind: 'ADJUSTMENT', payerCode: 'BCBS', amount: '-30.00', reasonCode: '45', claimNumber: 'R-ADJ-CLM' },
      ]), // write-off twice: 30.00, nobody owed
      ...story('R-SMALL', 'P4', 'BCBS', '50.00', ['-70.00']), // 20.00 commercial: auto-adjustable
      ...story('R-MCR', 'P5', 'MCR', '50.00', ['-65.00']), // 15.00 Medicare: must be returned
      ...story('R-PAT', 'P6', 'BCBS', '50.00', ['-50.00'], [{ kind: 'PAYMENT', amount: '-10.00' }]), // 10.00 patient's
    ],
  });
  const { runCreditDetection } = await app.ok(admin, 'mutation { runCreditDetection { id } }');
  expect((await app.waitForJob(admin, runCreditDetection.id)).state).toBe('COMPLETED');
  const { credits } = await app.ok(analyst, '{ credits { edges { node { id account { accountNumber } } } } }');
  for (const e of credits.edges) ids[e.node.account.accountNumber] = e.node.id;
  expect(Object.keys(ids).sort()).toEqual(['R-ADJ', 'R-BIG', 'R-MCR', 'R-PAT', 'R-REF', 'R-SMALL']);
});
afterAll(() => app.stop());

describe('refund to closure', () => {
  it('requests partial refunds within the credit, approves with four eyes, issues, resolves and closes', async () => {
    const first = (await app.ok(analyst, REQUEST, { input: { creditId: ids['R-REF'], amount: '30.00', reason: 'DUPLICATE', documents: ['doc://eob/123'] } })).requestRefund;
    expect(first).toMatchObject({ status: 'REQUESTED', amount: '30.00', reasonCode: 'DUPLICATE', requestedBy: 'ann', payee: { code: 'BCBS' }, credit: { status: 'PENDING_APPROVAL' } });

    const tooMuch = await app.gql(analyst, REQUEST, { input: { creditId: ids['R-REF'], amount: '50.01', reason: 'DUPLICATE' } });
    expect(tooMuch.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.amount' });
    expect(tooMuch.errors?.[0]?.message).toMatch(/left to refund on the credit \(50\.00\)/);
    const noWords = await app.gql(analyst, REQUEST, { input: { creditId: ids['R-REF'], amount: '1.00', reason: 'x' } });
    expect(noWords.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reason' });

    expect((await app.gql(analyst, APPROVE, { id: first.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN'); // no APPROVER role
    const own = (await app.ok(both, REQUEST, { input: { creditId: ids['R-REF'], amount: '50.00', reason: 'Second half of the duplicate' } })).requestRefund;
    const selfApproval = await app.gql(both, APPROVE, { id: own.id });
    expect(selfApproval.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(selfApproval.errors?.[0]?.message).toMatch(/must not be the requester/);

    expect((await app.ok(approver, APPROVE, { id: first.id })).approveRefund).toMatchObject({ status: 'APPROVED', approvedBy: 'pat' });
    const issued = (await app.ok(approver, ISSUE, { id: first.id, ref: 'EFT-1001' })).issueRefund;
    expect(issued).toMatchObject({ status: 'ISSUED', reference: 'EFT-1001', credit: { status: 'PENDING_APPROVAL', amount: '50.00' } });
    expect(await entriesOf('R-REF')).toContainEqual({ external_id: `refund:${first.id}`, kind: 'REFUND', amount: '30.00' });
    expect((await credit(ids['R-REF']!)).account.balance).toBe('-50.00');

    await app.ok(approver, APPROVE, { id: own.id });
    const done = (await app.ok(approver, ISSUE, { id: own.id, ref: 'EFT-1002' })).issueRefund;
    expect(done.credit).toEqual({ status: 'RESOLVED', amount: '0.00', resolution: 'REFUND' });
    // A replay returns the original result and posts nothing; another reference is a conflict.
    expect((await app.ok(approver, ISSUE, { id: own.id, ref: 'EFT-1002' })).issueRefund.status).toBe('ISSUED');
    expect((await app.gql(approver, ISSUE, { id: own.id, ref: 'EFT-9999' })).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', status: 'ISSUED' });
    expect((await entriesOf('R-REF')).filter((e: any) => e.kind === 'REFUND')).toHaveLength(2);

    const { closeCredit } = await app.ok(analyst, 'mutation($id: ID!) { closeCredit(creditId: $id) { status } }', { id: ids['R-REF'] });
    expect(closeCredit.status).toBe('CLOSED');

    const { auditTrail } = await app.ok(analyst, 'query($id: ID!) { auditTrail(creditId: $id) { seq actor action before after } }', { id: ids['R-REF'] });
    expect(auditTrail.map((e: any) => e.action)).toEqual([
      // The second request is still pending when the first is issued: the credit stays PENDING_APPROVAL.
      'refund.request', 'credit.request_approval', 'refund.request', 'refund.approve', 'refund.issue', 'ledger.post',
      'refund.approve', 'refund.issue', 'ledger.post', 'credit.resolve', 'credit.close',
    ]);
    expect(auditTrail.map((e: any) => e.seq)).toEqual([...auditTrail.map((e: any) => e.seq)].sort((a: number, b: number) => a - b));
    expect(JSON.parse(auditTrail.at(-1).before)).toEqual({ status: 'RESOLVED' });

    const { creditKpis } = await app.ok(analyst, '{ creditKpis { openCredits slaAdherence } }');
    expect(creditKpis).toEqual({ openCredits: 5, slaAdherence: 1 });
  });

  it('returns a rejected request to review, and refuses to touch it again', async () => {
    const { requestRefund } = await app.ok(analyst, REQUEST, { input: { creditId: ids['R-SMALL'], amount: '20.00', reason: 'OVERPAYMENT' } });
    const { rejectRefund } = await app.ok(approver, 'mutation($id: ID!) { rejectRefund(id: $id, reason: "Recoup by offset instead") { status credit { status } } }', { id: requestRefund.id });
    expect(rejectRefund).toEqual({ status: 'REJECTED', credit: { status: 'IN_REVIEW' } });
    const again = await app.gql(approver, 'mutation($id: ID!) { rejectRefund(id: $id, reason: "again") { status } }', { id: requestRefund.id });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', status: 'REJECTED' });
  });

  it('needs two approvers at or above the threshold, and a void reopens the credit', async () => {
    const { requestRefund } = await app.ok(analyst, REQUEST, { input: { creditId: ids['R-BIG'], amount: '6000.00', reason: 'OVERPAYMENT' } });
    const once = (await app.ok(approver, APPROVE, { id: requestRefund.id })).approveRefund;
    expect(once).toMatchObject({ status: 'REQUESTED', approvedBy: 'pat', secondApprovedBy: null });
    expect((await app.gql(approver, APPROVE, { id: requestRefund.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await app.ok(approver2, APPROVE, { id: requestRefund.id })).approveRefund).toMatchObject({ status: 'APPROVED', secondApprovedBy: 'quinn' });
    expect((await app.ok(approver, ISSUE, { id: requestRefund.id, ref: 'CHK-77' })).issueRefund.credit).toMatchObject({ status: 'RESOLVED' });

    const { voidRefund } = await app.ok(approver, 'mutation($id: ID!) { voidRefund(id: $id, reason: "Check returned uncashed") { status credit { status amount resolution } } }', { id: requestRefund.id });
    expect(voidRefund).toEqual({ status: 'VOIDED', credit: { status: 'IN_REVIEW', amount: '6000.00', resolution: null } });
    expect(await entriesOf('R-BIG')).toContainEqual({ external_id: `refund-void:${requestRefund.id}`, kind: 'REFUND', amount: '-6000.00' });
    expect((await credit(ids['R-BIG']!)).account.balance).toBe('-6000.00');
  });
});

describe('adjustments and forbidden moves', () => {
  const ADJUST = `mutation($id: ID!, $amount: Decimal!, $key: String) { adjustCredit(creditId: $id, amount: $amount, reason: "Duplicate CO-45 reversed", idempotencyKey: $key) { status amount resolution } }`;

  it('adjusts an incorrect write-off to zero, idempotently, then closes', async () => {
    expect((await app.ok(analyst, ADJUST, { id: ids['R-ADJ'], amount: '30.00', key: 'adj-1' })).adjustCredit).toEqual({ status: 'RESOLVED', amount: '0.00', resolution: 'ADJUSTMENT' });
    expect((await app.ok(analyst, ADJUST, { id: ids['R-ADJ'], amount: '30.00', key: 'adj-1' })).adjustCredit.status).toBe('RESOLVED');
    expect((await app.gql(analyst, ADJUST, { id: ids['R-ADJ'], amount: '31.00', key: 'adj-1' })).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'idempotencyKey' });
    expect((await entriesOf('R-ADJ')).filter((e: any) => e.external_id.startsWith('adjust:'))).toHaveLength(1);
    expect((await app.ok(analyst, 'mutation($id: ID!) { closeCredit(creditId: $id) { status } }', { id: ids['R-ADJ'] })).closeCredit.status).toBe('CLOSED');
  });

  it('holds an adjustment at or above the threshold for a second person, then posts it', async () => {
    const pending = (await app.ok(analyst, ADJUST, { id: ids['R-BIG'], amount: '1500.00', key: 'big-adj' })).adjustCredit;
    expect(pending).toEqual({ status: 'PENDING_APPROVAL', amount: '6000.00', resolution: null });
    expect((await entriesOf('R-BIG')).filter((e: any) => e.external_id.startsWith('adjust:'))).toEqual([]);
    const { adjustmentRequests } = await app.ok(analyst, 'query($id: ID) { adjustmentRequests(creditId: $id) { id status amount requestedBy } }', { id: ids['R-BIG'] });
    expect(adjustmentRequests).toEqual([{ id: expect.any(String), status: 'REQUESTED', amount: '1500.00', requestedBy: 'ann' }]);
    const APPROVE_ADJ = 'mutation($id: ID!) { approveAdjustment(id: $id) { status approvedBy } }';
    expect((await app.gql(analyst, APPROVE_ADJ, { id: adjustmentRequests[0].id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await app.ok(approver, APPROVE_ADJ, { id: adjustmentRequests[0].id })).approveAdjustment).toEqual({ status: 'APPROVED', approvedBy: 'pat' });
    expect(await credit(ids['R-BIG']!)).toMatchObject({ status: 'IN_REVIEW', amount: '4500.00', account: { balance: '-4500.00' } });
    expect((await app.gql(approver, APPROVE_ADJ, { id: adjustmentRequests[0].id })).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', status: 'APPROVED' });
  });

  it('names the current status when a transition is not allowed', async () => {
    const closeOpen = await app.gql(analyst, 'mutation($id: ID!) { closeCredit(creditId: $id) { status } }', { id: ids['R-MCR'] });
    expect(closeOpen.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
    expect(closeOpen.errors?.[0]?.message).toMatch(/balance is -15\.00/);
    const reviewClosed = await app.gql(analyst, 'mutation($id: ID!) { startReview(creditId: $id) { status } }', { id: ids['R-ADJ'] });
    expect(reviewClosed.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', status: 'CLOSED' });
    const refundClosed = await app.gql(analyst, REQUEST, { input: { creditId: ids['R-ADJ'], amount: '1.00', reason: 'DUPLICATE' } });
    expect(refundClosed.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', status: 'CLOSED' });
    const adjustTooMuch = await app.gql(analyst, ADJUST, { id: ids['R-MCR'], amount: '15.01' });
    expect(adjustTooMuch.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'amount' });
  });
});

describe('auto-adjust under $100', () => {
  const RUN = `mutation($input: AutoAdjustInput) { autoAdjustSmallCredits(input: $input) { id state } }`;
  let runner: string;
  beforeAll(async () => {
    runner = await app.token(T, [Role.JOB_RUNNER]);
  });

  it('reports a dry run without posting, then adjusts only eligible credits, once', async () => {
    const before = await app.ownerQuery('select count(*)::int as n from ledger_entry');
    const dry = await app.waitForJob(runner, (await app.ok(runner, RUN, { input: { dryRun: true } })).autoAdjustSmallCredits.id);
    // R-SMALL is IN_REVIEW (rejected refund), R-MCR is Medicare, R-PAT the patient's: none eligible.
    expect(JSON.parse(dry.result)).toMatchObject({ dryRun: true, eligible: 0, adjusted: 0 });
    expect(await app.ownerQuery('select count(*)::int as n from ledger_entry')).toEqual(before);

    // A new small commercial credit, OPEN: eligible.
    const admin = await app.token(T, [Role.ADMIN]);
    await app.ok(admin, POST_ENTRIES, {
      entries: [
        entry({ externalId: 'S2-c', accountNumber: 'R-S2', patientId: 'P9', payerCode: 'BCBS', amount: '40.00', postedAt: day(10), claimNumber: 'S2' }),
        entry({ externalId: 'S2-p', accountNumber: 'R-S2', patientId: 'P9', payerCode: 'BCBS', kind: 'PAYMENT', amount: '-52.50', postedAt: day(5), claimNumber: 'S2' }),
      ],
    });
    const detect = await app.ok(admin, 'mutation { runCreditDetection { id } }');
    await app.waitForJob(admin, detect.runCreditDetection.id);
    const preview = JSON.parse((await app.waitForJob(runner, (await app.ok(runner, RUN, { input: { dryRun: true, maxAmount: '100.00' } })).autoAdjustSmallCredits.id)).result);
    expect(preview).toMatchObject({ eligible: 1, totalAmount: '12.50', items: [{ amount: '12.50' }] });

    const real = await app.waitForJob(runner, (await app.ok(runner, RUN, { input: { idempotencyKey: 'nightly-1' } })).autoAdjustSmallCredits.id);
    expect(JSON.parse(real.result)).toMatchObject({ dryRun: false, eligible: 1, adjusted: 1, totalAmount: '12.50' });
    expect(real).toMatchObject({ processed: 1, total: 1 });
    const creditId = preview.items[0].creditId;
    expect((await credit(creditId))).toMatchObject({ status: 'RESOLVED', resolution: 'AUTO_ADJUSTMENT', amount: '0.00', account: { balance: '0.00' } });
    expect(await entriesOf('R-S2')).toContainEqual({ external_id: `auto-adjust:${creditId}`, kind: 'ADJUSTMENT', amount: '12.50' });

    const again = await app.waitForJob(runner, (await app.ok(runner, RUN, { input: {} })).autoAdjustSmallCredits.id);
    expect(JSON.parse(again.result)).toMatchObject({ eligible: 0, adjusted: 0 });
    const { auditTrail } = await app.ok(analyst, 'query($id: ID!) { auditTrail(creditId: $id) { actor action } }', { id: creditId });
    expect(auditTrail).toContainEqual({ actor: 'system:auto-adjust', action: 'credit.auto_adjust' });
  });
});

describe('audit chain', () => {
  it('verifies, and points at the first event edited behind its back', async () => {
    const auditor = await app.token(T, [Role.AUDITOR]);
    const ok = (await app.ok(auditor, '{ verifyAuditChain { valid checked brokenAtSeq } }')).verifyAuditChain;
    expect(ok.valid).toBe(true);
    expect(ok.checked).toBeGreaterThan(20);
    await app.ownerQuery(`
      do $$ begin
        alter table audit_event disable trigger audit_event_append_only;
        update audit_event set reason = 'edited' where tenant_id = '${T}' and seq = 7;
        alter table audit_event enable trigger audit_event_append_only;
      end $$`);
    const broken = (await app.ok(auditor, '{ verifyAuditChain { valid brokenAtSeq problem } }')).verifyAuditChain;
    expect(broken).toEqual({ valid: false, brokenAtSeq: 7, problem: 'event 7 was altered after it was written' });
    expect((await app.gql(analyst, '{ verifyAuditChain { valid } }')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('reporting KPIs after the workflows above', () => {
  const KPIS = `query($g: KpiGroupBy) { kpis(groupBy: $g) { key openCredits creditBalanceTotal over90Count pastDueCount resolvedInWindow
    resolvedOnTime slaAdherence turnaroundHours { mean median p90 } resolutionMix { resolution count amount } autoResolutionRate
    inflowCount inflowAmount refundApprovalRate errorRate } }`;

  it('computes each KPI as derived by hand from the story of this file', async () => {
    const bi = await app.token(T, [Role.BI]);
    const [all] = (await app.ok(bi, KPIS)).kpis;
    // Open: R-BIG 4500.00 (reopened by the void, then 1500.00 adjusted), R-SMALL 20.00 (review after
    // rejection), R-MCR 15.00, R-PAT 10.00.
    expect(all).toMatchObject({ key: 'ALL', openCredits: 4, creditBalanceTotal: '4545.00', over90Count: 0, pastDueCount: 0 });
    // Resolved in the window: R-REF (refund), R-ADJ (adjustment), R-S2 (auto-adjustment), each at once: all on time.
    expect(all).toMatchObject({ resolvedInWindow: 3, resolvedOnTime: 3, slaAdherence: 1 });
    expect(all.autoResolutionRate).toBeCloseTo(1 / 3, 12);
    const mix = Object.fromEntries(all.resolutionMix.map((m: any) => [m.resolution, [m.count, m.amount]]));
    expect(mix).toEqual({ REFUND: [1, '80.00'], ADJUSTMENT: [1, '30.00'], TRANSFER: [0, '0.00'], OFFSET: [0, '0.00'], AUTO_ADJUSTMENT: [1, '12.50'], ESCHEATMENT: [0, '0.00'] });
    // Inflow: all seven credits, identified in the window: 80 + 6000 + 30 + 20 + 15 + 10 + 12.50.
    expect(all).toMatchObject({ inflowCount: 7, inflowAmount: '6167.50' });
    // Refunds decided: R-REF's two (issued), R-SMALL's (rejected), R-BIG's (voided after approval): 3 of 4 approved.
    expect(all.refundApprovalRate).toBe(0.75);
    // Errors: R-BIG's resolution undone by the void, over the 3 resolved plus that 1 reopened.
    expect(all.errorRate).toBe(0.25);
    expect(all.turnaroundHours.mean).toBeGreaterThanOrEqual(0);
    expect(all.turnaroundHours.p90).toBeLessThan(1);

    const byCause = Object.fromEntries((await app.ok(bi, KPIS, { g: 'ROOT_CAUSE' })).kpis.map((k: any) => [k.key, k]));
    expect(byCause.DUPLICATE_PAYMENT).toMatchObject({ openCredits: 0, resolvedInWindow: 1, refundApprovalRate: 1 });
    expect(byCause.INCORRECT_ADJUSTMENT).toMatchObject({ openCredits: 0, resolvedInWindow: 1 });
    expect(byCause.PATIENT_OVERPAYMENT).toMatchObject({ openCredits: 1, creditBalanceTotal: '10.00' });
    const byPayer = Object.fromEntries((await app.ok(bi, KPIS, { g: 'PAYER' })).kpis.map((k: any) => [k.key, k.creditBalanceTotal]));
    expect(byPayer).toEqual({ BCBS: '4520.00', MCR: '15.00', PATIENT: '10.00' });
  });
});
