import { pino, type Logger } from 'pino';

/** Structured logs. Never log patient data: ids, counts and durations only. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'credit-balance' }, redact: ['req.headers.authorization'] });
}

export type { Logger };
