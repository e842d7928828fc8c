import { checkBalances } from './x12-835-balancing.js';
import {
  readAdjudication,
  readAmt,
  readBpr,
  readCas,
  readClp,
  readDtm,
  readNm1,
  readPlb,
  readQty,
  readQualified,
  readSvc,
  readTrn,
  type ClpFields,
  type SvcFields,
} from './x12-835-segments.js';
import type {
  Adjustment835,
  Amount835,
  Claim835,
  ClaimAdjudication835,
  Date835,
  Party835,
  Payee835,
  Payer835,
  Payment835,
  ProviderAdjustment835,
  Quantity835,
  Reference835,
  Remittance835,
  ServiceLine835,
  Trace835,
  TransactionSet835,
} from './x12-835.types.js';
import { optional, required } from './x12-elements.js';
import { elementIssue, hasErrors, segmentIssue, type X12Issue } from './x12-issue.js';
import { elementAt, type X12Segment } from './x12-tokenizer.js';

/** Envelope data a set inherits from its ISA/GS. */
export interface SetContext {
  readonly version?: string;
  readonly interchangeControlNumber?: string;
  readonly groupControlNumber?: string;
}

type State = 'start' | 'header' | 'payer' | 'payee' | 'detail' | 'claim' | 'service' | 'summary';

const WHERE: Record<State, string> = {
  start: 'before BPR',
  header: 'in the header, before the N1*PR payer and N1*PE payee loops',
  payer: 'in the N1*PR payer loop',
  payee: 'in the N1*PE payee loop',
  detail: 'after LX, before any CLP',
  claim: 'in a CLP claim, before its SVC lines',
  service: 'in an SVC service line',
  summary: 'after PLB (only PLB may follow)',
};

// Every segment the 835 defines; anything else inside a set is corruption, not an extension.
const KNOWN = new Set([
  'BPR', 'TRN', 'CUR', 'REF', 'DTM', 'N1', 'N2', 'N3', 'N4', 'PER', 'RDM', 'LX', 'TS3', 'TS2',
  'CLP', 'CAS', 'NM1', 'MIA', 'MOA', 'AMT', 'QTY', 'SVC', 'LQ', 'PLB',
]);
const SEGMENT_ID = /^[A-Z][A-Z0-9]{1,2}$/;

interface Bag {
  readonly references: Reference835[];
  readonly dates: Date835[];
  readonly amounts: Amount835[];
  readonly quantities: Quantity835[];
  readonly adjustments: Adjustment835[];
}
const bag = (): Bag => ({ references: [], dates: [], amounts: [], quantities: [], adjustments: [] });

interface ServiceDraft extends SvcFields, Bag {
  readonly ordinal: number;
  readonly remarks: Reference835[];
}
interface ClaimDraft extends ClpFields, Bag {
  readonly ordinal: number;
  readonly headerNumber?: string;
  readonly parties: Party835[];
  readonly adjudication: ClaimAdjudication835[];
  readonly services: ServiceDraft[];
}
interface PartyDraft {
  readonly name: string;
  readonly idQualifier?: string;
  readonly id?: string;
  readonly references: Reference835[];
}

const dateOf = (dates: readonly Date835[], qualifier: string): string | undefined =>
  dates.find((d) => d.qualifier === qualifier)?.date;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

// The drafts become the results in place: they are not used afterwards, and a copy of every claim
// and line (spread, then a field at a time) was a visible share of the parse.
function finishService(s: ServiceDraft): ServiceLine835 {
  const line = s as Mutable<ServiceLine835>;
  const [serviceDate, serviceFrom, serviceTo] = [dateOf(s.dates, '472'), dateOf(s.dates, '150'), dateOf(s.dates, '151')];
  if (serviceDate) line.serviceDate = serviceDate;
  if (serviceFrom) line.serviceFrom = serviceFrom;
  if (serviceTo) line.serviceTo = serviceTo;
  return line;
}

function finishClaim(c: ClaimDraft): Claim835 {
  const claim = c as unknown as Mutable<Claim835>;
  claim.services = c.services.map(finishService);
  const party = (code: string): Party835 | undefined => c.parties.find((p) => p.entityCode === code);
  // Only the parties and dates present become fields (a claim without them has no such keys).
  const [patient, insured, renderingProvider, correctedInsured, crossoverCarrier] = ['QC', 'IL', '82', '74', 'TT'].map(party);
  if (patient) claim.patient = patient;
  if (insured) claim.insured = insured;
  if (renderingProvider) claim.renderingProvider = renderingProvider;
  if (correctedInsured) claim.correctedInsured = correctedInsured;
  if (crossoverCarrier) claim.crossoverCarrier = crossoverCarrier;
  const [statementFrom, statementTo, receivedDate] = [dateOf(c.dates, '232'), dateOf(c.dates, '233'), dateOf(c.dates, '050')];
  if (statementFrom !== undefined) claim.statementFrom = statementFrom;
  if (statementTo !== undefined) claim.statementTo = statementTo;
  if (receivedDate !== undefined) claim.receivedDate = receivedDate;
  return claim;
}

function readParty1000(seg: X12Segment, issues: X12Issue[]): PartyDraft {
  const name = required(seg, 2, issues);
  const [idQualifier, id] = [optional(seg, 3), optional(seg, 4)];
  return { name, references: [], ...(idQualifier ? { idQualifier } : {}), ...(id ? { id } : {}) };
}

function finishPayee(p: PartyDraft): Payee835 {
  const npi = p.idQualifier === 'XX' ? p.id : undefined;
  const taxId = p.idQualifier === 'FI' ? p.id : p.references.find((r) => r.qualifier === 'TJ')?.value;
  return { ...p, ...(npi ? { npi } : {}), ...(taxId ? { taxId } : {}) };
}

/**
 * Reads one ST..SE transaction set into a {@link TransactionSet835}. `complete` is false when the
 * file ended (or another envelope began) before SE: the set is then rejected as truncated.
 *
 * Errors (set rejected): malformed or missing required elements, segments that are not 835
 * segments, 835 segments out of place (CLP before BPR/TRN/N1 loops, SVC outside a claim…), missing
 * BPR, TRN, N1*PR or N1*PE, ST01 other than 835, a missing SE.
 * Warnings (set kept): SE01/SE02 mismatch, CLP without LX, claim without NM1*QC, unknown codes
 * that do not change what the money means, tolerated separator quirks, and failed balancing.
 */
export function parseTransactionSet(segments: readonly X12Segment[], ctx: SetContext, complete: boolean): TransactionSet835 {
  const parser = new TransactionSetParser(segments[0] as X12Segment, ctx);
  const end = complete ? segments.length - 1 : segments.length;
  for (let at = 1; at < end; at++) parser.add(segments[at]!);
  return parser.finish(complete ? segments[segments.length - 1] : undefined);
}

/**
 * {@link parseTransactionSet} fed one segment at a time, as the tokenizer reads them: the set's
 * segments are garbage as soon as they are read instead of living until SE (a set of 10,000 claims
 * is ~70,000 segment objects, which the garbage collector otherwise copies and promotes).
 */
export class TransactionSetParser {
  private readonly issues: X12Issue[] = [];
  private readonly controlNumber: string;
  /** ST01 was not 835: the rest of the set is not read. */
  private readonly not835: boolean;
  private claimsSeen = 0;
  private segmentCount = 1;
  private last: X12Segment;
  private state: State = 'start';
  private payment: Payment835 | undefined;
  private trace: Trace835 | undefined;
  private payer: PartyDraft | undefined;
  private payee: PartyDraft | undefined;
  private headerNumber: string | undefined;
  private claim: ClaimDraft | undefined;
  private service: ServiceDraft | undefined;
  private readonly header = bag();
  private readonly claims: ClaimDraft[] = [];
  private readonly plbs: ProviderAdjustment835[] = [];

  constructor(
    private readonly st: X12Segment,
    private readonly ctx: SetContext,
  ) {
    this.last = st;
    this.controlNumber = required(st, 2, this.issues);
    this.not835 = elementAt(st, 1) !== '835';
    if (this.not835) this.issues.push(elementIssue('error', 'NOT_835', st, 'ST01', `"${elementAt(st, 1)}" is not an 835 transaction set`));
  }

  /** One segment after ST (SE goes to `finish`). */
  add(seg: X12Segment): void {
    this.segmentCount += 1;
    this.last = seg;
    if (this.not835) return;
    const issues = this.issues;
    if (!SEGMENT_ID.test(seg.id) || !KNOWN.has(seg.id)) {
      issues.push(segmentIssue('error', 'UNKNOWN_SEGMENT', seg, 'not a segment of the 835'));
      return;
    }
    // BPR must open the set; if it is absent, read the rest as header and report it at the end.
    if (this.state === 'start' && seg.id !== 'BPR') this.state = 'header';
    const state = this.state;
    const { claim, service } = this;
    const inLoops = state === 'payer' || state === 'payee' || state === 'detail' || state === 'claim' || state === 'service';
    const target: Bag | undefined =
      state === 'header' ? this.header : state === 'claim' ? claim : state === 'service' ? service : undefined;
    switch (seg.id) {
      case 'BPR':
        if (state !== 'start') this.unexpected(seg, 'here: BPR must be the first segment after ST, once');
        else [this.payment, this.state] = [readBpr(seg, issues), 'header'];
        break;
      case 'TRN':
        if (state !== 'header' || this.trace) this.unexpected(seg);
        else this.trace = readTrn(seg, issues);
        break;
      case 'CUR':
        if (state !== 'header') this.unexpected(seg);
        break;
      case 'N1': {
        const entity = elementAt(seg, 1);
        const ok = state === 'header' || state === 'payer' || state === 'payee';
        if (!ok) this.unexpected(seg);
        else if (entity === 'PR' && !this.payer && !this.payee) [this.payer, this.state] = [readParty1000(seg, issues), 'payer'];
        else if (entity === 'PE' && !this.payee) [this.payee, this.state] = [readParty1000(seg, issues), 'payee'];
        else this.unexpected(seg, `here: N1*${entity} (the 835 has one N1*PR loop followed by one N1*PE loop)`);
        break;
      }
      case 'N2':
      case 'N3':
      case 'N4':
      case 'RDM':
        if (state !== 'payer' && state !== 'payee') this.unexpected(seg);
        break;
      case 'PER': // payer contacts (1000A) or claim contact (2100): not needed to post
        if (state !== 'payer' && state !== 'claim') this.unexpected(seg);
        break;
      case 'REF': {
        const party = state === 'payer' ? this.payer : state === 'payee' ? this.payee : undefined;
        const holder = party ?? target;
        if (holder) holder.references.push(readQualified(seg, issues));
        else this.unexpected(seg);
        break;
      }
      case 'DTM':
        if (target) target.dates.push(readDtm(seg, issues));
        else this.unexpected(seg);
        break;
      case 'LX':
        if (!inLoops) this.unexpected(seg);
        this.headerNumber = required(seg, 1, issues);
        [this.state, this.claim, this.service] = ['detail', undefined, undefined];
        break;
      case 'TS3':
      case 'TS2':
        if (state !== 'detail') this.unexpected(seg);
        break;
      case 'CLP': {
        this.claimsSeen++;
        if (!inLoops) {
          this.unexpected(seg, state === 'summary' ? WHERE.summary : 'before the header (BPR, TRN, N1*PR and N1*PE must come first)');
          break;
        }
        if (state === 'payer' || state === 'payee') {
          issues.push(segmentIssue('warning', 'UNEXPECTED_SEGMENT', seg, 'claim is not inside an LX header loop'));
        }
        const next: ClaimDraft = {
          ...readClp(seg, issues),
          ...bag(),
          ordinal: seg.ordinal,
          ...(this.headerNumber !== undefined ? { headerNumber: this.headerNumber } : {}),
          parties: [],
          adjudication: [],
          services: [],
        };
        this.claims.push(next);
        [this.state, this.claim, this.service] = ['claim', next, undefined];
        break;
      }
      case 'CAS':
        if (state === 'claim' || state === 'service') target?.adjustments.push(...readCas(seg, issues));
        else this.unexpected(seg);
        break;
      case 'NM1':
        if (state === 'claim') claim?.parties.push(readNm1(seg, issues));
        else this.unexpected(seg);
        break;
      case 'MIA':
      case 'MOA':
        if (state === 'claim') claim?.adjudication.push(readAdjudication(seg, issues));
        else this.unexpected(seg);
        break;
      case 'AMT':
        if (state === 'claim' || state === 'service') target?.amounts.push(readAmt(seg, issues));
        else this.unexpected(seg);
        break;
      case 'QTY':
        if (state === 'claim' || state === 'service') target?.quantities.push(readQty(seg, issues));
        else this.unexpected(seg);
        break;
      case 'SVC': {
        if (!claim || (state !== 'claim' && state !== 'service')) {
          this.unexpected(seg);
          break;
        }
        const next: ServiceDraft = { ...readSvc(seg, issues), ...bag(), ordinal: seg.ordinal, remarks: [] };
        claim.services.push(next);
        [this.state, this.service] = ['service', next];
        break;
      }
      case 'LQ':
        if (state === 'service') service?.remarks.push(readQualified(seg, issues));
        else this.unexpected(seg);
        break;
      case 'PLB':
        if (!inLoops && state !== 'summary') this.unexpected(seg);
        else this.plbs.push(...readPlb(seg, issues));
        this.state = 'summary';
        break;
    }
  }

  /** The set, read to its SE (`se`), or to where the file or envelope cut it short (no `se`). */
  finish(se?: X12Segment): TransactionSet835 {
    const { issues, st, controlNumber, payment, trace, payer, payee } = this;
    if (se) {
      this.segmentCount += 1;
      this.last = se;
    }
    const last = this.last;
    const reject = (): TransactionSet835 => ({
      status: 'rejected',
      ...(controlNumber ? { controlNumber } : {}),
      firstOrdinal: st.ordinal,
      lastOrdinal: last.ordinal,
      errors: issues.filter((i) => i.severity === 'error'),
      warnings: issues.filter((i) => i.severity === 'warning'),
      claimsSeen: this.claimsSeen,
    });
    if (this.not835) return reject();

    const missing = (what: string): void => {
      issues.push(segmentIssue('error', 'MISSING_SEGMENT', st, `transaction set has no ${what}`));
    };
    if (!payment) missing('BPR payment segment');
    if (!trace) missing('TRN trace segment');
    if (!payer) missing('N1*PR payer loop');
    if (!payee) missing('N1*PE payee loop');
    for (const c of this.claims) {
      if (!c.parties.some((p) => p.entityCode === 'QC')) {
        issues.push(segmentIssue('warning', 'MISSING_SEGMENT', { ordinal: c.ordinal, id: 'CLP' }, 'claim has no NM1*QC patient'));
      }
    }
    if (!se) {
      issues.push(segmentIssue('error', 'SET_TRUNCATED', st, `transaction set ${controlNumber} has no SE: the file is truncated or the set is not closed`));
    } else {
      const se01 = elementAt(se, 1);
      if (se01 !== String(this.segmentCount)) {
        issues.push(elementIssue('warning', 'SEGMENT_COUNT', se, 'SE01', `"${se01}" but the set has ${this.segmentCount} segments`));
      }
      if (elementAt(se, 2) !== controlNumber) {
        issues.push(elementIssue('warning', 'SEGMENT_COUNT', se, 'SE02', `"${elementAt(se, 2)}" differs from ST02 "${controlNumber}"`));
      }
    }
    if (hasErrors(issues) || !payment || !trace || !payer || !payee) return reject();

    const { ctx } = this;
    const version = ctx.version ?? optional(st, 3);
    const remittance: Remittance835 = {
      controlNumber,
      ...(version ? { version } : {}),
      ...(ctx.interchangeControlNumber ? { interchangeControlNumber: ctx.interchangeControlNumber } : {}),
      ...(ctx.groupControlNumber ? { groupControlNumber: ctx.groupControlNumber } : {}),
      payment,
      trace,
      payer: payer satisfies Payer835,
      payee: finishPayee(payee),
      references: this.header.references,
      dates: this.header.dates,
      claims: this.claims.map(finishClaim),
      providerAdjustments: this.plbs,
    };
    return {
      status: 'parsed',
      controlNumber,
      firstOrdinal: st.ordinal,
      lastOrdinal: last.ordinal,
      remittance,
      errors: [],
      warnings: [...issues, ...checkBalances(remittance)],
    };
  }

  private unexpected(seg: X12Segment, why = WHERE[this.state]): void {
    this.issues.push(segmentIssue('error', 'UNEXPECTED_SEGMENT', seg, `not allowed ${why}`));
  }
}
