import { CSV_COLUMNS, CSV_HEADER, csvField, toCsvLine, type LedgerRow } from './ledger-row.js';

const row: LedgerRow = {
  externalId: 'A00000001-01',
  accountNumber: 'A00000001',
  patientId: 'P0000001',
  guarantorId: 'G0000001',
  payerCode: 'MCR-J15',
  kind: 'CHARGE',
  amount: '145.00',
  postedAt: '2026-03-04T14:22:31Z',
  serviceDate: '2026-03-02',
  claimNumber: 'CLM00000001',
  reference: 'CPT 99213',
  reasonCode: '',
};

describe('CSV', () => {
  it('has the header the COPY importer reads', () => {
    expect(CSV_HEADER).toBe(
      'external_id,account_number,patient_id,guarantor_id,payer_code,kind,amount,posted_at,service_date,claim_number,reference,reason_code',
    );
    expect(CSV_COLUMNS).toHaveLength(12);
  });

  it('writes a plain row unquoted, in column order', () => {
    expect(toCsvLine(row)).toBe(
      'A00000001-01,A00000001,P0000001,G0000001,MCR-J15,CHARGE,145.00,2026-03-04T14:22:31Z,2026-03-02,CLM00000001,CPT 99213,',
    );
  });

  it('quotes fields with commas, quotes or line breaks (RFC 4180)', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField('')).toBe('');
    expect(toCsvLine({ ...row, reference: 'CHK 12, "void"' })).toContain(',"CHK 12, ""void""",');
  });
});
