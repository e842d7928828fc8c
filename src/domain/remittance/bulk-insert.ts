import { sql } from 'kysely';
import type { SqlRunner } from '../../infra/db/sql-runner.js';
import { COPY_CHUNK_CHARS, copyLine, type CopyValue } from '../../infra/db/copy-text.js';

/**
 * Buffers rows as COPY text and writes them per flush with a COPY into a transaction-local table and
 * one INSERT … SELECT from it (COPY cannot write a table under row-level security): a fixed number of
 * round trips per batch, and no per-value parameter encoding, which cost more Node CPU than anything
 * else of an 835 import. The owner decides when to flush (`pending`), so that buffers referencing one
 * another flush parents first. The tenant id is a constant of the INSERT, not a column of the rows.
 */
export class BulkInsert {
  private chunks: string[] = [];
  private chunk = '';
  private count = 0;
  private readonly transit: string;
  private prepared = false;

  constructor(
    private readonly db: SqlRunner,
    private readonly tenantId: string,
    private readonly table: string,
    private readonly columns: readonly string[],
  ) {
    this.transit = `${table}_copy`;
  }

  /** Rows buffered and not yet written. */
  get pending(): number {
    return this.count;
  }

  add(row: readonly CopyValue[]): void {
    this.chunk += copyLine(row);
    this.count += 1;
    if (this.chunk.length >= COPY_CHUNK_CHARS) {
      this.chunks.push(this.chunk);
      this.chunk = '';
    }
  }

  /**
   * Takes the buffered rows out (the buffer is empty again at once) and returns the statements that
   * write them: the caller may keep buffering while they run.
   */
  take(): () => Promise<void> {
    if (this.count === 0) return async () => undefined;
    const chunks = this.chunk ? [...this.chunks, this.chunk] : this.chunks;
    [this.chunks, this.chunk, this.count] = [[], '', 0];
    return () => this.write(chunks);
  }

  async flush(): Promise<void> {
    await this.take()();
  }

  private async write(chunks: readonly string[]): Promise<void> {
    const [table, transit, columns] = [sql.table(this.table), sql.table(this.transit), sql.join(this.columns.map((c) => sql.ref(c)))];
    if (!this.prepared) {
      await this.db.affected(sql`create temp table if not exists ${transit} on commit drop as select ${columns} from ${table} with no data`);
      this.prepared = true;
    }
    await this.db.affected(sql`truncate ${transit}`);
    await this.db.copyIn(`copy ${this.transit} (${this.columns.join(', ')}) from stdin`, chunks);
    await this.db.affected(sql`insert into ${table} (tenant_id, ${columns}) select ${this.tenantId}, ${columns} from ${transit}`);
  }
}
