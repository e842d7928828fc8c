import fc from 'fast-check';
import { Role } from '../src/domain/context/role.js';
import { claimEntries, payerIdentifiers } from '../src/domain/remittance/era-posting-rules.js';
import { writeEra, type EraSetSpec } from '../src/domain/remittance/era-writer.js';
import { parse835 } from '../src/domain/remittance/x12/index.js';
import { POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';

// Mutated 835 text through the whole import: the job never fails, and the ledger grows by exactly
// the entries of the sets the import accepted — a rejected set never leaves half of itself behind.
let app: TestApp;
let token: string;
const ACCOUNTS = ['F-1', 'F-2', 'F-3', 'F-4'];

function base(run: number): string {
  const set = (i: number): EraSetSpec => ({
    payerId: 'FUZZPAY',
    trace: `FZ${run}-${i}`,
    claims: [
      { pcn: ACCOUNTS[i]!, charge: '300', paid: '200', icn: `I${run}${i}a`, cas: [['CO', '45', '60'], ['PR', '1', '40']],
        lines: [{ code: '99213', charge: '300', paid: '200', date: '20260110', cas: [['CO', '45', '60'], ['PR', '1', '40']] }] },
      { pcn: ACCOUNTS[i + 1]!, status: '22', charge: '-100', paid: '-80', icn: `I${run}${i}b`, cas: [['CO', '45', '-20']] },
      { pcn: ACCOUNTS[i]!, status: '4', charge: '50', paid: '0', cas: [['CO', '29', '50']] },
    ],
    plb: [{ reason: 'WO', reference: `I${run}${i}a`, amount: '10' }],
  });
  return writeEra([set(0), set(1), set(2)]);
}

type Mutation = { kind: 'delete' | 'replace' | 'insert'; at: number; char: string } | { kind: 'dropSegment' | 'dupSegment'; at: number } | { kind: 'truncate'; at: number };

function mutate(text: string, m: Mutation): string {
  const at = Math.floor(m.at * text.length);
  switch (m.kind) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + 1);
    case 'replace':
      return text.slice(0, at) + m.char + text.slice(at + 1);
    case 'insert':
      return text.slice(0, at) + m.char + text.slice(at);
    case 'truncate':
      return text.slice(0, at);
    case 'dropSegment':
    case 'dupSegment': {
      const segs = text.split('~\n');
      const i = Math.floor(m.at * (segs.length - 1));
      if (m.kind === 'dropSegment') segs.splice(i, 1);
      else segs.splice(i, 0, segs[i]!);
      return segs.join('~\n');
    }
  }
}

// Uniform over the text (fc.double favours values near 0, i.e. the ISA only).
const position = fc.integer({ min: 0, max: 9_999 }).map((n) => n / 10_000);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('delete' as const, 'replace' as const, 'insert' as const), at: position, char: fc.constantFrom('*', '~', ':', '^', 'X', '9', '-', '.', '\n', ' ') }),
  fc.record({ kind: fc.constantFrom('dropSegment' as const, 'dupSegment' as const, 'truncate' as const), at: position }),
);

/** Entries a full import of the accepted sets posts (every claim's account exists or is not ours). */
function expectedEntries(text: string, accepted: ReadonlySet<string>): number {
  let n = 0;
  const counted = new Set<string>();
  for (const set of parse835(text).parsed) {
    const r = set.remittance;
    if (!accepted.has(r.trace.traceNumber) || payerIdentifiers(r)[0] !== 'FUZZPAY' || counted.has(r.trace.traceNumber)) continue;
    counted.add(r.trace.traceNumber);
    const facts = { payerCode: 'FUZZPAY', traceNumber: r.trace.traceNumber, postedAt: '2026-01-01T00:00:00.000Z' };
    r.claims.forEach((c, i) => {
      if (ACCOUNTS.includes(c.patientControlNumber)) n += claimEntries(c, i, facts, { accountNumber: c.patientControlNumber, patientId: 'p', guarantorId: 'p' }).length;
    });
  }
  return n;
}

beforeAll(async () => {
  app = await TestApp.start();
  token = await app.token('era-fuzz', [Role.ADMIN]);
  await app.ok(token, UPSERT_PAYER, { input: { code: 'FUZZPAY', name: 'Fuzz payer', kind: 'COMMERCIAL' } });
  await app.ok(token, POST_ENTRIES, {
    entries: ACCOUNTS.map((a) => ({ externalId: `chg-${a}`, accountNumber: a, patientId: `P-${a}`, kind: 'CHARGE', amount: '1000.00', postedAt: '2025-12-01T00:00:00Z' })),
  });
});
afterAll(() => app.stop());

const ledgerCount = async () => Number((await app.ownerQuery(`select count(*) as n from ledger_entry where tenant_id = 'era-fuzz'`))[0].n);

it('never fails, never half-posts: the ledger grows by exactly the accepted sets', async () => {
  let run = 0;
  let sawRejection = false;
  let sawAccepted = false;
  await fc.assert(
    fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
      run += 1;
      const text = mutations.reduce(mutate, base(run));
      const before = await ledgerCount();
      const res = await app.gql(token, `mutation($c: String!) { importRemittance(content: $c, fileName: "fuzz.835") { id } }`, { c: text });
      if (res.errors) {
        // Only the edge may refuse (empty content after a truncation): then nothing was written.
        expect(res.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
        expect(await ledgerCount()).toBe(before);
        return;
      }
      const job = await app.waitForJob(token, res.data!.importRemittance.id);
      expect({ state: job.state, error: job.error }).toEqual({ state: 'COMPLETED', error: null });
      const result = JSON.parse(job.result);
      const accepted = new Set<string>(result.acceptedSets.map((s: any) => s.traceNumber));
      if (result.rejectedSets.length) sawRejection = true;
      if (accepted.size) sawAccepted = true;
      const delta = (await ledgerCount()) - before;
      expect({ delta, posted: result.entriesPosted }).toEqual({ delta: expectedEntries(text, accepted), posted: delta });
    }),
    { numRuns: 40, seed: 835, endOnFailure: true },
  );
  expect({ sawRejection, sawAccepted }).toEqual({ sawRejection: true, sawAccepted: true });
}, 240_000);
