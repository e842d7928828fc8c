import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type RawBuilder,
} from 'kysely';
import type pg from 'pg';
import { copyFromStdin } from './pg-clients.js';

/** Runs Kysely `sql` fragments: implemented by the UnitOfWork and by a raw pg client (COPY paths). */
export interface SqlRunner {
  rows<R>(query: RawBuilder<R>): Promise<R[]>;
  one<R>(query: RawBuilder<R>): Promise<R | undefined>;
  affected(query: RawBuilder<unknown>): Promise<number>;
  /** `COPY … FROM STDIN` of COPY-text `chunks`, in the runner's transaction (see copyFromStdin). */
  copyIn(statement: string, chunks: readonly string[]): Promise<void>;
}

/** A Kysely that only compiles (never connects): turns `sql` fragments into text + $n parameters. */
const compiler = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** Text and $n parameters of a `sql` fragment, for a raw pg client. */
export function compileSql(query: RawBuilder<unknown>): { sql: string; parameters: readonly unknown[] } {
  return query.compile(compiler);
}

/** A SqlRunner over one pg client, for code that also needs the client itself (COPY FROM STDIN). */
export class PgClientRunner implements SqlRunner {
  constructor(readonly client: pg.Client | pg.PoolClient) {}

  async rows<R>(query: RawBuilder<R>): Promise<R[]> {
    const { sql, parameters } = query.compile(compiler);
    const result = await this.client.query(sql, parameters as unknown[]);
    return result.rows as R[];
  }

  async one<R>(query: RawBuilder<R>): Promise<R | undefined> {
    return (await this.rows(query))[0];
  }

  async affected(query: RawBuilder<unknown>): Promise<number> {
    const { sql, parameters } = query.compile(compiler);
    const result = await this.client.query(sql, parameters as unknown[]);
    return result.rowCount ?? 0;
  }

  async copyIn(statement: string, chunks: readonly string[]): Promise<void> {
    await copyFromStdin(this.client, statement, chunks);
  }
}
