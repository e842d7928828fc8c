import { sql } from 'kysely';
import type { SqlRunner } from '../../infra/db/sql-runner.js';

/** A column of a bulk insert: its name and the PostgreSQL array element type it is sent as. */
export type BulkColumn = readonly [name: string, type: 'uuid' | 'text' | 'integer' | 'numeric' | 'date'];

/**
 * Buffers rows column by column and writes them with one `INSERT … SELECT FROM unnest(arrays)` per
 * flush: a fixed number of round trips per batch, whatever the row count. The owner decides when
 * to flush (`pending`), so that buffers referencing one another flush parents first. The tenant id
 * is a constant of the statement, not a column of the buffer.
 */
export class BulkInsert {
  private readonly buffers: unknown[][];
  private count = 0;

  constructor(
    private readonly db: SqlRunner,
    private readonly tenantId: string,
    private readonly table: string,
    private readonly columns: readonly BulkColumn[],
  ) {
    this.buffers = columns.map(() => []);
  }

  /** Rows buffered and not yet written. */
  get pending(): number {
    return this.count;
  }

  add(row: readonly unknown[]): void {
    row.forEach((value, i) => this.buffers[i]!.push(value ?? null));
    this.count += 1;
  }

  /**
   * Takes the buffered rows out (the buffers are empty again at once) and returns the statement
   * that writes them: the caller may keep buffering while it runs.
   */
  take(): () => Promise<void> {
    if (this.count === 0) return async () => undefined;
    const buffers = this.buffers.map((b) => b.splice(0, b.length));
    this.count = 0;
    const names = sql.join(this.columns.map(([name]) => sql.ref(name)));
    const arrays = sql.join(this.columns.map(([, type], i) => sql`${buffers[i]}::${sql.raw(type)}[]`));
    return async () => {
      await this.db.affected(sql`
        insert into ${sql.table(this.table)} (tenant_id, ${names})
        select ${this.tenantId}, * from unnest(${arrays})`);
    };
  }

  async flush(): Promise<void> {
    await this.take()();
  }
}
