import fc from 'fast-check';
import { isX12Decimal } from './x12-elements.js';
import { allIssues, parse835, postableClaims } from './x12-835-parser.js';
import type { Parse835Result } from './x12-835.types.js';
import { x12Fixture } from './x12-test-fixtures.js';

const valid = x12Fixture('full-5010.835');

// Characters that matter to X12: delimiters of all the samples, newlines, and segment-id letters.
const SYMBOLS = ['*', ':', '~', '^', '|', '>', '\n', '\r', ' ', '-', '.', 'C', 'L', 'P', 'S', 'V', 'E', '0', '9'];

type Mutation =
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'swap'; from: string; to: string }
  | { kind: 'swapOne'; at: number; to: string }
  | { kind: 'truncate'; at: number };

const symbol = fc.constantFrom(...SYMBOLS);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ unit: symbol, minLength: 1, maxLength: 12 }) }),
  fc.record({ kind: fc.constant('swap' as const), from: symbol, to: symbol }),
  fc.record({ kind: fc.constant('swapOne' as const), at: fc.nat(), to: symbol }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function apply(text: string, m: Mutation): string {
  const pos = (n: number): number => n % (text.length + 1);
  switch (m.kind) {
    case 'delete':
      return text.slice(0, pos(m.at)) + text.slice(pos(m.at) + m.length);
    case 'insert':
      return text.slice(0, pos(m.at)) + m.text + text.slice(pos(m.at));
    case 'swap': // every occurrence of one delimiter becomes another
      return text.split(m.from).join(m.to);
    case 'swapOne':
      return text.slice(0, pos(m.at)) + m.to + text.slice(pos(m.at) + 1);
    case 'truncate':
      return text.slice(0, pos(m.at));
  }
}

const mutated = fc.array(mutation, { minLength: 1, maxLength: 5 }).map((ms) => ms.reduce(apply, valid));

/** The invariants any result must keep, whatever the input. */
function expectWellFormedResult(result: Parse835Result): void {
  expect(result.sets.length).toBe(result.parsed.length + result.rejected.length);
  for (const set of result.sets) {
    if (set.errors.length > 0) {
      expect(set.status).toBe('rejected');
      expect(set).not.toHaveProperty('remittance');
    }
    for (const issue of [...set.errors, ...set.warnings]) {
      expect(issue.ordinal).toBeGreaterThanOrEqual(set.firstOrdinal);
      expect(issue.ordinal).toBeLessThanOrEqual(set.lastOrdinal);
    }
  }
  for (const set of result.parsed) expect(set.errors).toEqual([]);
  for (const issue of allIssues(result)) expect(typeof issue.message).toBe('string');
  // Whatever is exposed for posting is well-formed money.
  for (const claim of postableClaims(result)) {
    const amounts = [claim.chargeAmount, claim.paidAmount, ...claim.services.flatMap((s) => [s.chargeAmount, s.paidAmount])];
    expect(amounts.every(isX12Decimal)).toBe(true);
  }
}

describe('parse835 on mutated input (property)', () => {
  it('parses the unmutated fixture cleanly', () => {
    const result = parse835(valid);
    expect(allIssues(result)).toEqual([]);
    expectWellFormedResult(result);
  });

  it('never throws, always returns a result, and exposes no claims from a set with errors', () => {
    fc.assert(
      fc.property(mutated, (text) => {
        const result = parse835(text);
        expectWellFormedResult(result);
      }),
      { numRuns: 600 },
    );
  });

  it('never throws on arbitrary text either', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(symbol, fc.constantFrom('I', 'A', 'T', '8', '3', '5')), maxLength: 300 }), (text) => {
        expectWellFormedResult(parse835(`ISA${text}`));
        expectWellFormedResult(parse835(`ST*835*${text}`));
        expectWellFormedResult(parse835(text));
      }),
      { numRuns: 300 },
    );
  });

  it('rejects a set when a claim amount is corrupted, never posting it', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('.', '-', 'x', 'O', ' ', '1'), minLength: 1, maxLength: 4 }), (junk) => {
        const amount = `12${junk}5`;
        fc.pre(!isX12Decimal(amount));
        const result = parse835(valid.replace('CLP*PCN-003*3*120*20*', `CLP*PCN-003*3*120*${amount}*`));
        expect(result.parsed).toEqual([]);
        expect(postableClaims(result)).toEqual([]);
        expect(result.rejected[0]?.errors.map((e) => e.element)).toContain('CLP04');
      }),
    );
  });
});
