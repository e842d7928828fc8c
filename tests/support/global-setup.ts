import pg from 'pg';

/**
 * Runs once before all test files: creates the app role (cluster-wide) so that test files do not
 * race to create it. Self-contained because jest's global setup bypasses the module mapper.
 */
export default async function globalSetup(): Promise<void> {
  const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const role = process.env.TEST_APP_DB_USER ?? 'credit_app';
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_roles where rolname = $1', [role]);
    if (!rowCount) await client.query(`create role "${role}" login nosuperuser nobypassrls nocreatedb nocreaterole`);
  } finally {
    await client.end();
  }
}
