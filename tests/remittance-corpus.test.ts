import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Role } from '../src/domain/context/role.js';
import { claimEntries, payerIdentifiers } from '../src/domain/remittance/era-posting-rules.js';
import { parse835 } from '../src/domain/remittance/x12/index.js';
import { x12CorpusDir, x12Fixture } from '../src/domain/remittance/x12/x12-test-fixtures.js';
import { POST_ENTRIES, TestApp, UPSERT_PAYER } from './support/test-app.js';

// Every public 835 sample of shared/data/x12-835 (skipped when absent) and every project fixture,
// imported end to end through GraphQL and the queue. What each should do is derived from the parser
// (whose own corpus test pins each file's sets, claims and errors) and the pure posting rules:
// accepted sets post exactly their entries, rejected sets nothing, a payer + trace seen before is a
// duplicate. Every claim's account and every payer exists, so nothing is unmatched by accident.
const corpusDir = x12CorpusDir();
const FIXTURES = ['full-5010.835', 'crlf.835', 'no-envelope.835', 'newline-terminated.835', '4010-pipe.835', 'multi-interchange.835',
  'unbalanced.835', 'bad-amount.835', 'missing-clp-elements.835', 'structure-errors.835', 'truncated.835', 'garbage.835'];

interface Source {
  name: string;
  text: string;
}

const corpus: Source[] = corpusDir
  ? readdirSync(corpusDir).filter((f) => f.endsWith('.835')).sort().map((f) => ({ name: f, text: readFileSync(path.join(corpusDir, f), 'utf8') }))
  : [];
const fixtures: Source[] = FIXTURES.map((f) => ({ name: `fixture ${f}`, text: x12Fixture(f) }));

let app: TestApp;

async function prepare(tenant: string, sources: readonly Source[]): Promise<string> {
  const token = await app.token(tenant, [Role.ADMIN]);
  const payers = new Map<string, string>();
  const accounts = new Set<string>();
  for (const { text } of sources) {
    for (const set of parse835(text).parsed) {
      const [code] = payerIdentifiers(set.remittance);
      if (code) payers.set(code, set.remittance.payer.name || code);
      for (const c of set.remittance.claims) accounts.add(c.patientControlNumber);
    }
  }
  for (const [code, name] of payers) await app.ok(token, UPSERT_PAYER, { input: { code, name: name.slice(0, 200), kind: 'OTHER' } });
  const charges = [...accounts].map((a, i) => ({ externalId: `chg-${i}`, accountNumber: a, patientId: `P-${i}`, kind: 'CHARGE', amount: '5000.00', postedAt: '2025-01-01T00:00:00Z' }));
  for (let i = 0; i < charges.length; i += 5000) await app.ok(token, POST_ENTRIES, { entries: charges.slice(i, i + 5000) });
  return token;
}

async function importAll(token: string, sources: readonly Source[]) {
  const seen = new Set<string>();
  for (const { name, text } of sources) {
    const parsed = parse835(text);
    let accepted = 0;
    let duplicates = 0;
    let entries = 0;
    for (const set of parsed.parsed) {
      const r = set.remittance;
      const key = `${payerIdentifiers(r)[0]}|${r.trace.traceNumber}`;
      if (seen.has(key)) {
        duplicates += 1;
        continue;
      }
      seen.add(key);
      accepted += 1;
      const facts = { payerCode: 'X', traceNumber: r.trace.traceNumber, postedAt: '2026-01-01T00:00:00.000Z' };
      r.claims.forEach((c, i) => (entries += claimEntries(c, i, facts, { accountNumber: c.patientControlNumber, patientId: 'p', guarantorId: 'p' }).length));
    }
    const { importRemittance } = await app.ok(token, `mutation($c: String!, $f: String!) { importRemittance(content: $c, fileName: $f) { id } }`, { c: text, f: name });
    const job = await app.waitForJob(token, importRemittance.id, 60_000);
    expect({ name, state: job.state, error: job.error }).toEqual({ name, state: 'COMPLETED', error: null });
    const result = JSON.parse(job.result);
    expect({
      name,
      accepted: result.acceptedSets.length,
      rejected: result.rejectedSets.length,
      duplicates: result.duplicateSets.length,
      entriesPosted: result.entriesPosted,
      unmatched: result.claims.unmatched,
    }).toEqual({ name, accepted, rejected: parsed.rejected.length, duplicates, entriesPosted: entries, unmatched: 0 });
    for (const set of result.rejectedSets) {
      expect(set.reason).toBe('MALFORMED');
      // Every rejection says where: segment number and id (and the element when one is at fault).
      expect(set.errors.length).toBeGreaterThan(0);
      for (const e of set.errors) expect(e.message).toMatch(/^segment \d+ \(/);
    }
    const again = await app.ok(token, `mutation($c: String!, $f: String!) { importRemittance(content: $c, fileName: $f) { id } }`, { c: text, f: name });
    const second = JSON.parse((await app.waitForJob(token, again.importRemittance.id)).result);
    expect({ name, alreadyImported: second.alreadyImported, posted: second.entriesPosted }).toEqual({ name, alreadyImported: true, posted: 0 });
  }
}

beforeAll(async () => {
  app = await TestApp.start();
});
afterAll(() => app.stop());

describe('remittance import over files nobody here wrote, and over the project fixtures', () => {
  (corpus.length ? it : it.skip)('imports every file of shared/data/x12-835 with its expected outcome', async () => {
    const token = await prepare('era-corpus', corpus);
    await importAll(token, corpus);
    // Spot checks the derivation cannot make: a denial recorded, a WO recoupment kept, a broken SVC named.
    const [denied] = await app.ownerQuery(`select count(*)::integer as n from remittance_claim where outcome = 'DENIED' and tenant_id = 'era-corpus'`);
    expect(denied.n).toBeGreaterThan(0);
    const wo = await app.ownerQuery(`select amount::text as amount from remittance_provider_adjustment where reason_code = 'WO' and tenant_id = 'era-corpus'`);
    expect(wo).toContainEqual({ amount: '-361.19' });
    const [bcbs] = await app.ownerQuery(`select r.errors from remittance r join remittance_file f on f.id = r.file_id
      where f.file_name = 'keiron-bcbs-nc-no-envelope.835' and r.status = 'REJECTED'`);
    expect(bcbs.errors.map((e: any) => e.message)).toContain('segment 28 (SVC) element SVC02: required element is missing');
  }, 240_000);

  it('imports every project fixture with its expected outcome', async () => {
    const token = await prepare('era-fixtures', fixtures);
    await importAll(token, fixtures);
  }, 120_000);
});
