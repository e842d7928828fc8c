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

/** A point in a long parse where the caller may let other work run (see parse835Steps). */
export const PARSE_PAUSE: unique symbol = Symbol('x12 parse pause');
export type ParsePause = typeof PARSE_PAUSE;
/** Segments read between two pauses. */
export const PAUSE_SEGMENTS = 2_000;

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

function finishService(s: ServiceDraft): ServiceLine835 {
  const [serviceDate, serviceFrom, serviceTo] = ['472', '150', '151'].map((q) => dateOf(s.dates, q));
  return {
    ...s,
    ...(serviceDate ? { serviceDate } : {}),
    ...(serviceFrom ? { serviceFrom } : {}),
    ...(serviceTo ? { serviceTo } : {}),
  };
}

function finishClaim(c: ClaimDraft): Claim835 {
  const party = (code: string): Party835 | undefined => c.parties.find((p) => p.entityCode === code);
  const claim: { -readonly [K in keyof Claim835]: Claim835[K] } = { ...c, services: c.services.map(finishService) };
  // Only the parties and dates present become fields (a claim without them has no such keys).
  const set = <K extends keyof Claim835>(key: K, value: Claim835[K] | undefined): void => {
    if (value !== undefined) claim[key] = value;
  };
  set('patient', party('QC'));
  set('insured', party('IL'));
  set('renderingProvider', party('82'));
  set('correctedInsured', party('74'));
  set('crossoverCarrier', party('TT'));
  set('statementFrom', dateOf(c.dates, '232'));
  set('statementTo', dateOf(c.dates, '233'));
  set('receivedDate', dateOf(c.dates, '050'));
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
  const steps = parseTransactionSetSteps(segments, ctx, complete);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * {@link parseTransactionSet}, yielding {@link PARSE_PAUSE} every {@link PAUSE_SEGMENTS} segments: a set of
 * 10,000 claims is ~70,000 segments, and a caller that shares its thread with database I/O (the
 * import feeds PostgreSQL the previous set's writes meanwhile) must not hold it that long.
 */
export function* parseTransactionSetSteps(segments: readonly X12Segment[], ctx: SetContext, complete: boolean): Generator<ParsePause, TransactionSet835> {
  const issues: X12Issue[] = [];
  const st = segments[0] as X12Segment;
  const last = segments[segments.length - 1] as X12Segment;
  const controlNumber = required(st, 2, issues);
  let claimsSeen = 0;
  const reject = (): TransactionSet835 => ({
    status: 'rejected',
    ...(controlNumber ? { controlNumber } : {}),
    firstOrdinal: st.ordinal,
    lastOrdinal: last.ordinal,
    errors: issues.filter((i) => i.severity === 'error'),
    warnings: issues.filter((i) => i.severity === 'warning'),
    claimsSeen,
  });
  if (elementAt(st, 1) !== '835') {
    issues.push(elementIssue('error', 'NOT_835', st, 'ST01', `"${elementAt(st, 1)}" is not an 835 transaction set`));
    return reject();
  }

  let state: State = 'start';
  let payment: Payment835 | undefined;
  let trace: Trace835 | undefined;
  let payer: PartyDraft | undefined;
  let payee: PartyDraft | undefined;
  let headerNumber: string | undefined;
  let claim: ClaimDraft | undefined;
  let service: ServiceDraft | undefined;
  const header = bag();
  const claims: ClaimDraft[] = [];
  const plbs: ProviderAdjustment835[] = [];

  const end = complete ? segments.length - 1 : segments.length;
  for (let at = 1; at < end; at++) {
    const seg = segments[at]!;
    if (at % PAUSE_SEGMENTS === 0) yield PARSE_PAUSE;
    if (!SEGMENT_ID.test(seg.id) || !KNOWN.has(seg.id)) {
      issues.push(segmentIssue('error', 'UNKNOWN_SEGMENT', seg, 'not a segment of the 835'));
      continue;
    }
    // BPR must open the set; if it is absent, read the rest as header and report it at the end.
    if (state === 'start' && seg.id !== 'BPR') state = 'header';
    const unexpected = (why = WHERE[state]): void => {
      issues.push(segmentIssue('error', 'UNEXPECTED_SEGMENT', seg, `not allowed ${why}`));
    };
    const inLoops = state === 'payer' || state === 'payee' || state === 'detail' || state === 'claim' || state === 'service';
    const target: Bag | undefined =
      state === 'header' ? header : state === 'claim' ? claim : state === 'service' ? service : undefined;
    switch (seg.id) {
      case 'BPR':
        if (state !== 'start') unexpected('here: BPR must be the first segment after ST, once');
        else [payment, state] = [readBpr(seg, issues), 'header'];
        break;
      case 'TRN':
        if (state !== 'header' || trace) unexpected();
        else trace = readTrn(seg, issues);
        break;
      case 'CUR':
        if (state !== 'header') unexpected();
        break;
      case 'N1': {
        const entity = elementAt(seg, 1);
        const ok = state === 'header' || state === 'payer' || state === 'payee';
        if (!ok) unexpected();
        else if (entity === 'PR' && !payer && !payee) [payer, state] = [readParty1000(seg, issues), 'payer'];
        else if (entity === 'PE' && !payee) [payee, state] = [readParty1000(seg, issues), 'payee'];
        else unexpected(`here: N1*${entity} (the 835 has one N1*PR loop followed by one N1*PE loop)`);
        break;
      }
      case 'N2':
      case 'N3':
      case 'N4':
      case 'RDM':
        if (state !== 'payer' && state !== 'payee') unexpected();
        break;
      case 'PER': // payer contacts (1000A) or claim contact (2100): not needed to post
        if (state !== 'payer' && state !== 'claim') unexpected();
        break;
      case 'REF': {
        const party = state === 'payer' ? payer : state === 'payee' ? payee : undefined;
        const holder = party ?? target;
        if (holder) holder.references.push(readQualified(seg, issues));
        else unexpected();
        break;
      }
      case 'DTM':
        if (target) target.dates.push(readDtm(seg, issues));
        else unexpected();
        break;
      case 'LX':
        if (!inLoops) unexpected();
        headerNumber = required(seg, 1, issues);
        [state, claim, service] = ['detail', undefined, undefined];
        break;
      case 'TS3':
      case 'TS2':
        if (state !== 'detail') unexpected();
        break;
      case 'CLP':
        claimsSeen++;
        if (!inLoops) {
          unexpected(state === 'summary' ? WHERE.summary : 'before the header (BPR, TRN, N1*PR and N1*PE must come first)');
          break;
        }
        if (state === 'payer' || state === 'payee') {
          issues.push(segmentIssue('warning', 'UNEXPECTED_SEGMENT', seg, 'claim is not inside an LX header loop'));
        }
        claim = {
          ...readClp(seg, issues),
          ...bag(),
          ordinal: seg.ordinal,
          ...(headerNumber !== undefined ? { headerNumber } : {}),
          parties: [],
          adjudication: [],
          services: [],
        };
        claims.push(claim);
        [state, service] = ['claim', undefined];
        break;
      case 'CAS':
        if (state === 'claim' || state === 'service') target?.adjustments.push(...readCas(seg, issues));
        else unexpected();
        break;
      case 'NM1':
        if (state === 'claim') claim?.parties.push(readNm1(seg, issues));
        else unexpected();
        break;
      case 'MIA':
      case 'MOA':
        if (state === 'claim') claim?.adjudication.push(readAdjudication(seg, issues));
        else unexpected();
        break;
      case 'AMT':
        if (state === 'claim' || state === 'service') target?.amounts.push(readAmt(seg, issues));
        else unexpected();
        break;
      case 'QTY':
        if (state === 'claim' || state === 'service') target?.quantities.push(readQty(seg, issues));
        else unexpected();
        break;
      case 'SVC':
        if (!claim || (state !== 'claim' && state !== 'service')) {
          unexpected();
          break;
        }
        service = { ...readSvc(seg, issues), ...bag(), ordinal: seg.ordinal, remarks: [] };
        claim.services.push(service);
        state = 'service';
        break;
      case 'LQ':
        if (state === 'service') service?.remarks.push(readQualified(seg, issues));
        else unexpected();
        break;
      case 'PLB':
        if (!inLoops && state !== 'summary') unexpected();
        else plbs.push(...readPlb(seg, issues));
        state = 'summary';
        break;
    }
  }

  const missing = (what: string): void => {
    issues.push(segmentIssue('error', 'MISSING_SEGMENT', st, `transaction set has no ${what}`));
  };
  if (!payment) missing('BPR payment segment');
  if (!trace) missing('TRN trace segment');
  if (!payer) missing('N1*PR payer loop');
  if (!payee) missing('N1*PE payee loop');
  for (const c of claims) {
    if (!c.parties.some((p) => p.entityCode === 'QC')) {
      issues.push(segmentIssue('warning', 'MISSING_SEGMENT', { ordinal: c.ordinal, id: 'CLP' }, 'claim has no NM1*QC patient'));
    }
  }
  if (!complete) {
    issues.push(segmentIssue('error', 'SET_TRUNCATED', st, `transaction set ${controlNumber} has no SE: the file is truncated or the set is not closed`));
  } else {
    const se01 = elementAt(last, 1);
    if (se01 !== String(segments.length)) {
      issues.push(elementIssue('warning', 'SEGMENT_COUNT', last, 'SE01', `"${se01}" but the set has ${segments.length} segments`));
    }
    if (elementAt(last, 2) !== controlNumber) {
      issues.push(elementIssue('warning', 'SEGMENT_COUNT', last, 'SE02', `"${elementAt(last, 2)}" differs from ST02 "${controlNumber}"`));
    }
  }
  if (hasErrors(issues) || !payment || !trace || !payer || !payee) return reject();

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
    references: header.references,
    dates: header.dates,
    claims: claims.map(finishClaim),
    providerAdjustments: plbs,
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
