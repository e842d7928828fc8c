import http from 'node:http';
import { Redis } from 'ioredis';
import type { Logger } from '../infra/logger.js';
import { reasonOf } from '../infra/availability.js';

/**
 * Starting while PostgreSQL or Redis is down: the process does not crash. It keeps trying, says
 * what it waits for (in the log and on /readyz), and becomes ready on its own once they answer.
 */
export class StartupState {
  waitingFor: string | null = null;
  error: string | null = null;
  /** What has answered so far (the same names /readyz reports once running). */
  readonly checks = { postgres: false, redis: false, migrations: false };

  waiting(what: string, error: unknown): void {
    this.waitingFor = what;
    this.error = reasonOf(error);
  }

  cleared(): void {
    this.waitingFor = null;
    this.error = null;
  }
}

export interface RetryOptions {
  logger: Logger;
  state?: StartupState;
  /** @defaultValue 1000 ms, doubling up to maxDelayMs */
  initialDelayMs?: number;
  /** @defaultValue 10000 ms */
  maxDelayMs?: number;
}

/**
 * Calls `attempt` until it succeeds, with capped exponential backoff. Logs the first failure and
 * every change of reason at warn, and the recovery at info, so an operator reading the log sees
 * "waiting for PostgreSQL at 127.0.0.1:5432: connect ECONNREFUSED" once, not once a second.
 */
export async function retryUntilAvailable<T>(what: string, attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { logger, state } = options;
  let delay = options.initialDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 10_000;
  let lastReason: string | null = null;
  for (;;) {
    try {
      const value = await attempt();
      if (lastReason) logger.info({ dependency: what }, `${what} is available`);
      state?.cleared();
      return value;
    } catch (error) {
      const reason = reasonOf(error);
      state?.waiting(what, error);
      if (reason !== lastReason) logger.warn({ dependency: what, reason }, `waiting for ${what}: ${reason}; retrying`);
      lastReason = reason;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(maxDelay, delay * 2);
    }
  }
}

/** One PING on a short-lived connection that does not retry on its own. */
export async function pingRedis(url: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false, connectTimeout: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } finally {
    client.disconnect();
  }
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '5' });
  res.end(JSON.stringify(body));
}

/**
 * Listens on the API port at once, before the dependencies answer: /healthz says the process is
 * up, /readyz says it is not ready and why, and every other request gets a 503 with
 * SERVICE_UNAVAILABLE. The full app takes over this same server when the runtime has started.
 */
export async function listenWhileStarting(port: number, state: StartupState): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return json(res, 200, { status: 'ok' });
    const reason = state.waitingFor ? `waiting for ${state.waitingFor}: ${state.error}` : 'starting';
    if (req.method === 'GET' && path === '/readyz') {
      return json(res, 503, {
        ready: false,
        checks: state.checks,
        starting: true,
        waitingFor: state.waitingFor,
        reason,
      });
    }
    req.resume();
    json(res, 503, { errors: [{ message: `Service unavailable: ${reason}. Retry later.`, extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
