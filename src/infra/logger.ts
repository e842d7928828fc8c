import { pino, type Logger } from 'pino';

/** Structured logs. Never log patient data: ids, counts and durations only. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'credit-balance' }, redact: ['req.headers.authorization'] });
}

export type { Logger };

/**
 * An error listener for clients that reconnect on their own (ioredis, BullMQ): logs a reason when
 * it changes, not on every retry, so an outage is one warning line and not thousands.
 */
export function connectionErrorLogger(logger: Logger, message: string, fields: Record<string, unknown> = {}): (err: Error) => void {
  let last = '';
  return (err: Error) => {
    const reason = String(err?.message ?? err).split('\n')[0]!.replace(/\/\/[^@/\s]*@/g, '//');
    if (reason !== last) logger.warn({ ...fields, reason }, message);
    last = reason;
  };
}
