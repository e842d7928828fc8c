import { allIssues, parse835, postableClaims } from './x12-835-parser.js';
import type { Parse835Result } from './x12-835.types.js';
import type { X12IssueCode } from './x12-issue.js';
import { x12Fixture } from './x12-test-fixtures.js';

// crlf.835, one segment per line: 1 ISA, 2 GS, 3 ST, 4 BPR, 5 TRN, 6 N1*PR, 7 N1*PE, 8 LX, 9 CLP,
// 10 NM1, 11 SVC, 12 DTM, 13 CAS, 14 SE, 15 GE, 16 IEA.
const base = x12Fixture('crlf.835');

/** The base file with one segment replaced (or removed when `to` is empty). */
function edit(from: string, to: string): string {
  const line = `${from}~\r\n`;
  expect(base).toContain(line);
  return base.replace(line, to === '' ? '' : `${to}~\r\n`);
}

const codes = (result: Parse835Result, severity: 'error' | 'warning'): X12IssueCode[] =>
  allIssues(result).filter((i) => i.severity === severity).map((i) => i.code);

function expectRejected(result: Parse835Result): void {
  expect(result.parsed).toEqual([]);
  expect(result.rejected).toHaveLength(1);
  expect(result.rejected[0]).not.toHaveProperty('remittance');
  expect(postableClaims(result)).toEqual([]);
}

describe('parse835: malformed fixtures are errors that name segment, id and element', () => {
  it('rejects the set with a bad amount and still parses the other set of the file', () => {
    const result = parse835(x12Fixture('bad-amount.835'));
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]).toMatchObject({ status: 'rejected', controlNumber: '0401', claimsSeen: 1, firstOrdinal: 3, lastOrdinal: 14 });
    expect(result.rejected[0]?.errors).toEqual([
      {
        severity: 'error',
        code: 'BAD_AMOUNT',
        message: 'segment 9 (CLP) element CLP04: "12.3.4" is not a decimal amount',
        ordinal: 9,
        segmentId: 'CLP',
        element: 'CLP04',
      },
    ]);
    expect(result.parsed.map((s) => s.controlNumber)).toEqual(['0402']);
    expect(postableClaims(result).map((c) => c.patientControlNumber)).toEqual(['PCN-101']);
  });

  it('reports each missing CLP element', () => {
    const result = parse835(x12Fixture('missing-clp-elements.835'));
    expectRejected(result);
    expect(result.rejected[0]?.errors.map((e) => e.message)).toEqual([
      'segment 9 (CLP) element CLP02: required element is missing',
      'segment 9 (CLP) element CLP03: required element is missing',
      'segment 9 (CLP) element CLP04: required element is missing',
    ]);
    expect(codes(result, 'warning')).toEqual(['MISSING_ELEMENT', 'MISSING_ELEMENT']); // CLP06, CLP07
  });

  it('rejects a CLP before the header loops', () => {
    const result = parse835(x12Fixture('structure-errors.835'));
    expectRejected(result);
    expect(result.rejected[0]?.errors[0]?.message).toBe(
      'segment 6 (CLP): not allowed before the header (BPR, TRN, N1*PR and N1*PE must come first)',
    );
  });

  it('rejects a truncated set and warns about the missing GE and IEA', () => {
    const result = parse835(x12Fixture('truncated.835'));
    expectRejected(result);
    expect(result.rejected[0]).toMatchObject({ claimsSeen: 1, firstOrdinal: 3 });
    expect(codes(result, 'error')).toContain('SET_TRUNCATED');
    expect(result.issues.map((i) => i.code)).toEqual(['ENVELOPE_MISMATCH', 'ENVELOPE_MISMATCH']);
  });

  it('returns an empty result with an error for a file that is not X12', () => {
    const result = parse835(x12Fixture('garbage.835'));
    expect(result).toMatchObject({ sets: [], parsed: [], rejected: [], interchanges: [] });
    expect(codes(result, 'error')).toEqual(['NOT_X12']);
  });
});

describe('parse835: what is an error', () => {
  it.each<[string, string, X12IssueCode, string]>([
    ['SVC*HC:99211*100*80**1', 'SVC*HC*100*80**1', 'BAD_COMPOSITE', 'segment 11 (SVC) element SVC01: "HC" is not a procedure composite (qualifier, code, modifiers)'],
    ['SVC*HC:99211*100*80**1', 'SVC*HC-99211*100*80**1', 'BAD_COMPOSITE', ''],
    ['SVC*HC:99211*100*80**1', 'SVC*:99211*100*80**1', 'BAD_COMPOSITE', ''],
    ['SVC*HC:99211*100*80**1', 'SVC*HC:99211**80**1', 'MISSING_ELEMENT', 'segment 11 (SVC) element SVC02: required element is missing'],
    ['SVC*HC:99211*100*80**1', 'SVC*HC:99211*100*80**one', 'BAD_NUMBER', 'segment 11 (SVC) element SVC05: "one" is not a number'],
    ['CAS*PR*2*20', 'CAS*XX*2*20', 'BAD_CODE', 'segment 13 (CAS) element CAS01: "XX" is not one of CO, OA, PI, PR, CR'],
    ['CAS*PR*2*20', 'CAS*PR*2', 'MISSING_ELEMENT', 'segment 13 (CAS) element CAS03: required element is missing'],
    ['CAS*PR*2*20', 'CAS*PR*2*20**1*', 'MISSING_ELEMENT', 'segment 13 (CAS) element CAS06: required element is missing'],
    ['CAS*PR*2*20', 'CAS*PR*2*2O', 'BAD_AMOUNT', 'segment 13 (CAS) element CAS03: "2O" is not a decimal amount'],
    ['CLP*PCN-100*1*100*80*20*12*ICN0100', 'CLP*PCN-100*99*100*80*20*12*ICN0100', 'BAD_CODE', ''],
    ['CLP*PCN-100*1*100*80*20*12*ICN0100', 'CLP*PCN-100*1*1234567890123456789*80*20*12*ICN0100', 'BAD_AMOUNT', ''],
    ['CLP*PCN-100*1*100*80*20*12*ICN0100', 'CLP*PCN-100*1*1e2*80*20*12*ICN0100', 'BAD_AMOUNT', ''],
    ['BPR*I*80*C*CHK************20240116', 'BPR*I*80*X*CHK************20240116', 'BAD_CODE', ''],
    ['DTM*472*20240110', 'DTM*472*20241310', 'BAD_DATE', 'segment 12 (DTM) element DTM02: "20241310" is not a CCYYMMDD date'],
    ['TRN*1*CHK100200*1512345678', 'TRN*1', 'MISSING_ELEMENT', 'segment 5 (TRN) element TRN02: required element is missing'],
    ['DTM*472*20240110', 'ZZZ*1', 'UNKNOWN_SEGMENT', 'segment 12 (ZZZ): not a segment of the 835'],
    ['NM1*QC*1*DOE*JANE****MI*W1', 'NM1*QC*1*DOE*JANE****MI*W1~LQ*HE*N130', 'UNEXPECTED_SEGMENT', 'segment 11 (LQ): not allowed in a CLP claim, before its SVC lines'],
    ['NM1*QC*1*DOE*JANE****MI*W1', 'NM1*QC*1*DOE*JANE****MI*W1~PLB*1*20241231*WO:1*0', 'UNEXPECTED_SEGMENT', 'segment 12 (SVC): not allowed after PLB (only PLB may follow)'],
    ['NM1*QC*1*DOE*JANE****MI*W1', 'PLB*1234567893*20241231*WO:1', 'MISSING_ELEMENT', ''],
    ['N1*PE*SUNRISE CLINIC*XX*1234567893', '', 'MISSING_SEGMENT', 'segment 3 (ST): transaction set has no N1*PE payee loop'],
    ['BPR*I*80*C*CHK************20240116', '', 'MISSING_SEGMENT', 'segment 3 (ST): transaction set has no BPR payment segment'],
    ['ST*835*0100*005010X221A1', 'ST*810*0100', 'NOT_835', 'segment 3 (ST) element ST01: "810" is not an 835 transaction set'],
  ])('%s → %s is %s', (from, to, code, message) => {
    const result = parse835(edit(from, to));
    expectRejected(result);
    const errors = result.rejected[0]!.errors;
    expect(errors.map((e) => e.code)).toContain(code);
    if (message) expect(errors.map((e) => e.message)).toContain(message);
    for (const e of errors) expect(e.message).toMatch(/^segment \d+ \([A-Z0-9]+\)/);
  });

  it('reports segments between sets as a file error and keeps the sets', () => {
    const text = base.replace('GE*1*102~', 'N1*PR*STRAY~REF*EV*X~GE*1*102~');
    const result = parse835(text);
    expect(result.parsed).toHaveLength(1);
    expect(result.issues).toEqual([
      expect.objectContaining({ severity: 'error', code: 'OUTSIDE_SET', ordinal: 15, message: 'segments 15–16 (N1, REF) lie outside any ST..SE transaction set and were ignored' }),
    ]);
  });
});

describe('parse835: what is a warning (the set is still parsed)', () => {
  it.each<[string, string, X12IssueCode, string]>([
    ['SE*12*0100', 'SE*12*0999', 'SEGMENT_COUNT', 'segment 14 (SE) element SE02: "0999" differs from ST02 "0100"'],
    ['GE*1*102', 'GE*2*102', 'ENVELOPE_MISMATCH', 'segment 15 (GE) element GE01: "2" but the group has 1 transaction sets'],
    ['IEA*1*000000102', 'IEA*1*000000999', 'ENVELOPE_MISMATCH', 'segment 16 (IEA) element IEA02: "000000999" differs from ISA13 "000000102"'],
    ['BPR*I*80*C*CHK************20240116', 'BPR*I*80*C*CHK', 'MISSING_ELEMENT', 'segment 4 (BPR) element BPR16: required date is missing'],
    ['BPR*I*80*C*CHK************20240116', 'BPR*I*80*C*WIRE************20240116', 'UNKNOWN_CODE', ''],
    ['TRN*1*CHK100200*1512345678', 'TRN*1*CHK100200', 'MISSING_ELEMENT', 'segment 5 (TRN) element TRN03: payer identifier is missing'],
    ['LX*1', '', 'UNEXPECTED_SEGMENT', 'segment 8 (CLP): claim is not inside an LX header loop'],
    ['NM1*QC*1*DOE*JANE****MI*W1', '', 'MISSING_SEGMENT', 'segment 9 (CLP): claim has no NM1*QC patient'],
    ['SVC*HC:99211*100*80**1', 'SVC*HC>99211*100*80**1', 'COMPONENT_SEPARATOR', 'segment 11 (SVC) element SVC01: "HC>99211" uses ">" between components although the declared separator is ":"'],
  ])('%s → %s is a %s warning', (from, to, code, message) => {
    const result = parse835(edit(from, to));
    expect(result.rejected).toEqual([]);
    expect(result.parsed).toHaveLength(1);
    const warnings = allIssues(result);
    expect(warnings.every((w) => w.severity === 'warning')).toBe(true);
    expect(warnings.map((w) => w.code)).toContain(code);
    if (message) expect(warnings.map((w) => w.message)).toContain(message);
  });

  it('reports the unbalanced fixture with one warning per failed check', () => {
    const result = parse835(x12Fixture('unbalanced.835'));
    expect(result.parsed).toHaveLength(1);
    expect(result.parsed[0]?.warnings.map((w) => w.code)).toEqual([
      'SEGMENT_COUNT',
      'PAYMENT_UNBALANCED',
      'CLAIM_UNBALANCED',
      'SERVICE_UNBALANCED',
    ]);
    expect(result.parsed[0]?.warnings[2]?.message).toBe(
      'segment 9 (CLP): claim PCN-100: CLP03 − CLP04 = 20.00 but claim and service CAS adjustments add up to 15.00 (difference 5.00)',
    );
    expect(postableClaims(result)).toHaveLength(1);
  });

  it('warns about an unknown PLB reason code but keeps the amount', () => {
    const text = edit('SE*12*0100', 'PLB*1234567893*20241231*ZZ:REF*0~SE*13*0100');
    const result = parse835(text);
    expect(result.parsed[0]?.remittance.providerAdjustments).toEqual([
      { ordinal: 14, providerId: '1234567893', fiscalPeriodDate: '2024-12-31', reasonCode: 'ZZ', reference: 'REF', amount: '0' },
    ]);
    expect(codes(result, 'warning')).toEqual(['UNKNOWN_CODE']);
  });
});
