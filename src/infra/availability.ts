/**
 * Telling "a dependency is down" apart from "our bug": errors of a lost or refused connection to
 * PostgreSQL or Redis are the client's cue to retry later (SERVICE_UNAVAILABLE), not an internal
 * error to mask.
 */

/** Socket-level failures (Node), as raised by pg, ioredis and BullMQ. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/**
 * PostgreSQL SQLSTATEs of a server going away: class 08 (connection exception) and
 * 57P01–57P03 (admin shutdown, crash shutdown, cannot connect now).
 */
function isPgUnavailableState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03';
}

const MESSAGES = [
  /Connection terminated/i, // pg: the server closed the socket
  /Client has encountered a connection error and is not queryable/i,
  /Connection is closed/i, // ioredis
  /Reached the max retries per request limit/i, // ioredis with maxRetriesPerRequest
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /terminating connection due to administrator command/i,
  /timeout exceeded when trying to connect/i, // pg-pool
  /enableOfflineQueue options is false/i, // ioredis without an offline queue, while disconnected
];

/** True when the error (or any error in its `cause` chain) says PostgreSQL or Redis is unreachable. */
export function isUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown; errors?: unknown; thrownValue?: unknown; originalError?: unknown };
    if (typeof e.code === 'string' && (SOCKET_CODES.has(e.code) || isPgUnavailableState(e.code))) return true;
    if (e.name === 'MaxRetriesPerRequestError' || e.name === 'ConnectionException') return true;
    if (typeof e.message === 'string' && MESSAGES.some((m) => m.test(e.message as string))) return true;
    // AggregateError (e.g. a connect over IPv4 and IPv6 both refused)
    if (Array.isArray(e.errors) && e.errors.some((inner) => isUnavailable(inner))) return true;
    // graphql-js wraps a thrown non-Error (the pool's connect failure is one) as NonErrorThrown.
    current = e.thrownValue ?? e.originalError ?? e.cause;
  }
  return false;
}

/** "127.0.0.1:5432" of a connection URL: enough to say where, never the credentials. */
export function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol.startsWith('redis') ? '6379' : '5432')}`;
  } catch {
    return 'an invalid URL';
  }
}

/** A one-line reason, e.g. "connect ECONNREFUSED 127.0.0.1:5432", without credentials. */
export function reasonOf(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown; errors?: unknown };
  if (Array.isArray(e?.errors) && e.errors.length) return reasonOf(e.errors[0]);
  const message = typeof e?.message === 'string' && e.message ? e.message : String(error);
  return message.replace(/\/\/[^@/\s]*@/g, '//').split('\n')[0]!.slice(0, 300);
}
