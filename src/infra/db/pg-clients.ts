import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';

/**
 * The pool's connections by backend pid. Kysely (under MikroORM) keeps the pg client of a
 * transaction private, and COPY FROM STDIN needs that very client: a unit of work asks its
 * transaction for `pg_backend_pid()` and finds the client here.
 */
const clients = new Map<number, pg.ClientBase>();

/** Registers every connection the pool opens, until it ends. */
export function trackPoolClients(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const pid = (client as pg.ClientBase & { processID?: number }).processID;
    if (pid === undefined) return;
    clients.set(pid, client);
    client.once('end', () => {
      if (clients.get(pid) === client) clients.delete(pid);
    });
  });
}

export function clientOfBackend(pid: number): pg.ClientBase | undefined {
  return clients.get(pid);
}

/**
 * Runs `COPY … FROM STDIN` on `client` with text already in COPY text format, sent in the chunks
 * given (one CopyData message each: a message per row would dominate the cost). The text is complete
 * before the COPY starts, so nothing else the caller awaits can queue behind it on the same client.
 */
export async function copyFromStdin(client: pg.ClientBase, statement: string, chunks: readonly string[]): Promise<void> {
  await pipeline(Readable.from(chunks), client.query(copyStreams.from(statement)));
}
