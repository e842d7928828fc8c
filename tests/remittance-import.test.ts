import { Role } from '../src/domain/context/role.js';
import { writeEra } from '../src/domain/remittance/era-writer.js';
import { x12Fixture } from '../src/domain/remittance/x12/x12-test-fixtures.js';
import { entry, POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';

let app: TestApp;
let admin: string;

const IMPORT = `mutation($content: String!, $fileName: String!, $key: String) {
  importRemittance(content: $content, fileName: $fileName, idempotencyKey: $key) { id kind state } }`;
const RECONCILE = `query($first: Int) { remittanceReconciliation(first: $first) {
  eraPaymentsNotInLedger { totalCount items { accountNumber payerCode claimNumber patientControlNumber traceNumbers eraPaid ledgerPaid } }
  ledgerPaymentsWithoutEra { totalCount items { accountNumber payerCode claimNumber ledgerPaid } }
  amountMismatches { totalCount items { accountNumber claimNumber eraPaid ledgerPaid } }
  unmatchedClaims { totalCount items { patientControlNumber payerCode traceNumbers eraPaid } }
  duplicateRemittances { totalCount items { accountNumber patientControlNumber traceNumbers eraPaid remittances } } } }`;
const CREDITS = `query($filter: CreditFilter) { credits(filter: $filter, first: 50) { totalCount edges { node {
  amount status rootCause account { accountNumber } entries { externalId kind amount claimNumber reasonCode reference } } } } }`;

async function importEra(content: string, fileName = 'era.835', key?: string) {
  const { importRemittance } = await app.ok(admin, IMPORT, { content, fileName, key });
  const job = await app.waitForJob(admin, importRemittance.id);
  if (job.state !== "COMPLETED") throw new Error(`job ${job.state}: ${job.error}`);
  return { run: importRemittance, job, result: JSON.parse(job.result) };
}

const entries = (accountNumber: string) =>
  app.ownerQuery(
    `select e.external_id, e.kind, e.amount::text as amount, e.claim_number, e.reason_code, e.reference
       from ledger_entry e join account a on a.id = e.account_id where a.account_number = $1 order by e.id`,
    [accountNumber],
  );
const ledgerCount = async () => Number((await app.ownerQuery('select count(*) as n from ledger_entry'))[0].n);

const charge = (accountNumber: string, amount: string, patientId = `P-${accountNumber}`) =>
  entry({ externalId: `chg-${accountNumber}`, accountNumber, patientId, amount, postedAt: '2026-01-02T10:00:00Z' });

beforeAll(async () => {
  app = await TestApp.start();
  admin = await app.token('clinic-era', [Role.ADMIN]);
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'PAYER01', name: 'Acme Health Plan', kind: 'COMMERCIAL' } });
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'MCR01', name: 'Medicare', kind: 'MEDICARE' } });
  await app.ok(admin, POST_ENTRIES, {
    entries: [
      charge('PCN-001', '500.00'), charge('PCN-002', '1000.00'), charge('PCN-003', '120.00'), charge('PCN-004', '250.00'),
      charge('PCN-005', '400.00'), charge('CR-1', '100.00'), charge('DUP-1', '200.00'), charge('REV-1', '300.00'),
      // A payment the practice posted itself, before the ERA: the ERA's payment then overpays.
      entry({ externalId: 'own-pay-cr1', accountNumber: 'CR-1', patientId: 'P-CR-1', kind: 'PAYMENT', payerCode: 'MCR01', amount: '-80.00', postedAt: '2026-01-05T10:00:00Z', claimNumber: 'OWN-1' }),
    ],
  });
});
afterAll(() => app.stop());

describe('importRemittance', () => {
  it('posts the full 5010 fixture: payments per line, CO/OA adjustments, no PR, a reversal, a denial recorded only', async () => {
    const before = await ledgerCount();
    const { job, result } = await importEra(x12Fixture('full-5010.835'), 'full-5010.835');
    expect(job.kind).toBe('remittance-import');
    expect(result).toMatchObject({
      alreadyImported: false,
      claims: { total: 6, posted: 4, reversed: 1, denied: 1, unmatched: 0 },
      entriesPosted: 11,
      providerAdjustments: 5,
      rejectedSets: [],
      duplicateSets: [],
    });
    expect(result.acceptedSets).toEqual([expect.objectContaining({ controlNumber: '0001', traceNumber: 'EFT0001234', payerCode: 'PAYER01', claims: 6 })]);
    expect(await ledgerCount()).toBe(before + 11);

    const pcn1 = await entries('PCN-001');
    expect(pcn1.map((e) => [e.kind, e.amount, e.reason_code])).toEqual([
      ['CHARGE', '500.00', null],
      ['PAYMENT', '-220.00', null],
      ['PAYMENT', '-130.00', null],
      ['ADJUSTMENT', '-30.00', '45'],
      ['ADJUSTMENT', '-70.00', '45'],
    ]);
    expect(pcn1[1]).toMatchObject({ external_id: 'era:PAYER01:EFT0001234:PCN-001#0:1:P', claim_number: 'ICN0001', reference: 'EFT0001234' });
    // Claim-level CAS OA 23 and CO 45; payment at claim level (no service lines).
    expect((await entries('PCN-002')).map((e) => [e.kind, e.amount, e.reason_code])).toEqual([
      ['CHARGE', '1000.00', null], ['PAYMENT', '-150.00', null], ['ADJUSTMENT', '-700.00', '23'], ['ADJUSTMENT', '-150.00', '45'],
    ]);
    // Denied: recorded, nothing posted.
    expect((await entries('PCN-004')).map((e) => e.kind)).toEqual(['CHARGE']);
    // Reversal (CLP02=22) posts the reversing payment; the corrected claim posts its own; PR posts nothing.
    expect((await entries('PCN-005')).map((e) => [e.kind, e.amount, e.claim_number])).toEqual([
      ['CHARGE', '400.00', null], ['PAYMENT', '300.00', 'ICN0005'], ['PAYMENT', '-310.00', 'ICN0006'],
    ]);
    const claims = await app.ownerQuery(`select patient_control_number, status_code, outcome, patient_responsibility::text as pr
      from remittance_claim order by claim_index`);
    expect(claims.map((c) => [c.patient_control_number, c.status_code, c.outcome])).toEqual([
      ['PCN-001', '1', 'POSTED'], ['PCN-002', '2', 'POSTED'], ['PCN-003', '3', 'POSTED'], ['PCN-004', '4', 'DENIED'],
      ['PCN-005', '22', 'REVERSED'], ['PCN-005', '1', 'POSTED'],
    ]);
    // CAS triplets are kept in the claim's detail document: claim level (line 0), then each line's, in file order.
    const pr = await app.ownerQuery(`select t.a->>'group_code' as group_code, t.a->>'reason_code' as reason_code, t.a->>'amount' as amount
      from remittance_claim c cross join lateral (
             select 0::bigint as line, x.a, x.n from json_array_elements(c.detail->'adjustments') with ordinality as x(a, n)
             union all
             select l.n, x.a, x.n from json_array_elements(c.detail->'lines') with ordinality as l(line, n)
                    cross join lateral json_array_elements(l.line->'adjustments') with ordinality as x(a, n)) t
     where c.patient_control_number = 'PCN-001' and t.a->>'group_code' = 'PR' order by t.line, t.n`);
    expect(pr).toEqual([{ group_code: 'PR', reason_code: '1', amount: '30.00' }, { group_code: 'PR', reason_code: '2', amount: '20.00' }]);
    const plb = await app.ownerQuery(`select reason_code, reference, amount::text as amount from remittance_provider_adjustment order by seq`);
    expect(plb).toEqual([
      { reason_code: 'WO', reference: 'ICN9999', amount: '100.00' },
      { reason_code: 'FB', reference: null, amount: '-25.00' },
      { reason_code: '72', reference: 'ADV01', amount: '50.00' },
      { reason_code: 'L6', reference: null, amount: '2.50' },
      { reason_code: 'CS', reference: 'ADJ7', amount: '10.00' },
    ]);
  });

  it('imports nothing for the same file again, nor for the same payer + trace in another file', async () => {
    const before = await ledgerCount();
    const again = await importEra(x12Fixture('full-5010.835'), 'copy.835');
    expect(again.result).toMatchObject({ alreadyImported: true, entriesPosted: 0, acceptedSets: [] });
    // Same remittance, other bytes (CRLF line ends): another file, but the same payer + TRN trace.
    const crlf = x12Fixture('full-5010.835').replaceAll('~\n', '~\r\n');
    const other = await importEra(crlf, 'crlf.835');
    expect(other.result).toMatchObject({ alreadyImported: false, entriesPosted: 0, acceptedSets: [] });
    expect(other.result.duplicateSets).toEqual([expect.objectContaining({ traceNumber: 'EFT0001234', payerCode: 'PAYER01' })]);
    expect(await ledgerCount()).toBe(before);
  });

  it('returns the same run for the same idempotency key and content', async () => {
    const content = writeEra([{ payerId: 'PAYER01', trace: 'IDEM-1', claims: [{ pcn: 'PCN-003', charge: '120', paid: '0', cas: [['CO', '45', '120']], status: '1' }] }]);
    const a = await app.ok(admin, IMPORT, { content, fileName: 'a.835', key: 'idem-1' });
    const b = await app.ok(admin, IMPORT, { content, fileName: 'a.835', key: 'idem-1' });
    expect(b.importRemittance.id).toBe(a.importRemittance.id);
    await app.waitForJob(admin, a.importRemittance.id);
  });

  it('rejects a malformed set whole, names segment and element, and still imports the other sets', async () => {
    const good = writeEra([
      { payerId: 'PAYER01', trace: 'MIX-OK', claims: [{ pcn: 'REV-1', charge: '300', paid: '200', cas: [['CO', '45', '100']] }] },
      { payerId: 'PAYER01', trace: 'MIX-BAD', claims: [{ pcn: 'DUP-1', charge: '200', paid: '150', cas: [['CO', '45', '50']] }] },
    ]);
    const bad = good.replace('CLP*DUP-1*1*200*150', 'CLP*DUP-1*1*200*15X0');
    const before = await ledgerCount();
    const { result } = await importEra(bad, 'mixed.835');
    expect(result.acceptedSets.map((s: any) => s.traceNumber)).toEqual(['MIX-OK']);
    expect(result.rejectedSets).toHaveLength(1);
    expect(result.rejectedSets[0]).toMatchObject({ controlNumber: '0002', reason: 'MALFORMED' });
    expect(result.rejectedSets[0].errors[0]).toMatchObject({ code: 'BAD_AMOUNT', segmentId: 'CLP', element: 'CLP04' });
    expect(result.rejectedSets[0].errors[0].message).toMatch(/^segment \d+ \(CLP\) element CLP04: "15X0"/);
    expect(result.entriesPosted).toBe(2);
    expect(await ledgerCount()).toBe(before + 2);
    expect((await entries('DUP-1')).map((e) => e.kind)).toEqual(['CHARGE']);
  });

  it('rejects a set whose payer maps to no tenant payer, and imports it once the payer exists', async () => {
    const content = writeEra([{ payerId: 'NEWPAYER', payerName: 'NEW PLAN', trace: 'NEW-1', claims: [{ pcn: 'PCN-003', charge: '120', paid: '10', cas: [['CO', '45', '110']] }] }]);
    const first = await importEra(content, 'new.835');
    expect(first.result.rejectedSets).toEqual([expect.objectContaining({ reason: 'PAYER_UNMAPPED' })]);
    expect(first.result.rejectedSets[0].errors[0].message).toMatch(/^segment 3 \(ST\): payer "NEW PLAN" \("NEWPAYER", "1512345678"\) maps to no payer of this tenant/);
    expect(first.result.entriesPosted).toBe(0);

    await app.ok(admin, UPSERT_PAYER, { input: { code: 'NEWPAYER', name: 'New plan', kind: 'COMMERCIAL' } });
    const second = await importEra(content, 'new.835');
    expect(second.result).toMatchObject({ alreadyImported: false, entriesPosted: 2, rejectedSets: [] });
    const third = await importEra(content, 'new.835');
    expect(third.result).toMatchObject({ alreadyImported: true, entriesPosted: 0 });
  });

  it('fails the whole import when an entry id is already in the ledger with other content, and posts nothing', async () => {
    // The id the ERA's claim payment gets (payer, trace, claim, position, line 0, payment), posted before with another amount.
    await app.ok(admin, POST_ENTRIES, {
      entries: [entry({ externalId: 'era:PAYER01:CONFLICT-1:PCN-004#0:0:P', accountNumber: 'PCN-004', patientId: 'P-PCN-004', kind: 'PAYMENT', payerCode: 'PAYER01', amount: '-1.00', postedAt: '2026-01-03T10:00:00Z' })],
    });
    const before = await ledgerCount();
    const content = writeEra([{ payerId: 'PAYER01', trace: 'CONFLICT-1', claims: [{ pcn: 'PCN-004', charge: '250', paid: '50', cas: [['CO', '45', '200']] }] }]);
    const { importRemittance } = await app.ok(admin, IMPORT, { content, fileName: 'conflict.835' });
    const job = await app.waitForJob(admin, importRemittance.id);
    expect(job.state).toBe('FAILED');
    expect(job.error).toMatch(/claim PCN-004 \(segment \d+\)\.externalId: "era:PAYER01:CONFLICT-1:PCN-004#0:0:P" was already posted with different content/);
    expect(await ledgerCount()).toBe(before);
    expect(await app.ownerQuery(`select 1 from remittance where trace_number = 'CONFLICT-1'`)).toEqual([]);
  });

  it('records claims that match no account as posting exceptions and posts nothing for them', async () => {
    const content = writeEra([{ payerId: 'MCR01', trace: 'UNM-1', claims: [{ pcn: 'NO-SUCH-ACCOUNT', charge: '90', paid: '60', icn: 'ICN-U1', cas: [['CO', '45', '30']] }] }]);
    const before = await ledgerCount();
    const { result } = await importEra(content, 'unmatched.835');
    expect(result.claims).toMatchObject({ total: 1, unmatched: 1, posted: 0 });
    expect(result.entriesPosted).toBe(0);
    expect(await ledgerCount()).toBe(before);
    const { remittanceReconciliation: r } = await app.ok(admin, RECONCILE, {});
    expect(r.unmatchedClaims.items).toContainEqual({ patientControlNumber: 'NO-SUCH-ACCOUNT', payerCode: 'MCR01', traceNumbers: ['UNM-1'], eraPaid: '60.00' });
  });

  it('flags the credit an ERA payment creates during posting (scoped detection)', async () => {
    const content = writeEra([{ payerId: 'MCR01', trace: 'CR-TRN-1', claims: [{ pcn: 'CR-1', charge: '100', paid: '100', icn: 'ICN-CR1' }] }]);
    const { result } = await importEra(content, 'credit.835');
    expect(result.detection).toMatchObject({ accountsScanned: 1, opened: 1 });
    const { credits } = await app.ok(admin, CREDITS, { filter: { accountNumber: 'CR-1' } });
    expect(credits.edges.map((e: any) => [e.node.amount, e.node.status])).toEqual([['80.00', 'OPEN']]);
    expect(credits.edges[0].node.entries.map((e: any) => e.externalId)).toContain('era:MCR01:CR-TRN-1:CR-1#0:0:P');
  });

  it('detects only for the accounts the import touched: other accounts wait for a full run', async () => {
    const openCredits = async (accountNumber: string) =>
      (await app.ok(admin, CREDITS, { filter: { accountNumber, statuses: ['OPEN'] } })).credits.totalCount;
    await app.ok(admin, POST_ENTRIES, {
      entries: [
        charge('OUT-1', '10.00'),
        entry({ externalId: 'out-pay', accountNumber: 'OUT-1', patientId: 'P-OUT-1', kind: 'PAYMENT', amount: '-50.00', postedAt: '2026-01-03T10:00:00Z' }),
        charge('SC-1', '100.00'), charge('SC-2', '100.00'),
      ],
    });
    const pay = (pcn: string, trace: string) => writeEra([{ payerId: 'MCR01', trace, claims: [{ pcn, charge: '100', paid: '150', icn: `ICN-${trace}` }] }]);
    const { result } = await importEra(pay('SC-1', 'SC-TRN-1'), 'sc1.835');
    expect(result.detection).toMatchObject({ accountsScanned: 1, opened: 1, resolved: 0 });
    expect([await openCredits('SC-1'), await openCredits('OUT-1')]).toEqual([1, 0]);

    const full = await app.ok(admin, `mutation { runCreditDetection { id } }`);
    await app.waitForJob(admin, full.runCreditDetection.id);
    expect(await openCredits('OUT-1')).toBe(1);
    // OUT-1 back to zero; an import touching SC-2 only does not resolve OUT-1's credit.
    await app.ok(admin, POST_ENTRIES, { entries: [entry({ externalId: 'out-chg-2', accountNumber: 'OUT-1', patientId: 'P-OUT-1', amount: '40.00', postedAt: '2026-01-04T10:00:00Z' })] });
    const second = await importEra(pay('SC-2', 'SC-TRN-2'), 'sc2.835');
    expect(second.result.detection).toMatchObject({ accountsScanned: 1, opened: 1, resolved: 0 });
    expect(await openCredits('OUT-1')).toBe(1);
  });

  it('marks a claim paid again in another remittance with CARC 18 and classifies the credit as a duplicate payment', async () => {
    const pay = (trace: string) => writeEra([{ payerId: 'MCR01', trace, claims: [{ pcn: 'DUP-1', charge: '200', paid: '200', icn: `ICN-${trace}` }] }]);
    await importEra(pay('DUP-TRN-1'), 'dup1.835');
    const { result } = await importEra(pay('DUP-TRN-2'), 'dup2.835');
    expect(result.detection).toMatchObject({ opened: 1 });
    const dup = await entries('DUP-1');
    expect(dup.filter((e) => e.kind === 'PAYMENT').map((e) => [e.amount, e.reason_code])).toEqual([['-200.00', null], ['-200.00', '18']]);
    const { credits } = await app.ok(admin, CREDITS, { filter: { accountNumber: 'DUP-1' } });
    expect(credits.edges[0].node).toMatchObject({ amount: '200.00', rootCause: 'DUPLICATE_PAYMENT' });
    const { remittanceReconciliation: r } = await app.ok(admin, RECONCILE, {});
    expect(r.duplicateRemittances.items).toContainEqual({ accountNumber: 'DUP-1', patientControlNumber: 'DUP-1', traceNumbers: ['DUP-TRN-1', 'DUP-TRN-2'], eraPaid: '400.00', remittances: 2 });
  });

  it('matches a WO recoupment naming a claim to the credit it repays, and posts nothing for it', async () => {
    const before = await ledgerCount();
    const content = writeEra([{ payerId: 'MCR01', trace: 'WO-TRN-1', claims: [], plb: [{ reason: 'WO', reference: 'ICN-DUP-TRN-2', amount: '200' }, { reason: 'L6', amount: '-1.50' }] }]);
    const { result } = await importEra(content, 'wo.835');
    expect(result).toMatchObject({ providerAdjustments: 2, recoupmentsMatched: 1, entriesPosted: 0 });
    expect(await ledgerCount()).toBe(before);
    const [wo] = await app.ownerQuery(`select p.reason_code, a.account_number, c.amount::text as credit_amount
      from remittance_provider_adjustment p join account a on a.id = p.matched_account_id join credit c on c.id = p.matched_credit_id
      where p.reference = 'ICN-DUP-TRN-2'`);
    expect(wo).toEqual({ reason_code: 'WO', account_number: 'DUP-1', credit_amount: '200.00' });
  });

  it('reconciles ERA against the ledger: payments missing from either side and amount mismatches', async () => {
    await app.ok(admin, POST_ENTRIES, {
      entries: [
        // The practice posted a Medicare payment the ERA never carried.
        entry({ externalId: 'own-pay-rev1', accountNumber: 'REV-1', patientId: 'P-REV-1', kind: 'PAYMENT', payerCode: 'PAYER01', amount: '-5.00', postedAt: '2026-01-20T10:00:00Z', claimNumber: 'LOCAL-9' }),
        // And a second, manual, posting on an ERA claim: ledger 200 + 1 vs ERA 200.
        entry({ externalId: 'own-pay-rev1b', accountNumber: 'REV-1', patientId: 'P-REV-1', kind: 'PAYMENT', payerCode: 'PAYER01', amount: '-1.00', postedAt: '2026-01-20T10:00:00Z', claimNumber: 'REV-1' }),
      ],
    });
    const { remittanceReconciliation: r } = await app.ok(admin, RECONCILE, { first: 500 });
    expect(r.ledgerPaymentsWithoutEra.items).toContainEqual({ accountNumber: 'REV-1', payerCode: 'PAYER01', claimNumber: 'LOCAL-9', ledgerPaid: '5.00' });
    expect(r.amountMismatches.items).toContainEqual({ accountNumber: 'REV-1', claimNumber: 'REV-1', eraPaid: '200.00', ledgerPaid: '201.00' });
    // Medicare's own payment on CR-1 (OWN-1) has no ERA either.
    expect(r.ledgerPaymentsWithoutEra.items).toContainEqual({ accountNumber: 'CR-1', payerCode: 'MCR01', claimNumber: 'OWN-1', ledgerPaid: '80.00' });
    expect(r.eraPaymentsNotInLedger.totalCount).toBe(0);
  });

  it('reports text that is not X12 as a file error and posts nothing', async () => {
    const { result } = await importEra('hello, this is not an ERA\n', 'notes.txt');
    expect(result).toMatchObject({ acceptedSets: [], rejectedSets: [], entriesPosted: 0 });
    expect(result.fileErrors).toEqual([expect.objectContaining({ code: 'NOT_X12' })]);
  });

  it('refuses files over 20 MB and empty content with BAD_USER_INPUT, and needs a job role', async () => {
    const big = await app.gql(admin, IMPORT, { content: 'x'.repeat(20 * 1024 * 1024 + 1), fileName: 'big.835' });
    expect(big.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'content' });
    const empty = await app.gql(admin, IMPORT, { content: '   ', fileName: 'e.835' });
    expect(empty.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'content' });
    const analyst = await app.token('clinic-era', [Role.ANALYST]);
    const denied = await app.gql(analyst, IMPORT, { content: 'ISA', fileName: 'x.835' });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
