import pg from 'pg';
import { Role } from '../src/domain/context/role.js';
import { entry, POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';

/** What the database itself guarantees, whatever the application code does. */
let app: TestApp;

beforeAll(async () => {
  app = await TestApp.start({ workers: false });
  const admin = await app.token('clinic-g', [Role.ADMIN]);
  await app.ok(admin, POST_ENTRIES, { entries: [entry({ externalId: 'g-1', amount: '10.00', postedAt: '2026-09-01T10:00:00Z' })] });
});
afterAll(() => app.stop());

async function asApp<T>(fn: (client: pg.Client) => Promise<T>, tenant?: string): Promise<T> {
  const client = new pg.Client({ connectionString: app.config.appDatabaseUrl });
  await client.connect();
  try {
    await client.query('begin');
    if (tenant) await client.query(`select set_config('app.tenant_id', $1, true)`, [tenant]);
    return await fn(client);
  } finally {
    await client.query('rollback').catch(() => undefined);
    await client.end();
  }
}

it('connects as a role that is not a superuser, cannot bypass RLS and owns no table', async () => {
  const [role] = await app.ownerQuery(`select rolsuper, rolbypassrls from pg_roles where rolname = $1`, ['credit_app']);
  expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
  const owned = await app.ownerQuery(`select tablename from pg_tables where schemaname = 'public' and tableowner = 'credit_app'`);
  expect(owned).toEqual([]);
  const forced = await app.ownerQuery(`select relname from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r'
    and relname <> 'mikro_orm_migrations' and not (relrowsecurity and relforcerowsecurity)`);
  expect(forced).toEqual([]);
});

it('shows no row without a tenant setting, and only its own rows with one', async () => {
  expect((await asApp((c) => c.query('select count(*)::int as n from ledger_entry'))).rows[0].n).toBe(0);
  expect((await asApp((c) => c.query('select count(*)::int as n from ledger_entry'), 'clinic-g')).rows[0].n).toBe(1);
  expect((await asApp((c) => c.query('select count(*)::int as n from ledger_entry'), 'clinic-h')).rows[0].n).toBe(0);
});

it("refuses to write a row into another tenant", async () => {
  await expect(asApp((c) => c.query(`insert into tenant (id, name) values ('clinic-z', 'z')`), 'clinic-g')).rejects.toThrow(/row-level security/);
});

it('keeps the ledger append-only: the app role may not update or delete entries', async () => {
  await expect(asApp((c) => c.query('update ledger_entry set amount = 0'), 'clinic-g')).rejects.toThrow(/permission denied/);
  await expect(asApp((c) => c.query('delete from ledger_entry'), 'clinic-g')).rejects.toThrow(/permission denied/);
  await expect(app.ownerQuery('update ledger_entry set amount = 0')).rejects.toThrow(/append-only/);
});

it('leaks nothing from tenant A to tenant B through the same pooled connection', async () => {
  const { createOrm } = await import('../src/infra/db/orm.js');
  const { UnitOfWork } = await import('../src/infra/db/unit-of-work.js');
  const { sql } = await import('kysely');
  const orm = await createOrm({ url: app.config.appDatabaseUrl, poolMax: 1 });
  try {
    const count = (tenant: string) =>
      UnitOfWork.run(orm, tenant, async (uow) => {
        const [row] = await uow.rows<{ n: number; setting: string | null; pid: number }>(
          sql`select count(*)::int as n, current_setting('app.tenant_id', true) as setting, pg_backend_pid() as pid from ledger_entry`,
        );
        return row!;
      });
    const a = await count('clinic-g');
    const b = await count('clinic-h');
    const a2 = await count('clinic-g');
    expect(a.pid).toBe(b.pid); // one connection served both
    expect([a.n, a.setting]).toEqual([1, 'clinic-g']);
    expect([b.n, b.setting]).toEqual([0, 'clinic-h']);
    expect(a2.n).toBe(1);
    // Outside any unit of work the same connection carries no tenant at all.
    const bare = await sql<{ setting: string | null; n: number }>`select current_setting('app.tenant_id', true) as setting, (select count(*)::int from ledger_entry) as n`.execute(orm.em.fork().getKysely());
    expect(bare.rows[0]).toMatchObject({ n: 0 });
    expect(bare.rows[0]!.setting ?? '').toBe('');
  } finally {
    await orm.close(true);
  }
});

it('records who read patient identifiers in the audit trail', async () => {
  const analyst = await app.token('clinic-g', [Role.ANALYST], 'reader');
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${analyst}`, 'x-request-id': 'phi-read-1' },
    body: JSON.stringify({ query: '{ account(accountNumber: "A-1") { id patientId } }' }),
  });
  const body = (await res.json()) as { data: { account: { id: string } } };
  const events = await app.ownerQuery(`select actor, action, subject_id, after from audit_event where action = 'phi.read'`);
  expect(events).toEqual([{ actor: 'reader', action: 'phi.read', subject_id: 'phi-read-1', after: { accounts: [body.data.account.id], fields: ['patientId'] } }]);
  // Reading balances only is not a PHI read.
  await app.ok(analyst, '{ account(accountNumber: "A-1") { balance } }');
  expect(await app.ownerQuery(`select count(*)::int as n from audit_event where action = 'phi.read'`)).toEqual([{ n: 1 }]);
});

describe('references checked once per statement (no per-row foreign keys on the ledger and the audit trail)', () => {
  const ownerInsertEntry = (tenant: string, accountId: string, payerId: string | null, externalId: string) =>
    app.ownerQuery(
      `insert into ledger_entry (tenant_id, account_id, external_id, kind, amount, posted_at, payer_id, content_hash)
       values ($1, $2, $3, 'PAYMENT', -5, now(), $4, 'x')`,
      [tenant, accountId, externalId, payerId],
    );
  let accountG: string;

  beforeAll(async () => {
    const admin = await app.token('clinic-k', [Role.ADMIN]);
    await app.ok(admin, POST_ENTRIES, { entries: [entry({ externalId: 'k-1', accountNumber: 'K-1', amount: '20.00', postedAt: '2026-09-01T10:00:00Z' })] });
    accountG = (await app.ownerQuery<{ id: string }>(`select id from account where tenant_id = 'clinic-g' and account_number = 'A-1'`))[0]!.id;
  });

  const balanceOf = async (accountId: string) => (await app.ownerQuery(`select balance::text, entry_count from account_balance where account_id = $1`, [accountId]))[0];

  it("refuses an entry on another tenant's account, even for a role that bypasses row-level security, and writes nothing", async () => {
    const before = await balanceOf(accountG);
    await expect(ownerInsertEntry('clinic-k', accountG, null, 'cross-1')).rejects.toMatchObject({ code: '23503', constraint: 'ledger_entry_account_fk' });
    // As the app role under clinic-k's setting, the foreign row is not even visible to the upsert.
    await expect(asApp((c) => c.query(
      `insert into ledger_entry (tenant_id, account_id, external_id, kind, amount, posted_at, content_hash) values ('clinic-k', $1, 'cross-2', 'PAYMENT', -5, now(), 'x')`,
      [accountG]), 'clinic-k')).rejects.toThrow(/row-level security|foreign key/);
    expect(await balanceOf(accountG)).toEqual(before);
    expect(await app.ownerQuery(`select count(*)::int as n from ledger_entry where external_id like 'cross-%'`)).toEqual([{ n: 0 }]);
  });

  it('refuses an entry on an account that does not exist', async () => {
    await expect(ownerInsertEntry('clinic-g', '00000000-0000-4000-8000-000000000000', null, 'ghost-1')).rejects.toMatchObject({ code: '23503', constraint: 'account_balance_account_fk' });
  });

  it("refuses an entry naming an unknown payer or another tenant's payer", async () => {
    const admin = await app.token('clinic-k', [Role.ADMIN]);
    const { upsertPayer } = await app.ok<{ upsertPayer: { id: string } }>(admin, UPSERT_PAYER, { input: { code: 'KP', name: 'K Payer', kind: 'COMMERCIAL' } });
    await expect(ownerInsertEntry('clinic-g', accountG, upsertPayer.id, 'payer-1')).rejects.toMatchObject({ code: '23503', constraint: 'ledger_entry_payer_fk' });
    await expect(ownerInsertEntry('clinic-g', accountG, '00000000-0000-4000-8000-000000000001', 'payer-2')).rejects.toMatchObject({ code: '23503', constraint: 'ledger_entry_payer_fk' });
  });

  it('refuses an audit event for a tenant that does not exist', async () => {
    await expect(app.ownerQuery(
      `insert into audit_event (tenant_id, seq, at, actor, action, subject_type, subject_id, before, after, prev_hash, hash)
       values ('no-such-tenant', 1, now(), 'x', 'x', 'x', 'x', null, null, 'x', 'x')`,
    )).rejects.toMatchObject({ code: '23503', constraint: 'audit_event_tenant_id_fkey' });
  });

  it("refuses a credit on a missing or another tenant's account or refund payer, and moving a credit to another account", async () => {
    const insertCredit = (tenant: string, accountId: string, payerId: string | null) =>
      app.ownerQuery(
        `insert into credit (tenant_id, account_id, amount, original_amount, status, root_cause, refund_payer_id, complexity, originated_at, identified_at, sla_due_at)
         values ($1, $2, 5, 5, 'OPEN', 'UNDETERMINED', $3, 'LOW', now(), now(), now())`,
        [tenant, accountId, payerId],
      );
    await expect(insertCredit('clinic-k', accountG, null)).rejects.toMatchObject({ code: '23503', constraint: 'credit_account_fk' });
    await expect(insertCredit('clinic-g', '00000000-0000-4000-8000-000000000000', null)).rejects.toMatchObject({ code: '23503', constraint: 'credit_account_fk' });
    const payerK = (await app.ownerQuery<{ id: string }>(`select id from payer where tenant_id = 'clinic-k' limit 1`))[0]!.id;
    await expect(insertCredit('clinic-g', accountG, payerK)).rejects.toMatchObject({ code: '23503', constraint: 'credit_refund_payer_fk' });
    await insertCredit('clinic-g', accountG, null);
    await expect(app.ownerQuery(`update credit set refund_payer_id = $1 where tenant_id = 'clinic-g'`, [payerK])).rejects.toMatchObject({ code: '23503', constraint: 'credit_refund_payer_fk' });
    const accountK = (await app.ownerQuery<{ id: string }>(`select id from account where tenant_id = 'clinic-k'`))[0]!.id;
    await expect(app.ownerQuery(`update credit set account_id = $1 where tenant_id = 'clinic-g'`, [accountK])).rejects.toThrow(/stays on its account/);
    // Worklists: unknown or another tenant's is refused; one still named by a credit cannot be deleted.
    const worklist = async (tenant: string, name: string) =>
      (await app.ownerQuery<{ id: string }>(`insert into worklist (tenant_id, name, priority) values ($1, $2, 50) returning id`, [tenant, name]))[0]!.id;
    const worklistK = await worklist('clinic-k', 'K queue');
    const worklistG = await worklist('clinic-g', 'G queue');
    await expect(app.ownerQuery(`update credit set worklist_id = $1 where tenant_id = 'clinic-g'`, [worklistK])).rejects.toMatchObject({ code: '23503', constraint: 'credit_worklist_fk' });
    await expect(app.ownerQuery(`update credit set worklist_id = gen_random_uuid() where tenant_id = 'clinic-g'`)).rejects.toMatchObject({ code: '23503', constraint: 'credit_worklist_fk' });
    await app.ownerQuery(`update credit set worklist_id = $1 where tenant_id = 'clinic-g'`, [worklistG]);
    await expect(app.ownerQuery(`delete from worklist where id = $1`, [worklistG])).rejects.toMatchObject({ code: '23503', constraint: 'credit_worklist_fk' });
    await app.ownerQuery(`delete from credit where tenant_id = 'clinic-g'`);
    await app.ownerQuery(`delete from worklist where id = any($1::uuid[])`, [[worklistG, worklistK]]);
  });

  it('keeps accounts, payers and tenants: deleting or re-keying one is refused, even for the owner', async () => {
    await expect(app.ownerQuery(`delete from account where tenant_id = 'clinic-k'`)).rejects.toThrow(/account rows are kept/);
    await expect(app.ownerQuery(`update account set id = gen_random_uuid() where tenant_id = 'clinic-k'`)).rejects.toThrow(/account rows are kept/);
    await expect(app.ownerQuery(`delete from payer where tenant_id = 'clinic-k'`)).rejects.toThrow(/payer rows are kept/);
    await expect(app.ownerQuery(`update payer set id = gen_random_uuid() where tenant_id = 'clinic-k'`)).rejects.toThrow(/payer rows are kept/);
    await expect(app.ownerQuery(`delete from tenant where id = 'clinic-k'`)).rejects.toThrow(/tenant rows are kept/);
    await expect(app.ownerQuery(`update tenant set id = 'clinic-k2' where id = 'clinic-k'`)).rejects.toThrow(/tenant rows are kept/);
    // Other payer fields stay editable.
    await app.ownerQuery(`update payer set name = 'K Payer Renamed' where tenant_id = 'clinic-k'`);
  });
});
