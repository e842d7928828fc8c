import pg from 'pg';
import { Role } from '../src/domain/context/role.js';
import { entry, POST_ENTRIES, TestApp } from './support/test-app.js';

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
