import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { allIssues, parse835, postableClaims } from './x12-835-parser.js';
import type { Parse835Result } from './x12-835.types.js';
import type { X12IssueCode } from './x12-issue.js';
import { x12CorpusDir } from './x12-test-fixtures.js';

// Public 835 samples kept outside the repository (shared/data/x12-835, see its README). A clone
// without that folder skips this suite.
const dir = x12CorpusDir();
const describeCorpus = dir ? describe : describe.skip;

interface Expected {
  readonly parsed: number;
  readonly rejected: number;
  /** Postable claims (from parsed sets only). */
  readonly claims: number;
  readonly services?: number;
  /** Codes of every error and warning, file-level and per set, sorted. */
  readonly errors?: readonly X12IssueCode[];
  readonly warnings?: readonly X12IssueCode[];
  readonly check?: (result: Parse835Result) => void;
}

const EXPECTED: Record<string, Expected> = {
  'badx12-dental-era.835': { parsed: 1, rejected: 0, claims: 1, services: 5 },
  'badx12-dental-multiple-claims.835': {
    parsed: 1,
    rejected: 0,
    claims: 9,
    services: 33,
    check: (r) => {
      const lineCas = postableClaims(r).flatMap((c) => c.services.flatMap((s) => s.adjustments));
      expect(lineCas).toHaveLength(39);
      expect(r.parsed[0]?.remittance.payment.amount).toBe('810.8');
    },
  },
  'keiron-bcbs-nc-no-envelope.835': {
    parsed: 0,
    rejected: 1,
    claims: 0,
    errors: ['MISSING_ELEMENT', 'MISSING_ELEMENT'],
    warnings: ['NO_ENVELOPE', 'SEGMENT_COUNT'],
    check: (r) => {
      expect(r.rejected[0]?.errors.map((e) => e.message)).toEqual([
        'segment 28 (SVC) element SVC02: required element is missing',
        'segment 28 (SVC) element SVC03: required element is missing',
      ]);
      expect(r.rejected[0]?.claimsSeen).toBe(1);
    },
  },
  'keiron-uhc-legacy.835': {
    parsed: 1,
    rejected: 0,
    claims: 2,
    services: 5,
    check: (r) => {
      const svc = postableClaims(r)[1]?.services[2];
      expect(svc?.procedure).toEqual({ qualifier: 'HC', code: 'B4154', modifiers: [] });
      expect(svc?.adjustments.map((a) => [a.group, a.reason, a.amount])).toEqual([
        ['PR', '2', '5.13'],
        ['PR', '1', '110'],
        ['CO', '45', '184.32'],
      ]);
      expect(r.parsed[0]?.remittance.payer.references).toEqual([{ qualifier: '2U', value: '87726' }]);
    },
  },
  'lfh-cob-contractual-adjustment.835': {
    parsed: 1,
    rejected: 0,
    claims: 1,
    services: 1,
    warnings: ['COMPONENT_SEPARATOR', 'MISSING_ELEMENT'],
    check: (r) => {
      const claim = postableClaims(r)[0];
      expect(claim?.status).toBe('2');
      expect(claim?.services[0]?.adjustments.map((a) => a.amount)).toEqual(['516.00', '-9.00']);
    },
  },
  'lfh-managed-care.835': { parsed: 1, rejected: 0, claims: 2, services: 2, warnings: ['BAD_DATE'] },
  'lfh-medicare-part-a.835': {
    parsed: 1,
    rejected: 0,
    claims: 2,
    services: 0,
    check: (r) => {
      const rem = r.parsed[0]!.remittance;
      expect(rem.providerAdjustments).toEqual([
        { ordinal: 29, providerId: '6543210903', fiscalPeriodDate: '2002-12-31', reasonCode: 'CV', reference: 'CP', amount: '-1.27' },
      ]);
      expect(rem.claims.map((c) => c.adjudication[0]?.kind)).toEqual(['inpatient', 'outpatient']);
    },
  },
  'lfh-secondary-payment.835': {
    parsed: 1,
    rejected: 0,
    claims: 2,
    services: 2,
    warnings: ['COMPONENT_SEPARATOR', 'COMPONENT_SEPARATOR', 'MISSING_ELEMENT'],
    check: (r) => {
      expect(postableClaims(r)[1]?.services[0]?.procedure).toEqual({ qualifier: 'HC', code: '12345', modifiers: ['26'] });
    },
  },
  'lfh-tertiary-payment.835': {
    parsed: 0,
    rejected: 1,
    claims: 0,
    errors: ['BAD_COMPOSITE', 'BAD_COMPOSITE'],
    warnings: ['MISSING_ELEMENT'],
    check: (r) => {
      expect(r.rejected[0]?.errors[0]?.message).toBe(
        'segment 20 (SVC) element SVC01: "HC" is not a procedure composite (qualifier, code, modifiers)',
      );
    },
  },
  'pyx12-denied-claim.835': {
    parsed: 1,
    rejected: 0,
    claims: 1,
    services: 3,
    check: (r) => {
      const rem = r.parsed[0]!.remittance;
      expect(rem.payment).toMatchObject({ handlingCode: 'H', amount: '0', method: 'NON' });
      expect(rem.claims[0]).toMatchObject({ status: '4', paidAmount: '0' });
      expect(rem.claims[0]?.services.flatMap((s) => s.remarks)).toEqual(Array(3).fill({ qualifier: 'HE', value: 'N14' }));
    },
  },
  'tastypackets-emedny-156-sets.835': {
    parsed: 156,
    rejected: 0,
    claims: 468,
    check: (r) => expect(r.interchanges).toHaveLength(156),
  },
  'tastypackets-emedny-profee.835': { parsed: 1, rejected: 0, claims: 3, services: 10 },
  'tastypackets-newline-terminated.835': {
    parsed: 1,
    rejected: 0,
    claims: 3,
    services: 10,
    check: (r) => {
      const withTildes = parse835(readFileSync(path.join(dir!, 'tastypackets-emedny-profee.835'), 'utf8'));
      expect(postableClaims(r)).toEqual(postableClaims(withTildes));
    },
  },
  'tigershark-4010-pipe-delimited.835': {
    parsed: 1,
    rejected: 0,
    claims: 2,
    services: 2,
    // The sample's SE01 says 43 for 47 segments and its BPR02 does not match its claims.
    warnings: ['PAYMENT_UNBALANCED', 'SEGMENT_COUNT'],
    check: (r) => {
      const rem = r.parsed[0]!.remittance;
      expect(rem.version).toBe('004010X091A1');
      expect(rem.providerAdjustments[0]).toMatchObject({ reasonCode: 'WO', reference: '12104411559120820 001GAL295513', amount: '-361.19' });
    },
  },
};

describeCorpus('parse835 on the public 835 samples', () => {
  const files = dir ? readdirSync(dir).filter((f) => f.endsWith('.835')).sort() : [];
  const read = (f: string): Parse835Result => parse835(readFileSync(path.join(dir!, f), 'utf8'));

  it.each(Object.keys(EXPECTED))('%s gives the expected outcome', (file) => {
    const want = EXPECTED[file]!;
    const result = read(file);
    const codes = (severity: string): X12IssueCode[] =>
      allIssues(result).filter((i) => i.severity === severity).map((i) => i.code).sort();
    expect({ parsed: result.parsed.length, rejected: result.rejected.length, claims: postableClaims(result).length }).toEqual({
      parsed: want.parsed,
      rejected: want.rejected,
      claims: want.claims,
    });
    if (want.services !== undefined) {
      expect(postableClaims(result).reduce((n, c) => n + c.services.length, 0)).toBe(want.services);
    }
    expect(codes('error')).toEqual(want.errors ?? []);
    expect(codes('warning')).toEqual(want.warnings ?? []);
    want.check?.(result);
  });

  it('parses every file of the folder without throwing, listing each set as parsed or rejected', () => {
    for (const file of files) {
      const result = read(file);
      expect(result.sets.length).toBe(result.parsed.length + result.rejected.length);
      for (const set of result.rejected) expect(set.errors.length).toBeGreaterThan(0);
    }
  });
});
