import { createHash } from 'node:crypto';

/** One audit event as it is hashed: everything but its own hash. */
export interface AuditRecord {
  tenantId: string;
  seq: number;
  at: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
}

/** The hash before a tenant's first event. */
export const GENESIS = '0'.repeat(64);

/** JSON with sorted keys, so that jsonb's own key order cannot change a hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** hash = sha256(prevHash ‖ canonical(event)): each event seals the one before it. */
export function auditHash(prevHash: string, record: AuditRecord): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(record)).digest('hex');
}
