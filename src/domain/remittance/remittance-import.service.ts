import { sql } from 'kysely';
import type { SqlRunner } from '../../infra/db/sql-runner.js';
import type { ClassificationService } from '../classification/classification.service.js';
import type { CreditDetectionService } from '../credits/credit-detection.service.js';
import { NotFoundError } from '../errors.js';
import { postResolvedEntries, type ResolvedEntry } from '../ledger/ledger-resolved-post.js';
import type { WorklistService } from '../worklists/worklist.service.js';
import {
  claimEntries,
  DENIED_STATUS,
  REVERSAL_STATUS,
  eraMoneyText,
  eraPostedAt,
  isStorableAmount,
  payerIdentifiers,
  unstorableAmounts,
  type EraSetFacts,
  type MatchedAccount,
} from './era-posting-rules.js';
import { claimOutcome, RemittanceStore, storedIssue, type StoredIssue } from './remittance-store.js';
import { parse835Sets, type Claim835, type Parse835Result, type ParsedSet835, type ProviderAdjustment835, type X12Issue } from './x12/index.js';
import { elementIssue } from './x12/x12-issue.js';

/** An accepted set, decided and recorded, whose claims are yet to be written and posted. */
interface AcceptedSet {
  setIndex: number;
  set: ParsedSet835;
  remittanceId: string;
  payerId: string;
  facts: EraSetFacts;
  paidBefore: Map<string, number>;
}

/** Most warnings a job result lists (all of them stay on the remittance rows). */
const MAX_LISTED_WARNINGS = 200;

export interface SetSummary {
  setIndex: number;
  controlNumber: string | null;
  traceNumber?: string | null;
  payerCode?: string | null;
  claims?: number;
  reason?: 'MALFORMED' | 'PAYER_UNMAPPED';
  errors?: StoredIssue[];
}

/** The job result of one remittance import (stored on the run, returned by `job(id)`). */
export interface RemittanceImportResult {
  fileId: string;
  fileName: string;
  bytes: number;
  /** True when the file (same content hash) had been imported already: nothing was done. */
  alreadyImported: boolean;
  acceptedSets: SetSummary[];
  rejectedSets: SetSummary[];
  /** Sets whose payer + TRN trace an earlier remittance already carried: nothing posted. */
  duplicateSets: SetSummary[];
  /** Problems outside any set that lost data: text that is not X12, segments between sets. */
  fileErrors: StoredIssue[];
  /** File-level and per-set warnings (balancing, envelopes), at most 200 listed. */
  warnings: StoredIssue[];
  warningCount: number;
  claims: { total: number; posted: number; reversed: number; denied: number; unmatched: number };
  entriesPosted: number;
  entriesSkipped: number;
  providerAdjustments: number;
  recoupmentsMatched: number;
  /** Scoped credit detection over the accounts the import posted to. */
  detection: { accountsScanned: number; opened: number; updated: number; resolved: number; classified: number } | null;
  phaseMs: { parse: number; store: number; post: number; detect: number };
}

/**
 * Parses set by set, giving the event loop a turn between sets: parsing a 20 MB file is seconds of
 * CPU, and a worker that never yields cannot renew its BullMQ lock (the job would be seen stalled).
 */
async function parseYielding(text: string): Promise<Parse835Result> {
  const sets = parse835Sets(text);
  for (;;) {
    const next = sets.next();
    if (next.done) return next.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

interface FileRow {
  id: string;
  file_name: string;
  content: string;
  status: string;
  byte_size: number;
  created_at: Date | string;
}

/**
 * Imports one staged 835 file inside the job's transaction: parse, decide each transaction set
 * (rejected when malformed or its payer maps to no tenant payer, duplicate when payer + trace was
 * already imported, else accepted), record what the payer sent, post the accepted sets' matched
 * claims through the ledger's staging path, run credit detection for the touched accounts, and
 * record PLB adjustments with their recoupment matches. Everything commits with the run, or nothing.
 */
export class RemittanceImportService {
  constructor(
    private readonly detection: CreditDetectionService,
    private readonly classification: ClassificationService,
    private readonly worklists: WorklistService,
  ) {}

  async import(
    db: SqlRunner,
    tenantId: string,
    runId: string,
    fileId: string,
    now: Date,
    progress?: (processed: number, total: number) => Promise<void>,
  ): Promise<RemittanceImportResult> {
    const file = await db.one<FileRow>(sql`
      select id, file_name, content, status, byte_size, created_at from remittance_file where id = ${fileId} for update`);
    if (!file) throw new NotFoundError('remittance file', fileId);
    const clock = { at: performance.now(), lap() { const t = performance.now(); const ms = Math.round(t - this.at); this.at = t; return ms; } };
    const result: RemittanceImportResult = {
      fileId,
      fileName: file.file_name,
      bytes: file.byte_size,
      alreadyImported: false,
      acceptedSets: [],
      rejectedSets: [],
      duplicateSets: [],
      fileErrors: [],
      warnings: [],
      warningCount: 0,
      claims: { total: 0, posted: 0, reversed: 0, denied: 0, unmatched: 0 },
      entriesPosted: 0,
      entriesSkipped: 0,
      providerAdjustments: 0,
      recoupmentsMatched: 0,
      detection: null,
      phaseMs: { parse: 0, store: 0, post: 0, detect: 0 },
    };
    const decided = new Map(
      (await db.rows<{ id: string; set_index: number; status: string }>(sql`select id, set_index, status from remittance where file_id = ${fileId}`))
        .map((r) => [r.set_index, r]),
    );
    // A file seen before is imported again only for the sets that waited for a payer mapping.
    if (file.status === 'IMPORTED' && ![...decided.values()].some((r) => r.status === 'PAYER_UNMAPPED')) {
      result.alreadyImported = true;
      return result;
    }

    const parsed = await parseYielding(file.content);
    const warn = (issues: readonly X12Issue[]) => {
      for (const i of issues) {
        if (i.severity !== 'warning') continue;
        result.warningCount += 1;
        if (result.warnings.length < MAX_LISTED_WARNINGS) result.warnings.push(storedIssue(i));
      }
    };
    warn(parsed.issues);
    result.fileErrors = parsed.issues.filter((i) => i.severity === 'error').map(storedIssue);
    const payers = new Map(
      (await db.rows<{ id: string; code: string }>(sql`select id, code from payer where tenant_id = ${tenantId}`)).map((p) => [p.code, p.id]),
    );
    const accounts = await this.matchAccounts(db, tenantId, parsed.parsed);
    const totalClaims = parsed.parsed.reduce((n, s) => n + s.remittance.claims.length, 0);
    result.phaseMs.parse = clock.lap();
    await progress?.(0, totalClaims);

    const store = new RemittanceStore(db, tenantId);
    const touched = new Set<string>();
    const plbs: { remittanceId: string; payerId: string; plb: ProviderAdjustment835; seq: number }[] = [];
    const accepted: AcceptedSet[] = [];

    // Every statement that needs an answer runs first, set by set, before any write is queued: the
    // claims loop below then never waits for PostgreSQL, which writes and posts in the background.
    for (const [setIndex, set] of parsed.sets.entries()) {
      const previous = decided.get(setIndex);
      if (previous && previous.status !== 'PAYER_UNMAPPED') continue;
      const summary: SetSummary = { setIndex, controlNumber: set.controlNumber ?? null };
      warn(set.warnings);
      if (set.status === 'rejected') {
        summary.reason = 'MALFORMED';
        summary.errors = set.errors.map(storedIssue);
        await store.saveSet(fileId, setIndex, set, 'REJECTED', null, summary.errors);
        result.rejectedSets.push(summary);
        continue;
      }
      const r = set.remittance;
      summary.traceNumber = r.trace.traceNumber;
      const storageErrors = [...unstorableAmounts(r.claims), ...this.unstorableSetAmounts(set)];
      if (storageErrors.length) {
        summary.reason = 'MALFORMED';
        summary.errors = storageErrors.map(storedIssue);
        await store.saveSet(fileId, setIndex, set, 'REJECTED', null, summary.errors, previous?.id);
        result.rejectedSets.push(summary);
        continue;
      }
      const ids = payerIdentifiers(r);
      const payerCode = ids.find((id) => payers.has(id));
      if (!payerCode) {
        summary.reason = 'PAYER_UNMAPPED';
        summary.errors = [{
          code: 'PAYER_UNMAPPED',
          message: `segment ${set.firstOrdinal} (ST): payer "${r.payer.name}" (${ids.map((id) => `"${id}"`).join(', ') || 'no identifier'}) maps to no payer of this tenant: add a payer whose code is one of these ids, then import the file again`,
          segment: set.firstOrdinal,
          segmentId: 'ST',
        }];
        if (!previous) await store.saveSet(fileId, setIndex, set, 'PAYER_UNMAPPED', null, summary.errors);
        result.rejectedSets.push(summary);
        continue;
      }
      const payerId = payers.get(payerCode)!;
      summary.payerCode = payerCode;
      const seen = await db.one<{ id: string }>(sql`
        select id from remittance where tenant_id = ${tenantId} and payer_id = ${payerId}
           and trace_number = ${r.trace.traceNumber} and status = 'ACCEPTED'`);
      if (seen) {
        await store.saveSet(fileId, setIndex, set, 'DUPLICATE', payerId, [], previous?.id);
        result.duplicateSets.push(summary);
        continue;
      }
      const remittanceId = await store.saveSet(fileId, setIndex, set, 'ACCEPTED', payerId, [], previous?.id);
      const facts = { payerCode, traceNumber: r.trace.traceNumber, postedAt: eraPostedAt(r, new Date(file.created_at)) };
      const paidBefore = await this.earlierPayments(db, tenantId, fileId, payerId, r.claims.map((c) => c.patientControlNumber));
      accepted.push({ setIndex, set, remittanceId, payerId, facts, paidBefore });
      summary.claims = r.claims.length;
      result.acceptedSets.push(summary);
    }

    let processed = 0;
    // Paying claims of this import per payer|claim|amount (reversals count -1): a repeat is a duplicate.
    const paidHere = new Map<string, number>();
    for (const { setIndex, set, remittanceId, payerId, facts, paidBefore } of accepted) {
      const r = set.remittance;
      const entries: ResolvedEntry[] = [];
      const entryClaims: Claim835[] = [];
      for (const [claimIndex, claim] of r.claims.entries()) {
        const account = accounts.get(claim.patientControlNumber);
        const paid = eraMoneyText(claim.paidAmount);
        const key = `${payerId}|${claim.patientControlNumber}|${paid.replace(/^-/, '')}`;
        const net = (paidBefore.get(key) ?? 0) + (paidHere.get(key) ?? 0);
        const paying = claim.status !== REVERSAL_STATUS && claim.status !== DENIED_STATUS && !paid.startsWith('-') && paid !== '0.00';
        if (paying || claim.status === REVERSAL_STATUS) paidHere.set(key, (paidHere.get(key) ?? 0) + (paying ? 1 : -1));
        const claimRows = account ? claimEntries(claim, claimIndex, facts, account, paying && net > 0) : [];
        for (const e of claimRows) {
          entries.push({ ...e, accountId: account!.id, payerId });
          entryClaims.push(claim);
        }
        if (account && claimRows.length) touched.add(account.id);
        store.addClaim(remittanceId, claimIndex, claim, account?.id ?? null, claimRows);
        const outcome = claimOutcome(claim, account !== undefined);
        result.claims.total += 1;
        result.claims[outcome === 'POSTED' ? 'posted' : outcome === 'REVERSED' ? 'reversed' : outcome === 'DENIED' ? 'denied' : 'unmatched'] += 1;
        processed += 1;
        if (processed % 10_000 === 0) await progress?.(processed, totalClaims);
        else if (processed % 2_000 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      // The set's entries are posted behind its remittance rows, while the next set is read.
      const label = (line: number) => {
        const claim = entryClaims[line]!;
        return `set ${set.controlNumber ?? setIndex + 1} claim ${claim.patientControlNumber} (segment ${claim.ordinal})`;
      };
      if (entries.length) {
        store.enqueue(async () => {
          const applied = await postResolvedEntries(db, tenantId, entries, label);
          result.entriesPosted += applied.posted;
          result.entriesSkipped += applied.skippedDuplicates;
        });
      }
      r.providerAdjustments.forEach((plb, i) => plbs.push({ remittanceId, payerId, plb, seq: i + 1 }));
    }
    result.phaseMs.store = clock.lap();
    // What is left of the writes and postings PostgreSQL had not finished while the claims were read.
    await store.flush();
    result.phaseMs.post = clock.lap();

    if (touched.size) {
      const detected = await this.detection.detect(db, tenantId, runId, now, { scope: { accountIds: [...touched] } });
      const { classified } = await this.classification.classify(db, tenantId, runId);
      await this.worklists.place(db, tenantId, now);
      result.detection = { accountsScanned: detected.accountsScanned, opened: detected.opened, updated: detected.updated, resolved: detected.resolved, classified };
    }
    // After detection, so a recoupment can name a credit this very import opened.
    result.providerAdjustments = plbs.length;
    result.recoupmentsMatched = await store.saveProviderAdjustments(plbs);
    result.phaseMs.detect = clock.lap();

    await db.affected(sql`
      update remittance_file set status = 'IMPORTED', imported_at = ${now.toISOString()}, import_run_id = ${runId},
             issues = ${JSON.stringify(parsed.issues.map(storedIssue))}::jsonb
       where id = ${fileId}`);
    await progress?.(totalClaims, totalClaims);
    return result;
  }

  /** Accounts named by the claims' patient control numbers (CLP01 = account number), one query. */
  private async matchAccounts(db: SqlRunner, tenantId: string, sets: readonly ParsedSet835[]): Promise<Map<string, MatchedAccount & { id: string }>> {
    const numbers = [...new Set(sets.flatMap((s) => s.remittance.claims.map((c) => c.patientControlNumber)))];
    if (!numbers.length) return new Map();
    const rows = await db.rows<{ id: string; account_number: string; patient_id: string; guarantor_id: string }>(sql`
      select id, account_number, patient_id, guarantor_id from account
       where tenant_id = ${tenantId} and account_number = any(${numbers}::text[])`);
    return new Map(rows.map((a) => [a.account_number, { id: a.id, accountNumber: a.account_number, patientId: a.patient_id, guarantorId: a.guarantor_id }]));
  }

  /**
   * Claims the payer already paid in other files' remittances (this file's are counted in memory), net of reversals, keyed
   * `payerId|patient control number|amount`: a paying claim with a positive count is paid twice.
   */
  private async earlierPayments(db: SqlRunner, tenantId: string, fileId: string, payerId: string, numbers: readonly string[]): Promise<Map<string, number>> {
    const rows = await db.rows<{ pcn: string; paid: string; net: number }>(sql`
      select c.patient_control_number as pcn, abs(c.paid_amount)::text as paid,
             (count(*) filter (where c.status_code not in ('4', '22') and c.paid_amount > 0)
              - count(*) filter (where c.status_code = '22'))::integer as net
        from remittance_claim c join remittance r on r.id = c.remittance_id
       where c.tenant_id = ${tenantId} and r.payer_id = ${payerId} and r.status = 'ACCEPTED' and r.file_id <> ${fileId}
         and c.patient_control_number = any(${[...new Set(numbers)]}::text[])
       group by 1, 2`);
    return new Map(rows.filter((r) => r.net > 0).map((r) => [`${payerId}|${r.pcn}|${r.paid}`, r.net]));
  }

  /** BPR02 and PLB amounts the remittance tables could not hold exactly. */
  private unstorableSetAmounts(set: ParsedSet835): X12Issue[] {
    const r = set.remittance;
    const issues: X12Issue[] = [];
    const bad = (text: string, ordinal: number, id: string, element: string) =>
      issues.push(elementIssue('error', 'BAD_AMOUNT', { ordinal, id }, element, `"${text}" cannot be stored as an amount (at most 12 integer and 2 fraction digits)`));
    if (!isStorableAmount(r.payment.amount)) bad(r.payment.amount, r.payment.ordinal, 'BPR', 'BPR02');
    for (const p of r.providerAdjustments) if (!isStorableAmount(p.amount)) bad(p.amount, p.ordinal, 'PLB', 'PLB04');
    return issues;
  }
}
