/** PostgreSQL URLs for tests: the owner (migrations) and the app role the service runs as. */
const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function testOwnerUrl(dbName: string, server = base): string {
  const u = new URL(server);
  u.pathname = `/${dbName}`;
  return u.toString();
}

export function testAppUrl(dbName: string, server = base): string {
  const u = new URL(testOwnerUrl(dbName, server));
  u.username = process.env.TEST_APP_DB_USER ?? 'credit_app';
  u.password = '';
  return u.toString();
}

export const testRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
