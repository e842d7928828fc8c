import type pg from 'pg';
import Cursor from 'pg-cursor';
import type { RawBuilder } from 'kysely';
import { compileSql } from './sql-runner.js';

/**
 * Streams the rows of a query from a pooled connection through a server-side cursor, `batch` rows
 * at a time, inside a read-only REPEATABLE READ transaction scoped to the tenant (row-level
 * security applies as for any request): memory holds one batch, whatever the result size. The
 * transaction ends (and the connection returns to the pool) when the consumer finishes or stops.
 */
export async function* streamRows<R = Record<string, unknown>>(
  pool: pg.Pool,
  tenantId: string,
  query: RawBuilder<unknown>,
  batch = 1_000,
): AsyncGenerator<R> {
  const compiled = compileSql(query);
  const client = await pool.connect();
  let finished = false;
  let broken = false;
  try {
    await client.query('begin isolation level repeatable read read only');
    await client.query(`select set_config('app.tenant_id', $1, true)`, [tenantId]);
    const cursor = client.query(new Cursor<R>(compiled.sql, compiled.parameters as unknown[]));
    try {
      for (;;) {
        const rows = await cursor.read(batch);
        if (!rows.length) break;
        yield* rows;
      }
    } finally {
      await cursor.close().catch(() => {
        broken = true;
      });
    }
    await client.query('commit');
    finished = true;
  } finally {
    // A consumer that stops early (client gone) or an error: end the transaction before the
    // connection goes back; a connection that cannot even roll back is discarded.
    if (!finished) await client.query('rollback').catch(() => (broken = true));
    client.release(broken);
  }
}
