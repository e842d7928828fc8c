import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { Role } from '../src/domain/context/role.js';
import { entry, POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';

let app: TestApp;
let admin: string;

beforeAll(async () => {
  app = await TestApp.start({ workers: false });
  admin = await app.token('clinic-a', [Role.ADMIN]);
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'MCR-J15', name: 'Medicare J15', kind: 'MEDICARE' } });
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'BCBS', name: 'Blue Cross', kind: 'COMMERCIAL' } });
});
afterAll(() => app.stop());

const entryCount = async () => Number((await app.ownerQuery('select count(*) as n from ledger_entry'))[0].n);
const balanceQuery = `query($n: String!) { account(accountNumber: $n) { accountNumber patientId guarantorId balance } }`;

describe('upsertPayer', () => {
  it('defaults the refund deadline by payer kind and keeps it on update', async () => {
    const { upsertPayer: created } = await app.ok(admin, UPSERT_PAYER, { input: { code: 'AETNA', name: 'Aetna', kind: 'COMMERCIAL' } });
    expect(created.refundDeadlineDays).toBe(45);
    const { upsertPayer: custom } = await app.ok(admin, UPSERT_PAYER, {
      input: { code: 'AETNA', name: 'Aetna Inc', kind: 'COMMERCIAL', refundDeadlineDays: 30 },
    });
    expect(custom).toMatchObject({ id: created.id, name: 'Aetna Inc', refundDeadlineDays: 30 });
    const { upsertPayer: renamed } = await app.ok(admin, UPSERT_PAYER, { input: { code: 'AETNA', name: 'Aetna', kind: 'COMMERCIAL' } });
    expect(renamed.refundDeadlineDays).toBe(30);
  });

  it('rejects a bad code with BAD_USER_INPUT naming the field', async () => {
    const res = await app.gql(admin, UPSERT_PAYER, { input: { code: ' bad code ', name: 'x', kind: 'OTHER' } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.code' });
  });
});

describe('postLedgerEntries', () => {
  it('posts a batch, creates the account on first use and derives its balance', async () => {
    const { postLedgerEntries } = await app.ok(admin, POST_ENTRIES, {
      entries: [
        entry({ externalId: 'i-c1', accountNumber: 'ING-1', patientId: 'P-9', guarantorId: 'G-9', amount: '150.00', postedAt: '2026-09-01T10:00:00Z', serviceDate: '2026-08-30' }),
        entry({ externalId: 'i-p1', accountNumber: 'ING-1', patientId: 'P-9', kind: 'PAYMENT', payerCode: 'BCBS', amount: '-99.99', postedAt: '2026-09-10T10:00:00Z', claimNumber: 'CLM-77', reasonCode: '45' }),
      ],
    });
    expect(postLedgerEntries).toEqual({ posted: 2, skippedDuplicates: 0 });
    const { account } = await app.ok(admin, balanceQuery, { n: 'ING-1' });
    expect(account).toEqual({ accountNumber: 'ING-1', patientId: 'P-9', guarantorId: 'G-9', balance: '50.01' });
  });

  it('skips a replay with the same content and counts it', async () => {
    const batch = [entry({ externalId: 'i-dup', accountNumber: 'ING-2', amount: '10.00', postedAt: '2026-09-01T10:00:00Z' })];
    await app.ok(admin, POST_ENTRIES, { entries: batch });
    const before = await entryCount();
    const { postLedgerEntries } = await app.ok(admin, POST_ENTRIES, { entries: [...batch, ...batch] });
    expect(postLedgerEntries).toEqual({ posted: 0, skippedDuplicates: 2 });
    expect(await entryCount()).toBe(before);
  });

  it('rejects the whole batch with CONFLICT when an externalId comes back with other content', async () => {
    await app.ok(admin, POST_ENTRIES, { entries: [entry({ externalId: 'i-x', accountNumber: 'ING-3', amount: '10.00', postedAt: '2026-09-01T10:00:00Z' })] });
    const before = await entryCount();
    const res = await app.gql(admin, POST_ENTRIES, {
      entries: [
        entry({ externalId: 'i-new', accountNumber: 'ING-3', amount: '5.00', postedAt: '2026-09-02T10:00:00Z' }),
        entry({ externalId: 'i-x', accountNumber: 'ING-3', amount: '11.00', postedAt: '2026-09-01T10:00:00Z' }),
      ],
    });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'entries[1].externalId' });
    expect(await entryCount()).toBe(before);
  });

  it('rejects two different entries with one externalId inside a batch', async () => {
    const res = await app.gql(admin, POST_ENTRIES, {
      entries: [
        entry({ externalId: 'i-twice', amount: '1.00', postedAt: '2026-09-01T10:00:00Z' }),
        entry({ externalId: 'i-twice', amount: '2.00', postedAt: '2026-09-01T10:00:00Z' }),
      ],
    });
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(res.errors?.[0]?.message).toContain('entries 0 and 1');
  });

  it.each([
    ['an unknown payer code', { payerCode: 'NOPE' }, 'entries[1].payerCode'],
    ['a posting date more than a day ahead', { postedAt: new Date(Date.now() + 3 * 86_400_000).toISOString() }, 'entries[1].postedAt'],
    ['an empty account number', { accountNumber: '  ' }, 'entries[1].accountNumber'],
  ])('rejects %s with BAD_USER_INPUT naming index and field, writing nothing', async (_label, override, field) => {
    const before = await entryCount();
    const accountsBefore = (await app.ownerQuery('select count(*) as n from account'))[0].n;
    const res = await app.gql(admin, POST_ENTRIES, {
      entries: [
        entry({ externalId: 'bad-0', accountNumber: 'BAD-NEW-ACCOUNT', amount: '5.00', postedAt: '2026-09-01T10:00:00Z' }),
        entry({ externalId: 'bad-1', amount: '5.00', postedAt: '2026-09-01T10:00:00Z', ...override }),
      ],
    });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(res.data).toBeNull();
    expect(await entryCount()).toBe(before);
    expect((await app.ownerQuery('select count(*) as n from account'))[0].n).toBe(accountsBefore);
  });

  it.each(['12.345', 'abc', '1e5', 'NaN', 'Infinity', '1234567890123.00'])('rejects the amount %p as BAD_USER_INPUT', async (amount) => {
    const res = await app.gql(admin, POST_ENTRIES, {
      entries: [entry({ externalId: 'ok', amount: '1.00', postedAt: '2026-09-01T10:00:00Z' }), entry({ externalId: 'bad', amount, postedAt: '2026-09-01T10:00:00Z' })],
    });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'entries[1].amount' });
  });

  it('rejects a postedAt that is not a date, naming the field', async () => {
    const res = await app.gql(admin, POST_ENTRIES, { entries: [entry({ externalId: 'd', amount: '1.00', postedAt: 'yesterday' })] });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'entries[0].postedAt' });
  });

  it('rejects more than 5,000 entries in one call', async () => {
    const entries = Array.from({ length: 5001 }, (_, i) => entry({ externalId: `big-${i}`, amount: '1.00', postedAt: '2026-09-01T10:00:00Z' }));
    const res = await app.gql(admin, POST_ENTRIES, { entries });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'entries' });
  });

  it("refuses an entry naming an account that belongs to another patient", async () => {
    await app.ok(admin, POST_ENTRIES, { entries: [entry({ externalId: 'own-1', accountNumber: 'ING-OWN', patientId: 'P-1', amount: '1.00', postedAt: '2026-09-01T10:00:00Z' })] });
    const res = await app.gql(admin, POST_ENTRIES, { entries: [entry({ externalId: 'own-2', accountNumber: 'ING-OWN', patientId: 'P-2', amount: '1.00', postedAt: '2026-09-01T10:00:00Z' })] });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'entries[0].patientId' });
  });

  it('requires a token, and a role that may post', async () => {
    const batch = { entries: [entry({ externalId: 'auth-1', amount: '1.00', postedAt: '2026-09-01T10:00:00Z' })] };
    expect((await app.gql(null, POST_ENTRIES, batch)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await app.gql('not-a-jwt', POST_ENTRIES, batch)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const bi = await app.token('clinic-a', [Role.BI]);
    expect((await app.gql(bi, POST_ENTRIES, batch)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('keeps every account balance equal to the exact sum of its entries (property)', async () => {
    let batchNo = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ account: fc.integer({ min: 0, max: 4 }), cents: fc.integer({ min: -5_000_000, max: 5_000_000 }) }), { minLength: 1, maxLength: 30 }),
        async (rows) => {
          batchNo += 1;
          const entries = rows.map((r, i) =>
            entry({
              externalId: `prop-${batchNo}-${i}`,
              accountNumber: `PROP-${r.account}`,
              amount: new Decimal(r.cents).div(100).toFixed(2),
              postedAt: '2026-09-01T10:00:00Z',
            }),
          );
          await app.ok(admin, POST_ENTRIES, { entries });
          const mismatches = await app.ownerQuery(`
            select b.account_id from account_balance b
              join (select account_id, sum(amount) as s from ledger_entry group by account_id) e using (account_id)
             where b.balance <> e.s`);
          expect(mismatches).toEqual([]);
        },
      ),
      { numRuns: 15 },
    );
  });
});
