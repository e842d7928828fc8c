import { hash } from 'node:crypto';

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

const NOT_PLAIN = Symbol('not plain JSON');
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

/**
 * A copy of a plain JSON value whose objects hold their keys in sorted order, or NOT_PLAIN for
 * anything JSON.stringify would not write member for member the way canonicalJsonOf does (a Date,
 * a Decimal, a class instance, a function, a sparse array, an array-index key, which objects always
 * enumerate first whatever the insertion order, or an own `__proto__` key, which assignment would
 * not copy).
 */
function sortedCopy(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === undefined) return value;
  if (typeof value !== 'object') return NOT_PLAIN;
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || value[i] === undefined) return NOT_PLAIN;
      const member = sortedCopy(value[i]);
      if (member === NOT_PLAIN) return NOT_PLAIN;
      copy[i] = member;
    }
    return copy;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    if (ARRAY_INDEX.test(key) || key === '__proto__') return NOT_PLAIN;
    const member = sortedCopy((value as Record<string, unknown>)[key]);
    if (member === NOT_PLAIN) return NOT_PLAIN;
    copy[key] = member;
  }
  return copy;
}

/**
 * JSON with sorted keys, so that jsonb's own key order cannot change a hash. Keys sort by UTF-16
 * code units (Array#sort's default order); undefined members are left out.
 *
 * It runs once per audit event, 50,000 times in one auto-adjust run: plain JSON (every record
 * once sealed) is copied with its keys in order and written by the native JSON.stringify, about
 * three times faster than the general recursive path, which writes anything else.
 */
export function canonicalJson(value: unknown): string {
  const sorted = value === undefined ? NOT_PLAIN : sortedCopy(value);
  return sorted === NOT_PLAIN ? canonicalJsonOf(value) : JSON.stringify(sorted);
}

/** The definition of canonical JSON, recursive; canonicalJson is the same text, faster for plain JSON. */
export function canonicalJsonOf(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJsonOf).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJsonOf(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** hash = sha256(prevHash ‖ canonical(event)): each event seals the one before it. */
export function auditHash(prevHash: string, record: AuditRecord): string {
  // One-shot crypto.hash: the same digest as a Hash object fed both parts, without the object.
  return hash('sha256', prevHash + canonicalJson(record), 'hex');
}
