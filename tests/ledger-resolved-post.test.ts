import { Role } from '../src/domain/context/role.js';
import { EntryKind } from '../src/domain/ledger/entry-kind.js';
import { contentHash } from '../src/domain/ledger/ledger-entry-validation.js';
import { postResolvedEntries, type ResolvedEntry } from '../src/domain/ledger/ledger-resolved-post.js';
import { UnitOfWork } from '../src/infra/db/unit-of-work.js';
import { entry, POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';

/**
 * postResolvedEntries (the ERA import's posting path): a chunk whose external-id range is free goes
 * in with a plain INSERT; any other chunk, or one whose plain INSERT meets a unique violation, takes
 * the ON CONFLICT path. Both must give the staging path's idempotency: replays skipped, a reused id
 * with other content refused with the entry named.
 */
const TENANT = 'clinic-resolved';
let app: TestApp;
let accountId: string;
let payerId: string;

function resolved(externalId: string, amount: string, reasonCode: string | null = null): ResolvedEntry {
  const body = {
    externalId, accountNumber: 'R-1', patientId: 'P-R-1', guarantorId: 'P-R-1', guarantorGiven: false, payerCode: 'RPAY',
    kind: EntryKind.PAYMENT, amount, postedAt: '2026-03-01T00:00:00.000Z', serviceDate: null, claimNumber: 'CLM-1', reference: 'TRC', reasonCode,
  };
  return { ...body, contentHash: contentHash(body), accountId, payerId };
}

const post = (entries: ResolvedEntry[]) =>
  UnitOfWork.run(app.runtime.orm, TENANT, (uow) => postResolvedEntries(uow, TENANT, entries, (line) => `entry ${line}`));

const posted = async (prefix: string) =>
  (await app.ownerQuery(`select external_id, amount::text as amount from ledger_entry where tenant_id = $1 and external_id like $2 order by id`, [TENANT, `${prefix}%`]))
    .map((r) => [r.external_id, r.amount]);

beforeAll(async () => {
  app = await TestApp.start({ workers: false });
  const admin = await app.token(TENANT, [Role.ADMIN]);
  await app.ok(admin, UPSERT_PAYER, { input: { code: 'RPAY', name: 'Resolved payer', kind: 'COMMERCIAL' } });
  await app.ok(admin, POST_ENTRIES, { entries: [entry({ externalId: 'chg-r1', accountNumber: 'R-1', patientId: 'P-R-1', amount: '500.00', postedAt: '2026-02-01T00:00:00Z' })] });
  [accountId, payerId] = [
    (await app.ownerQuery(`select id from account where tenant_id = $1 and account_number = 'R-1'`, [TENANT]))[0]!.id,
    (await app.ownerQuery(`select id from payer where tenant_id = $1 and code = 'RPAY'`, [TENANT]))[0]!.id,
  ];
});
afterAll(() => app.stop());

describe('postResolvedEntries', () => {
  it('posts new entries, then skips them as replays, alone or beside new ones', async () => {
    expect(await post([resolved('era:t1:a', '-10.00'), resolved('era:t1:b', '-20.00')])).toEqual({ posted: 2, skippedDuplicates: 0 });
    expect(await post([resolved('era:t1:a', '-10.00'), resolved('era:t1:b', '-20.00')])).toEqual({ posted: 0, skippedDuplicates: 2 });
    // The new id lies between the two posted ones: the range is taken, the ON CONFLICT path posts it alone.
    expect(await post([resolved('era:t1:a', '-10.00'), resolved('era:t1:aa', '-5.00'), resolved('era:t1:b', '-20.00')])).toEqual({ posted: 1, skippedDuplicates: 2 });
    expect(await posted('era:t1:')).toEqual([['era:t1:a', '-10.00'], ['era:t1:b', '-20.00'], ['era:t1:aa', '-5.00']]);
    const [balance] = await app.ownerQuery(`select balance::text as balance, entry_count from account_balance where account_id = $1`, [accountId]);
    expect(balance).toEqual({ balance: '465.00', entry_count: 4 });
  });

  it('refuses an id posted earlier with other content, naming the entry, and posts nothing of the call', async () => {
    await expect(post([resolved('era:t2:new', '-1.00'), resolved('era:t1:b', '-21.00')])).rejects.toThrow(
      'entry 1.externalId: "era:t1:b" was already posted with different content',
    );
    expect(await posted('era:t2:')).toEqual([]);
  });

  it('takes an id given twice in one call once when the content is the same, and refuses it when it differs', async () => {
    // The plain INSERT meets a unique violation inside its own chunk: the savepoint sends the chunk the ON CONFLICT way.
    expect(await post([resolved('era:t3:x', '-3.00'), resolved('era:t3:y', '-4.00'), resolved('era:t3:x', '-3.00')])).toEqual({ posted: 2, skippedDuplicates: 1 });
    expect(await posted('era:t3:')).toEqual([['era:t3:x', '-3.00'], ['era:t3:y', '-4.00']]);
    await expect(post([resolved('era:t4:x', '-3.00'), resolved('era:t4:x', '-3.50')])).rejects.toThrow('entry 1.externalId: "era:t4:x" was already posted with different content');
    expect(await posted('era:t4:')).toEqual([]);
  });
});
