import type { MikroORM, EntityManager } from '@mikro-orm/postgresql';
import { sql, type RawBuilder } from 'kysely';
import type { SqlRunner } from './sql-runner.js';
import { clientOfBackend, copyFromStdin } from './pg-clients.js';
import { isUnavailable } from '../availability.js';

/**
 * One transaction scoped to one tenant. Row-level security reads `app.tenant_id`, which MikroORM's
 * session context sets with set_config(..., true) when the transaction begins, so every statement
 * of the unit — ORM reads, raw SQL, DataLoader batches — sees only that tenant's rows.
 *
 * The transaction starts lazily on first use and is finished once by whoever opened the unit (the
 * GraphQL plugin for requests, the job runner for jobs): commit on success, rollback otherwise.
 */
export class UnitOfWork implements SqlRunner {
  readonly em: EntityManager;
  private begun?: Promise<void>;
  private finished = false;
  private backendPid?: Promise<number>;
  private readonly afterCommitHooks: (() => Promise<void> | void)[] = [];

  /** `readOnly`: a READ ONLY transaction (reporting reads, e.g. on a replica). */
  constructor(
    orm: MikroORM,
    readonly tenantId: string,
    private readonly options: { readOnly?: boolean } = {},
  ) {
    this.em = orm.em.fork({ session: { variables: { 'app.tenant_id': tenantId } } });
  }

  /** The EntityManager, inside the unit's transaction. */
  async tx(): Promise<EntityManager> {
    if (this.finished) throw new Error('unit of work already finished');
    this.begun ??= this.em.begin(this.options.readOnly ? { readOnly: true } : {});
    await this.begun;
    return this.em;
  }

  /** Runs a Kysely `sql` fragment (server-side parameters) in the unit's transaction. */
  async rows<R>(query: RawBuilder<R>): Promise<R[]> {
    const em = await this.tx();
    const result = await query.execute(em.getKysely());
    return result.rows;
  }

  async one<R>(query: RawBuilder<R>): Promise<R | undefined> {
    return (await this.rows(query))[0];
  }

  /** Rows changed by an UPDATE/INSERT/DELETE without RETURNING. */
  async affected(query: RawBuilder<unknown>): Promise<number> {
    const em = await this.tx();
    const result = await query.execute(em.getKysely());
    return Number(result.numAffectedRows ?? 0n);
  }

  /** `COPY … FROM STDIN` on the transaction's own connection. */
  async copyIn(statement: string, chunks: readonly string[]): Promise<void> {
    // The transaction keeps its connection until it ends: ask for the backend once.
    this.backendPid ??= this.one<{ pid: number }>(sql`select pg_backend_pid() as pid`).then((r) => r!.pid);
    const pid = await this.backendPid;
    const client = clientOfBackend(pid);
    if (!client) throw new Error(`no pooled client is known for backend ${pid}`);
    await copyFromStdin(client, statement, chunks);
  }

  /** Work that must only happen once the data is durable, e.g. enqueueing a job for a new run. */
  afterCommit(hook: () => Promise<void> | void): void {
    this.afterCommitHooks.push(hook);
  }

  get started(): boolean {
    return this.begun !== undefined;
  }

  /**
   * Commits, then runs the after-commit hooks. A hook that fails does not make the commit fail —
   * the data is durable — so its error is returned for the caller to log (a lost enqueue is
   * picked up by the workers' requeue sweeper).
   */
  async commit(): Promise<unknown[]> {
    if (this.finished) return [];
    this.finished = true;
    if (this.begun) {
      await this.begun;
      await this.em.commit();
    }
    const failures: unknown[] = [];
    for (const hook of this.afterCommitHooks) {
      try {
        await hook();
      } catch (error) {
        failures.push(error);
      }
    }
    return failures;
  }

  async rollback(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    if (!this.begun) return;
    try {
      await this.begun;
    } catch {
      return; // BEGIN itself failed: there is nothing to roll back
    }
    try {
      await this.em.rollback();
    } catch (error) {
      // The connection is gone, and with it the transaction: the server has discarded it.
      if (!isUnavailable(error)) throw error;
    }
  }

  /** Runs `fn` in a fresh unit that commits when it resolves and rolls back when it throws. */
  static async run<T>(orm: MikroORM, tenantId: string, fn: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    const uow = new UnitOfWork(orm, tenantId);
    try {
      const result = await fn(uow);
      await uow.commit();
      return result;
    } catch (error) {
      await uow.rollback();
      throw error;
    }
  }
}
