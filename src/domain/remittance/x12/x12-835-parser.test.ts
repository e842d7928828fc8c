import { allIssues, parse835, postableClaims } from './x12-835-parser.js';
import type { Claim835, ParsedSet835, Remittance835 } from './x12-835.types.js';
import { x12Fixture } from './x12-test-fixtures.js';

function onlySet(name: string): { set: ParsedSet835; remittance: Remittance835 } {
  const result = parse835(x12Fixture(name));
  expect(result.rejected).toEqual([]);
  expect(result.parsed).toHaveLength(1);
  const set = result.parsed[0]!;
  return { set, remittance: set.remittance };
}

describe('parse835: a complete 5010 remittance (full-5010.835)', () => {
  const result = parse835(x12Fixture('full-5010.835'));
  const { remittance } = onlySet('full-5010.835');
  const claim = (i: number): Claim835 => remittance.claims[i]!;

  it('parses with no error and no warning: every check balances', () => {
    expect(allIssues(result)).toEqual([]);
    expect(result.interchanges).toEqual([
      expect.objectContaining({ controlNumber: '000000101', senderId: 'PAYERSENDER', receiverId: 'PROVIDERRECV', version: '00501', usage: 'T' }),
    ]);
  });

  it('reads the envelope, BPR and TRN', () => {
    expect(remittance).toMatchObject({
      controlNumber: '0001',
      version: '005010X221A1',
      interchangeControlNumber: '000000101',
      groupControlNumber: '101',
      payment: { ordinal: 4, handlingCode: 'I', amount: '392.50', creditDebit: 'C', method: 'ACH', date: '2024-01-16' },
      trace: { typeCode: '1', traceNumber: 'EFT0001234', payerId: '1512345678' },
      references: [{ qualifier: 'EV', value: 'RECEIVER01' }],
      dates: [{ qualifier: '405', date: '2024-01-15' }],
    });
  });

  it('reads the payer (N1*PR with REF*2U) and the payee (N1*PE with NPI and REF*TJ)', () => {
    expect(remittance.payer).toEqual({
      name: 'ACME HEALTH PLAN',
      idQualifier: 'XV',
      id: 'PAYER01',
      references: [{ qualifier: '2U', value: 'PAYER01' }],
    });
    expect(remittance.payee).toMatchObject({ name: 'SUNRISE CLINIC', npi: '1234567893', taxId: '123456789' });
  });

  it('reads every CLP element, the LX loop and the claim-level segments', () => {
    expect(claim(0)).toMatchObject({
      ordinal: 20,
      headerNumber: '1',
      patientControlNumber: 'PCN-001',
      status: '1',
      chargeAmount: '500',
      paidAmount: '350',
      patientResponsibility: '50',
      filingIndicator: '12',
      payerClaimControlNumber: 'ICN0001',
      facilityTypeCode: '11',
      frequencyCode: '1',
      statementFrom: '2024-01-01',
      statementTo: '2024-01-02',
      receivedDate: '2024-01-05',
      references: [{ qualifier: '1L', value: 'GROUP42' }],
      amounts: [{ qualifier: 'AU', amount: '420' }],
      quantities: [{ qualifier: 'CA', quantity: '2' }],
      adjudication: [{ kind: 'outpatient', remarkCodes: ['MA01', 'MA15'] }],
    });
    expect(claim(0).patient).toEqual({
      entityCode: 'QC', entityType: '1', lastOrOrganizationName: 'DOE', firstName: 'JANE', middleName: 'Q', idQualifier: 'MI', id: 'W123456789',
    });
    expect(claim(0).insured).toMatchObject({ entityCode: 'IL', id: 'W123456700' });
    expect(claim(0).renderingProvider).toMatchObject({ entityCode: '82', idQualifier: 'XX', id: '1987654321' });
    expect(claim(1)).toMatchObject({ headerNumber: '2', adjudication: [{ kind: 'inpatient', elements: ['0', '', '', '150'] }] });
    expect(claim(1).crossoverCarrier).toMatchObject({ entityCode: 'TT', lastOrOrganizationName: 'MEDICAID OF STATE' });
    expect(claim(5).correctedInsured).toMatchObject({ entityCode: '74', firstName: 'KIMBERLY' });
  });

  it('flattens CAS triplets with their group code, at claim and at line level', () => {
    expect(claim(1).adjustments).toEqual([
      { ordinal: 45, group: 'OA', reason: '23', amount: '700' },
      { ordinal: 46, group: 'CO', reason: '45', amount: '150' },
    ]);
    expect(claim(0).services[0]?.adjustments).toEqual([
      { ordinal: 33, group: 'PR', reason: '1', amount: '30', quantity: '1' },
      { ordinal: 33, group: 'PR', reason: '2', amount: '20' },
      { ordinal: 34, group: 'CO', reason: '45', amount: '30' },
    ]);
  });

  it('reads SVC composites, amounts, units, SVC06 and the line loops', () => {
    const [first, second] = claim(0).services;
    expect(first).toMatchObject({
      ordinal: 31,
      procedure: { qualifier: 'HC', code: '99213', modifiers: ['25', '59'] },
      chargeAmount: '300',
      paidAmount: '220',
      units: '1',
      serviceDate: '2024-01-01',
      references: [{ qualifier: '6R', value: 'LINE1' }],
      amounts: [{ qualifier: 'B6', amount: '270' }],
      remarks: [{ qualifier: 'HE', value: 'N130' }],
    });
    expect(second).toMatchObject({
      procedure: { qualifier: 'HC', code: '97110', modifiers: [] },
      revenueCode: '0420',
      units: '2',
      submittedProcedure: { qualifier: 'HC', code: '97112' },
      serviceFrom: '2024-01-01',
      serviceTo: '2024-01-02',
      quantities: [{ qualifier: 'ZL', quantity: '2' }],
    });
  });

  it('reads CLP02 statuses 1, 2, 3, 4 (denial) and 22 (reversal) followed by the corrected claim', () => {
    expect(remittance.claims.map((c) => [c.patientControlNumber, c.status, c.paidAmount])).toEqual([
      ['PCN-001', '1', '350'],
      ['PCN-002', '2', '150'],
      ['PCN-003', '3', '20'],
      ['PCN-004', '4', '0'],
      ['PCN-005', '22', '-300'],
      ['PCN-005', '1', '310'],
    ]);
    const [reversal, corrected] = [claim(4), claim(5)];
    expect(reversal).toMatchObject({ chargeAmount: '-400', frequencyCode: '8', adjustments: [{ group: 'PR', amount: '-100' }] });
    expect(corrected).toMatchObject({ frequencyCode: '7', references: [{ qualifier: 'F8', value: 'ICN0005' }] });
    expect(claim(3).services[0]?.remarks).toEqual([{ qualifier: 'HE', value: 'N211' }]);
  });

  it('reads PLB pairs with their composite reason codes and references', () => {
    expect(remittance.providerAdjustments.map((p) => [p.reasonCode, p.reference, p.amount])).toEqual([
      ['WO', 'ICN9999', '100'],
      ['FB', undefined, '-25'],
      ['72', 'ADV01', '50'],
      ['L6', undefined, '2.50'],
      ['CS', 'ADJ7', '10'],
    ]);
    expect(remittance.providerAdjustments[0]).toMatchObject({ providerId: '1234567893', fiscalPeriodDate: '2024-12-31' });
  });

  it('keeps money as the exact text of the file', () => {
    const amounts = remittance.claims.flatMap((c) => [c.chargeAmount, c.paidAmount]);
    expect(amounts.every((a) => typeof a === 'string')).toBe(true);
    expect(remittance.providerAdjustments[3]?.amount).toBe('2.50');
  });

  it('exposes the claims of parsed sets as postable', () => {
    expect(postableClaims(result)).toHaveLength(6);
  });
});

describe('parse835: the same content in other layouts', () => {
  // Ordinals differ between layouts (no envelope shifts them); everything else must be equal.
  const strip = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x: unknown) => (k === 'ordinal' ? undefined : x)));

  it('reads CRLF- and newline-terminated files alike', () => {
    const crlf = parse835(x12Fixture('crlf.835'));
    const lf = parse835(x12Fixture('newline-terminated.835'));
    expect(allIssues(crlf)).toEqual([]);
    expect(allIssues(lf)).toEqual([]);
    expect(strip(postableClaims(lf))).toEqual(strip(postableClaims(crlf)));
    expect(postableClaims(crlf)[0]).toMatchObject({ patientControlNumber: 'PCN-100', services: [{ procedure: { code: '99211' } }] });
  });

  it('reads a set without envelope, with a warning saying so', () => {
    const result = parse835(x12Fixture('no-envelope.835'));
    expect(result.issues).toEqual([expect.objectContaining({ severity: 'warning', code: 'NO_ENVELOPE' })]);
    expect(result.parsed[0]?.warnings).toEqual([]);
    expect(strip(postableClaims(result))).toEqual(strip(postableClaims(parse835(x12Fixture('crlf.835')))));
  });

  it('reads a 4010 file with `|` and `^`, including the 4010 CR adjustment group', () => {
    const { set, remittance } = onlySet('4010-pipe.835');
    expect(set.warnings).toEqual([]);
    expect(remittance.version).toBe('004010X091A1');
    expect(remittance.payee).toMatchObject({ idQualifier: 'FI', taxId: '123456789' });
    expect(remittance.claims[0]?.services[0]).toMatchObject({
      procedure: { qualifier: 'HC', code: '99211', modifiers: ['GT'] },
      adjustments: [{ group: 'PR', amount: '10' }, { group: 'CR', amount: '30' }],
    });
  });

  it('reads several interchanges and several sets per group', () => {
    const result = parse835(x12Fixture('multi-interchange.835'));
    expect(allIssues(result)).toEqual([]);
    expect(result.interchanges.map((i) => i.controlNumber)).toEqual(['000000104', '000000105']);
    expect(result.parsed.map((s) => [s.controlNumber, s.remittance.interchangeControlNumber, s.remittance.trace.traceNumber])).toEqual([
      ['0301', '000000104', 'CHK100200'],
      ['0302', '000000104', 'CHK100201'],
      ['0303', '000000105', 'CHK100202'],
    ]);
    expect(postableClaims(result).map((c) => c.patientControlNumber)).toEqual(['PCN-100', 'PCN-101', 'PCN-102']);
  });
});
