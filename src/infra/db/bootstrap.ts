import pg from 'pg';
import { createOrm } from './orm.js';

/**
 * What the app role may do, table by table. The ledger is append-only, so the role gets no UPDATE
 * or DELETE on it; nothing is ever deleted. Row-level security narrows every grant to one tenant.
 */
const APP_PRIVILEGES: Record<string, string> = {
  tenant: 'SELECT, INSERT',
  payer: 'SELECT, INSERT, UPDATE',
  account: 'SELECT, INSERT, UPDATE',
  ledger_entry: 'SELECT, INSERT',
  account_balance: 'SELECT, INSERT, UPDATE',
  account_receivable: 'SELECT, INSERT, UPDATE',
  credit: 'SELECT, INSERT, UPDATE',
  job_run: 'SELECT, INSERT, UPDATE',
  tenant_policy: 'SELECT, INSERT, UPDATE',
  worklist: 'SELECT, INSERT, UPDATE, DELETE',
  refund_request: 'SELECT, INSERT, UPDATE',
  adjustment_request: 'SELECT, INSERT, UPDATE',
  audit_event: 'SELECT, INSERT',
  remittance_file: 'SELECT, INSERT, UPDATE',
  remittance: 'SELECT, INSERT, UPDATE',
  remittance_claim: 'SELECT, INSERT',
  remittance_provider_adjustment: 'SELECT, INSERT',
  claim: 'SELECT, INSERT, UPDATE',
  unclaimed_property_rule: 'SELECT, INSERT, UPDATE, DELETE',
  kpi_snapshot: 'SELECT, INSERT, UPDATE, DELETE',
  credit_rollup: 'SELECT, INSERT, UPDATE, DELETE',
  mikro_orm_migrations: 'SELECT',
};

/** SECURITY DEFINER functions the app role may call (each returns ids only). */
const APP_FUNCTIONS = ['unfinished_job_runs(interval)', 'open_credit_buckets()', 'snapshot_tenant_ids()'];

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Runs a callback on a short-lived owner connection to the given database. */
async function withOwnerClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates the database named in `databaseUrl` when it does not exist yet. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const target = new URL(databaseUrl);
  const dbName = decodeURIComponent(target.pathname.slice(1));
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = '/postgres';
  await withOwnerClient(maintenance.toString(), async (client) => {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [dbName]);
    if (rowCount) return;
    try {
      await client.query(`create database ${quoteIdent(dbName)}`);
    } catch (error) {
      // Another process created it in the meantime.
      if ((error as { code?: string }).code !== '42P04') throw error;
    }
  });
}

/** Creates the login role the service connects as: no superuser, no BYPASSRLS, owns nothing. */
export async function ensureAppRole(databaseUrl: string, appDatabaseUrl: string): Promise<string> {
  const app = new URL(appDatabaseUrl);
  const role = decodeURIComponent(app.username);
  const password = decodeURIComponent(app.password);
  await withOwnerClient(databaseUrl, async (client) => {
    const { rowCount } = await client.query('select 1 from pg_roles where rolname = $1', [role]);
    const options = `login nosuperuser nobypassrls nocreatedb nocreaterole${password ? ` password ${quoteLiteral(password)}` : ''}`;
    try {
      await client.query(rowCount ? `alter role ${quoteIdent(role)} ${options}` : `create role ${quoteIdent(role)} ${options}`);
    } catch (error) {
      const code = (error as { code?: string }).code;
      // Concurrent creators (parallel test files) race on the same cluster-wide role.
      if (code !== '42710' && code !== '23505' && code !== 'XX000') throw error;
    }
  });
  return role;
}

export async function grantAppPrivileges(databaseUrl: string, role: string): Promise<void> {
  await withOwnerClient(databaseUrl, async (client) => {
    const dbName = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
    await client.query(`grant connect, temporary on database ${quoteIdent(dbName)} to ${quoteIdent(role)}`);
    await client.query(`grant usage on schema public to ${quoteIdent(role)}`);
    for (const [table, privileges] of Object.entries(APP_PRIVILEGES)) {
      await client.query(`grant ${privileges} on table ${quoteIdent(table)} to ${quoteIdent(role)}`);
    }
    for (const fn of APP_FUNCTIONS) await client.query(`grant execute on function ${fn} to ${quoteIdent(role)}`);
  });
}

/** Applies pending migrations as the owner. Returns the names applied. */
export async function migrate(databaseUrl: string): Promise<string[]> {
  const orm = await createOrm({ url: databaseUrl, poolMax: 2 });
  try {
    const applied = await orm.migrator.up();
    return applied.map((m) => m.name);
  } finally {
    await orm.close(true);
  }
}

/** Everything the service needs before it connects as the app role. Safe to run on every start. */
export async function prepareDatabase(databaseUrl: string, appDatabaseUrl: string): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const role = await ensureAppRole(databaseUrl, appDatabaseUrl);
  const applied = await migrate(databaseUrl);
  await grantAppPrivileges(databaseUrl, role);
  return applied;
}
