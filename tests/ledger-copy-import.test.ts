import { Readable } from 'node:stream';
import { Role } from '../src/domain/context/role.js';
import { importLedgerRecords } from '../src/domain/ledger/ledger-copy-import.js';
import { ledgerCsvRecords } from '../src/domain/ledger/ledger-csv.js';
import { entry, POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';

let app: TestApp;
let admin: string;
const HEADER = 'external_id,account_number,patient_id,guarantor_id,payer_code,kind,amount,posted_at,service_date,claim_number,reference,reason_code';

const importCsv = (lines: string[], batchRows = 2) =>
  importLedgerRecords(app.config.appDatabaseUrl, 'clinic-c', ledgerCsvRecords(Readable.from([[HEADER, ...lines].join('\n')])), { batchRows });
const count = async () => Number((await app.ownerQuery('select count(*) as n from ledger_entry')).at(0).n);

beforeAll(async () => {
  app = await TestApp.start({ workers: false });
  admin = await app.token('clinic-c', [Role.ADMIN]);
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'BCBS', name: 'Blue Cross', kind: 'COMMERCIAL' } });
});
afterAll(() => app.stop());

const good = [
  'csv-1,CSV-A,P1,G1,,CHARGE,200.00,2026-09-01T10:00:00Z,2026-08-31,,,',
  'csv-2,CSV-A,P1,G1,BCBS,PAYMENT,-150.00,2026-09-05T10:00:00Z,2026-08-31,CLM-1,EFT-9,45',
  'csv-3,CSV-A,P1,,BCBS,PAYMENT,-150.00,2026-09-06T10:00:00Z,,CLM-1,"EFT,10",18',
  'csv-4,CSV-B,P2,,,CHARGE,5,2026-09-01T10:00:00+02:00,,,,',
];

it('posts a CSV through COPY in batches, then skips every row on a rerun', async () => {
  expect(await importCsv(good)).toEqual({ rows: 4, posted: 4, skippedDuplicates: 0, batches: 2 });
  const { account } = await app.ok(admin, '{ account(accountNumber: "CSV-A") { balance guarantorId } }');
  expect(account).toEqual({ balance: '-100.00', guarantorId: 'G1' });
  expect(await importCsv(good, 3)).toEqual({ rows: 4, posted: 0, skippedDuplicates: 4, batches: 2 });
  expect(await count()).toBe(4);
});

it('shares idempotency with postLedgerEntries: the same entry is one entry, whichever path posted it', async () => {
  await app.ok(admin, POST_ENTRIES, {
    entries: [entry({ externalId: 'both-1', accountNumber: 'CSV-C', patientId: 'P3', amount: '12.50', postedAt: '2026-09-01T10:00:00Z' })],
  });
  expect(await importCsv(['both-1,CSV-C,P3,,,CHARGE,12.50,2026-09-01T10:00:00.000Z,,,,'])).toMatchObject({ posted: 0, skippedDuplicates: 1 });
  await expect(importCsv(['both-1,CSV-C,P3,,,CHARGE,12.51,2026-09-01T10:00:00Z,,,,'])).rejects.toMatchObject({
    code: 'CONFLICT',
    details: { field: 'line 2.externalId', externalId: 'both-1' },
  });
});

it.each([
  ['an amount with three decimals', 'bad-1,CSV-D,P4,,,CHARGE,1.234,2026-09-01T10:00:00Z,,,,', 'line 3.amount'],
  ['a date-time without offset', 'bad-1,CSV-D,P4,,,CHARGE,1.00,2026-09-01T10:00:00,,,,', 'line 3.postedAt'],
  ['an impossible date', 'bad-1,CSV-D,P4,,,CHARGE,1.00,2026-02-30T10:00:00Z,,,,', 'line 3.postedAt'],
  ['an unknown kind', 'bad-1,CSV-D,P4,,,CREDIT,1.00,2026-09-01T10:00:00Z,,,,', 'line 3.kind'],
  ['an unknown payer', 'bad-1,CSV-D,P4,,NOPE,PAYMENT,-1.00,2026-09-01T10:00:00Z,,,,', 'line 3.payerCode'],
])('rejects %s naming the line and field, posting nothing of the batch', async (_label, line, field) => {
  const before = await count();
  await expect(importCsv(['ok-1,CSV-D,P4,,,CHARGE,1.00,2026-09-01T10:00:00Z,,,,', line])).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field } });
  expect(await count()).toBe(before);
});

it('rejects a file whose header is not the ledger layout', async () => {
  const records = ledgerCsvRecords(Readable.from(['id,amount\n1,2\n']));
  await expect(importLedgerRecords(app.config.appDatabaseUrl, 'clinic-c', records)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
});

describe('optional detail columns', () => {
  const DETAILS = `${HEADER},icn,location,patient_name,type_of_bill,admission_date,discharge_date,payer_member_id`;
  const importDetails = (lines: string[], batchRows = 2) =>
    importLedgerRecords(app.config.appDatabaseUrl, 'clinic-c', ledgerCsvRecords(Readable.from([[DETAILS, ...lines].join('\n')])), { batchRows });

  it('sets account and claim details from the columns a file adds, keeping what an empty cell leaves out', async () => {
    await importDetails([
      'det-1,CSV-E,P5,,BCBS,CHARGE,300.00,2026-09-01T10:00:00Z,2026-08-30,CLM-E,,,,NORTH,"Eve, Ada",111,2026-08-28,2026-08-30,1EG4TE5MK73',
      'det-2,CSV-E,P5,,BCBS,PAYMENT,-200.00,2026-09-10T10:00:00Z,,CLM-E,,,2126245000017,,,,,,',
      'det-3,CSV-F,P6,,,CHARGE,10.00,2026-09-01T10:00:00Z,,,,,,EAST,,,,,',
    ]);
    const { account } = await app.ok(admin, '{ account(accountNumber: "CSV-E") { location patientName payerMemberId claims { claimNumber typeOfBill admissionDate dischargeDate icn } } }');
    expect(account).toEqual({
      location: 'NORTH', patientName: 'Eve, Ada', payerMemberId: '1EG4TE5MK73',
      claims: [{ claimNumber: 'CLM-E', typeOfBill: '111', admissionDate: '2026-08-28', dischargeDate: '2026-08-30', icn: '2126245000017' }],
    });
    expect((await app.ok(admin, '{ account(accountNumber: "CSV-F") { location claims { icn } } }')).account).toEqual({ location: 'EAST', claims: [] });
  });

  it('names the line and column of a bad detail and posts nothing of the batch; refuses unknown columns', async () => {
    const before = await count();
    await expect(importDetails(['det-9,CSV-G,P7,,,CHARGE,1.00,2026-09-01T10:00:00Z,,CLM-G,,,,,,11,,,'])).rejects.toMatchObject({
      code: 'BAD_USER_INPUT', details: { field: 'line 2.type_of_bill' },
    });
    await expect(importDetails(['det-9,CSV-G,P7,,,CHARGE,1.00,2026-09-01T10:00:00Z,,CLM-E,,,,,,131,,,'])).rejects.toMatchObject({
      code: 'CONFLICT', details: { field: 'line 2.claim_number' },
    });
    expect(await count()).toBe(before);
    const records = ledgerCsvRecords(Readable.from([`${HEADER},ssn\n`]));
    await expect(importLedgerRecords(app.config.appDatabaseUrl, 'clinic-c', records)).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'line 1' } });
  });
});
