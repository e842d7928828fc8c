import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { auditHash, canonicalJson, canonicalJsonOf, type AuditRecord } from './audit-hash.js';

const reference = canonicalJsonOf;

describe('canonicalJson', () => {
  it('writes what the recursive definition writes, for any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => expect(canonicalJson(value)).toBe(reference(value))), { numRuns: 2000 });
  });

  it('writes what the recursive definition writes for objects with undefined members, index-like and unusual keys', () => {
    const key = fc.oneof(fc.string(), fc.constantFrom('0', '1', '10', '2', '01', '-1', '__proto__', 'toJSON', 'é', '\u{1F600}'));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.string(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined),
        fc.array(tie('node')), fc.dictionary(key, tie('node'))),
    })).node;
    fc.assert(fc.property(value, (v) => expect(canonicalJson(v)).toBe(reference(v))), { numRuns: 2000 });
  });

  it('writes dates, class instances and sparse arrays through the general path', () => {
    class Money {
      constructor(readonly amount: string) {}
    }
    // eslint-disable-next-line no-sparse-arrays
    for (const value of [new Date(0), { at: new Date(0) }, new Money('1.00'), [1, , 3], { a: () => 1 }, undefined]) {
      expect(canonicalJson(value)).toBe(reference(value));
    }
  });
});

describe('auditHash', () => {
  it('is sha256 of the previous hash followed by the canonical record', () => {
    const record: AuditRecord = {
      tenantId: 't', seq: 1, at: '2026-12-01T00:00:00.000Z', actor: 'a', action: 'credit.auto_adjust', subjectType: 'credit',
      subjectId: 'c', before: { status: 'OPEN', amount: '1.00' }, after: null, reason: null,
    };
    const prev = 'f'.repeat(64);
    expect(auditHash(prev, record)).toBe(createHash('sha256').update(prev).update(reference(record)).digest('hex'));
  });
});
