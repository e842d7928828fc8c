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
import type { Claim835, ParsedSet835, ProviderAdjustment835, TransactionSet835, X12Issue } from './x12/index.js';
import { EraSetReader, estimatedClaims } from './era-set-reader.js';
import { elementIssue } from './x12/x12-issue.js';

/** An accepted set, decided and recorded, whose claims are yet to be written and posted. */
interface AcceptedSet {
  setIndex: number;
  set: ParsedSet835;
  remittanceId: string;
  payerId: string;
  facts: EraSetFacts;
  paidBefore: Map<string, number>;
  accounts: Map<string, ClaimAccount>;
}

/** What one import carries from set to set. */
interface ImportRun {
  db: SqlRunner;
  tenantId: string;
  fileId: string;
  fileCreatedAt: Date;
  result: RemittanceImportResult;
  /** Tenant payer ids by code. */
  payers: Map<string, string>;
  /** Sets an earlier import of the file decided, by set index. */
  decided: Map<number, { id: string; status: string }>;
  store: RemittanceStore;
  /** Accounts posted to: detection runs for them. */
  touched: Set<string>;
  plbs: { remittanceId: string; payerId: string; plb: ProviderAdjustment835; seq: number }[];
  /** Paying claims of this import per payer|claim|amount (reversals count -1): a repeat is a duplicate. */
  paidHere: Map<string, number>;
  /** The sets' warnings, in file order (listed after the file-level ones). */
  setWarnings: X12Issue[];
  progress: (processed: number) => Promise<void>;
}

/** Longest stretch of claim recording between two turns of the event loop. */
const SLICE_MS = 10;

/** The account a claim matched, and whether it had a primary payer when its set was decided. */
interface ClaimAccount extends MatchedAccount {
  id: string;
  hasPrimaryPayer: boolean;
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
  /**
   * Where the time went, ms. Parsing, recording and PostgreSQL's writes overlap, so: `parse` is
   * Node's time in the parser; `store` the rest of the time until the last claim was recorded
   * (deciding sets, recording claims, waiting for answers queued behind earlier sets' writes);
   * `post` the wait after that for what PostgreSQL had not written and posted yet; `detect` the
   * scoped detection and PLB matching. Together the import's wall time.
   */
  phaseMs: { parse: number; store: number; post: number; detect: number };
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
 * Imports one staged 835 file inside the job's transaction, set by set as the file is parsed:
 * decide each transaction set (rejected when malformed or its payer maps to no tenant payer,
 * duplicate when payer + trace was already imported, else accepted), record what the payer sent,
 * post the accepted sets' matched claims straight into the ledger (postResolvedEntries); then run
 * credit detection for the touched accounts and record PLB adjustments with their recoupment
 * matches. Everything commits with the run, or nothing.
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

    const reader = new EraSetReader(file.content);
    const payers = new Map(
      (await db.rows<{ id: string; code: string }>(sql`select id, code from payer where tenant_id = ${tenantId}`)).map((p) => [p.code, p.id]),
    );
    const expectedClaims = estimatedClaims(file.content);
    await progress?.(0, expectedClaims);

    const run: ImportRun = {
      db, tenantId, fileId, result, payers, decided,
      fileCreatedAt: new Date(file.created_at),
      store: new RemittanceStore(db, tenantId),
      touched: new Set<string>(),
      plbs: [],
      paidHere: new Map(),
      setWarnings: [],
      progress: async (processed) => progress?.(processed, Math.max(processed, expectedClaims)),
    };
    // Set by set as the file is read. On the one connection, set k's posting is queued behind set
    // k+1's decision (statements Node needs answers from), so that PostgreSQL posts set k while
    // Node records set k+1, and parses set k+2 in between.
    let postPrevious: (() => void) | undefined;
    const post = () => {
      postPrevious?.();
      postPrevious = undefined;
    };
    try {
      for (let setIndex = 0; ; setIndex++) {
        const next = reader.next();
        if (!reader.ready) post(); // the next set is still being parsed: PostgreSQL need not wait for it
        const set = await next;
        if (!set) break;
        const accepted = await this.decideSet(run, setIndex, set);
        post();
        if (accepted) postPrevious = await this.recordSet(run, accepted);
      }
      post();
    } catch (error) {
      await run.store.settle(); // a failed write is the cause to report, not the aborted transaction after it
      throw error;
    }
    const fileIssues = reader.result.issues;
    for (const i of [...fileIssues, ...run.setWarnings]) {
      if (i.severity !== 'warning') continue;
      result.warningCount += 1;
      if (result.warnings.length < MAX_LISTED_WARNINGS) result.warnings.push(storedIssue(i));
    }
    result.fileErrors = fileIssues.filter((i) => i.severity === 'error').map(storedIssue);
    result.phaseMs.parse = Math.round(reader.parseMs);
    result.phaseMs.store = clock.lap() - result.phaseMs.parse;
    // What is left of the writes and postings PostgreSQL had not finished while the claims were read.
    await run.store.flush();
    result.phaseMs.post = clock.lap();

    if (run.touched.size) {
      const detected = await this.detection.detect(db, tenantId, runId, now, { scope: { accountIds: [...run.touched] } });
      const { classified } = await this.classification.classify(db, tenantId, runId);
      await this.worklists.place(db, tenantId, now);
      result.detection = { accountsScanned: detected.accountsScanned, opened: detected.opened, updated: detected.updated, resolved: detected.resolved, classified };
    }
    // After detection, so a recoupment can name a credit this very import opened.
    result.providerAdjustments = run.plbs.length;
    result.recoupmentsMatched = await run.store.saveProviderAdjustments(run.plbs);
    result.phaseMs.detect = clock.lap();

    await db.affected(sql`
      update remittance_file set status = 'IMPORTED', imported_at = ${now.toISOString()}, import_run_id = ${runId},
             issues = ${JSON.stringify(fileIssues.map(storedIssue))}::jsonb
       where id = ${fileId}`);
    await progress?.(result.claims.total, result.claims.total);
    return result;
  }

  /**
   * Decides one transaction set: rejected when malformed or its payer maps to no tenant payer,
   * duplicate when payer + trace was already imported, else accepted (its remittance row written,
   * its claims' accounts and earlier payments looked up). A set decided by an earlier import of the
   * file is skipped unless it waited for a payer mapping.
   */
  private async decideSet(run: ImportRun, setIndex: number, set: TransactionSet835): Promise<AcceptedSet | undefined> {
    const { db, tenantId, fileId, result, store } = run;
    const previous = run.decided.get(setIndex);
    if (previous && previous.status !== 'PAYER_UNMAPPED') return undefined;
    const summary: SetSummary = { setIndex, controlNumber: set.controlNumber ?? null };
    run.setWarnings.push(...set.warnings);
    if (set.status === 'rejected') {
      summary.reason = 'MALFORMED';
      summary.errors = set.errors.map(storedIssue);
      await store.saveSet(fileId, setIndex, set, 'REJECTED', null, summary.errors);
      result.rejectedSets.push(summary);
      return undefined;
    }
    const r = set.remittance;
    summary.traceNumber = r.trace.traceNumber;
    const storageErrors = [...unstorableAmounts(r.claims), ...this.unstorableSetAmounts(set)];
    if (storageErrors.length) {
      summary.reason = 'MALFORMED';
      summary.errors = storageErrors.map(storedIssue);
      await store.saveSet(fileId, setIndex, set, 'REJECTED', null, summary.errors, previous?.id);
      result.rejectedSets.push(summary);
      return undefined;
    }
    const ids = payerIdentifiers(r);
    const payerCode = ids.find((id) => run.payers.has(id));
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
      return undefined;
    }
    const payerId = run.payers.get(payerCode)!;
    summary.payerCode = payerCode;
    const seen = await db.one<{ id: string }>(sql`
      select id from remittance where tenant_id = ${tenantId} and payer_id = ${payerId}
         and trace_number = ${r.trace.traceNumber} and status = 'ACCEPTED'`);
    if (seen) {
      await store.saveSet(fileId, setIndex, set, 'DUPLICATE', payerId, [], previous?.id);
      result.duplicateSets.push(summary);
      return undefined;
    }
    const numbers = r.claims.map((c) => c.patientControlNumber);
    const [remittanceId, accounts, paidBefore] = await Promise.all([
      store.saveSet(fileId, setIndex, set, 'ACCEPTED', payerId, [], previous?.id),
      this.matchAccounts(db, tenantId, numbers),
      this.earlierPayments(db, tenantId, fileId, payerId, numbers),
    ]);
    summary.claims = r.claims.length;
    result.acceptedSets.push(summary);
    const facts = { payerCode, traceNumber: r.trace.traceNumber, postedAt: eraPostedAt(r, run.fileCreatedAt) };
    return { setIndex, set, remittanceId, payerId, facts, paidBefore, accounts };
  }

  /**
   * Buffers the set's claims for writing and builds their entries; returns what queues the entries'
   * posting (the caller decides when). Nothing here waits for PostgreSQL.
   */
  private async recordSet(
    run: ImportRun,
    { setIndex, set, remittanceId, payerId, facts, paidBefore, accounts }: AcceptedSet,
  ): Promise<(() => void) | undefined> {
    const { result, store, paidHere } = run;
    const r = set.remittance;
    const entries: ResolvedEntry[] = [];
    const entryClaims: Claim835[] = [];
    let slice = performance.now();
    for (const [claimIndex, claim] of r.claims.entries()) {
      const account = accounts.get(claim.patientControlNumber);
      const paid = eraMoneyText(claim.paidAmount);
      const key = `${payerId}|${claim.patientControlNumber}|${paid.startsWith('-') ? paid.slice(1) : paid}`;
      const net = (paidBefore.get(key) ?? 0) + (paidHere.get(key) ?? 0);
      const paying = claim.status !== REVERSAL_STATUS && claim.status !== DENIED_STATUS && !paid.startsWith('-') && paid !== '0.00';
      if (paying || claim.status === REVERSAL_STATUS) paidHere.set(key, (paidHere.get(key) ?? 0) + (paying ? 1 : -1));
      const claimRows = account ? claimEntries(claim, claimIndex, facts, account, paying && net > 0) : [];
      for (const e of claimRows) {
        // The rules' entry, resolved in place (a copy per entry was a measurable share of the import).
        const resolved = e as ResolvedEntry;
        resolved.accountId = account!.id;
        resolved.payerId = payerId;
        entries.push(resolved);
        entryClaims.push(claim);
      }
      if (account && claimRows.length) run.touched.add(account.id);
      store.addClaim(remittanceId, claimIndex, claim, account?.id ?? null, claimRows);
      const outcome = claimOutcome(claim, account !== undefined);
      result.claims.total += 1;
      result.claims[outcome === 'POSTED' ? 'posted' : outcome === 'REVERSED' ? 'reversed' : outcome === 'DENIED' ? 'denied' : 'unmatched'] += 1;
      if (result.claims.total % 10_000 === 0) await run.progress(result.claims.total);
      if (performance.now() - slice >= SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve)); // PostgreSQL's next statement, the next set's parse, the job lock
        slice = performance.now();
      }
    }
    const label = (line: number) => {
      const claim = entryClaims[line]!;
      return `set ${set.controlNumber ?? setIndex + 1} claim ${claim.patientControlNumber} (segment ${claim.ordinal})`;
    };
    const accountsWithPrimaryPayer = new Set<string>();
    for (const a of accounts.values()) if (a.hasPrimaryPayer) accountsWithPrimaryPayer.add(a.id);
    r.providerAdjustments.forEach((plb, i) => run.plbs.push({ remittanceId, payerId, plb, seq: i + 1 }));
    if (!entries.length) return undefined;
    return () =>
      store.enqueue(async () => {
        const applied = await postResolvedEntries(run.db, run.tenantId, entries, label, { accountsWithPrimaryPayer });
        result.entriesPosted += applied.posted;
        result.entriesSkipped += applied.skippedDuplicates;
      });
  }

  /**
   * Accounts named by a set's patient control numbers (CLP01 = account number), one query: a probe
   * of the account-number index per claim (the set's claims, not the tenant's accounts, bound the
   * work; `offset 0` keeps the probe per number whatever the statistics say).
   */
  private async matchAccounts(db: SqlRunner, tenantId: string, pcns: readonly string[]): Promise<Map<string, ClaimAccount>> {
    const numbers = [...new Set(pcns)];
    if (!numbers.length) return new Map();
    const rows = await db.rows<{ id: string; account_number: string; patient_id: string; guarantor_id: string; has_payer: boolean }>(sql`
      select a.id, a.account_number, a.patient_id, a.guarantor_id, a.primary_payer_id is not null as has_payer
        from unnest(${numbers}::text[]) as n(account_number)
        cross join lateral (select * from account a where a.tenant_id = ${tenantId} and a.account_number = n.account_number offset 0) a`);
    return new Map(rows.map((a) => [
      a.account_number,
      { id: a.id, accountNumber: a.account_number, patientId: a.patient_id, guarantorId: a.guarantor_id, hasPrimaryPayer: a.has_payer },
    ]));
  }

  /**
   * Claims the payer already paid in other files' remittances (this file's are counted in memory), net of reversals, keyed
   * `payerId|patient control number|amount`: a paying claim with a positive count is paid twice. A probe of the
   * claim-number index per claim of the set: the work follows the set, not the payer's history, nor this file's claims
   * already written (`offset 0` keeps the probe whatever the statistics say). None at all when the payer has no accepted
   * remittance in another file (its first remittances here): one index probe of `remittance` decides that first.
   */
  private async earlierPayments(db: SqlRunner, tenantId: string, fileId: string, payerId: string, numbers: readonly string[]): Promise<Map<string, number>> {
    const rows = await db.rows<{ pcn: string; paid: string; net: number }>(sql`
      select c.patient_control_number as pcn, abs(c.paid_amount)::text as paid,
             (count(*) filter (where c.status_code not in ('4', '22') and c.paid_amount > 0)
              - count(*) filter (where c.status_code = '22'))::integer as net
        from unnest(${[...new Set(numbers)]}::text[]) as n(pcn)
        cross join lateral (
          select c.patient_control_number, c.paid_amount, c.status_code
            from remittance_claim c join remittance r on r.id = c.remittance_id
           where c.tenant_id = ${tenantId} and c.patient_control_number = n.pcn
             and r.payer_id = ${payerId} and r.status = 'ACCEPTED' and r.file_id <> ${fileId}
          offset 0) c
       where exists (select 1 from remittance r where r.tenant_id = ${tenantId} and r.payer_id = ${payerId}
                        and r.status = 'ACCEPTED' and r.file_id <> ${fileId})
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
