/**
 * Readers for single 835 segments. Each validates its elements into the issue sink and returns a
 * best-effort value (empty strings where required data is missing): a set with any error is
 * rejected whole by the parser, so these values are never posted.
 */
import {
  ADJUSTMENT_GROUP_CODES,
  CLAIM_STATUS_CODES,
  type Adjustment835,
  type AdjustmentGroupCode,
  type ClaimAdjudication835,
  type ClaimStatusCode,
  type Amount835,
  type Date835,
  type Party835,
  type Payment835,
  type Procedure835,
  type ProviderAdjustment835,
  type Quantity835,
  type Reference835,
  type Trace835,
} from './x12-835.types.js';
import {
  compositeAt,
  optional,
  optionalAmount,
  optionalNumber,
  readCode,
  readDate,
  required,
  requiredAmount,
  requiredNumber,
  type IssueSink,
} from './x12-elements.js';
import { elementIssue, elementRef } from './x12-issue.js';
import { elementAt, type X12Segment } from './x12-tokenizer.js';

const HANDLING_CODES = ['C', 'D', 'H', 'I', 'P', 'U', 'X'] as const;
const PAYMENT_METHODS = ['ACH', 'BOP', 'CHK', 'FWT', 'NON'] as const;
const PLB_REASONS = [
  '50', '51', '72', '90', 'AH', 'AM', 'AP', 'B2', 'B3', 'BD', 'BN', 'C5', 'CR', 'CS', 'CT', 'CV', 'CW', 'DM',
  'E3', 'FB', 'FC', 'GO', 'HM', 'IP', 'IR', 'IS', 'J1', 'L3', 'L6', 'LE', 'LS', 'OA', 'OB', 'PI', 'PL', 'RA',
  'RE', 'SL', 'TL', 'WO', 'WU',
] as const;

/**
 * BPR: handling code and credit/debit flag change what the amount means, so bad ones are errors.
 * A missing or invalid BPR16 date is only a warning: several public guide examples misplace it, and
 * a ledger can fall back to the DTM*405 production date or the deposit date.
 */
export function readBpr(seg: X12Segment, issues: IssueSink): Payment835 {
  const handlingCode = readCode(seg, 1, issues, HANDLING_CODES, 'error');
  const amount = requiredAmount(seg, 2, issues);
  const creditDebit = readCode(seg, 3, issues, ['C', 'D'], 'error');
  const method = optional(seg, 4);
  if (method !== undefined && !(PAYMENT_METHODS as readonly string[]).includes(method)) {
    issues.push(elementIssue('warning', 'UNKNOWN_CODE', seg, 'BPR04', `"${method}" is not one of ${PAYMENT_METHODS.join(', ')}`));
  }
  const date = readDate(seg, 16, issues, true, 'warning');
  return { ordinal: seg.ordinal, handlingCode, amount, creditDebit, ...(method ? { method } : {}), ...(date ? { date } : {}) };
}

/** TRN: the trace number is the payment's key, so it is required; TRN03 only warns. */
export function readTrn(seg: X12Segment, issues: IssueSink): Trace835 {
  const typeCode = required(seg, 1, issues);
  const traceNumber = required(seg, 2, issues);
  const payerId = optional(seg, 3);
  if (payerId === undefined) {
    issues.push(elementIssue('warning', 'MISSING_ELEMENT', seg, 'TRN03', 'payer identifier is missing'));
  }
  const supplementalId = optional(seg, 4);
  return { typeCode, traceNumber, ...(payerId ? { payerId } : {}), ...(supplementalId ? { supplementalId } : {}) };
}

/** REF, and LQ which has the same qualifier/value shape. */
export function readQualified(seg: X12Segment, issues: IssueSink): Reference835 {
  return { qualifier: required(seg, 1, issues), value: required(seg, 2, issues) };
}

/** AMT: qualifier and a required amount. */
export function readAmt(seg: X12Segment, issues: IssueSink): Amount835 {
  return { qualifier: required(seg, 1, issues), amount: requiredAmount(seg, 2, issues) };
}

/** QTY: qualifier and a required quantity. */
export function readQty(seg: X12Segment, issues: IssueSink): Quantity835 {
  return { qualifier: required(seg, 1, issues), quantity: requiredNumber(seg, 2, issues) };
}

/** DTM: qualifier and a required CCYYMMDD date (a bad date is an error: lines are matched on it). */
export function readDtm(seg: X12Segment, issues: IssueSink): Date835 {
  const qualifier = required(seg, 1, issues);
  return { qualifier, date: readDate(seg, 2, issues, true) ?? '' };
}

/** NM1 in the claim loop. */
export function readNm1(seg: X12Segment, issues: IssueSink): Party835 {
  const party: Mutable<Party835> = { entityCode: required(seg, 1, issues), entityType: required(seg, 2, issues) };
  // Only the elements present become fields (set one by one: a spread per field was measurable).
  setOptional(party, 'lastOrOrganizationName', seg, 3);
  setOptional(party, 'firstName', seg, 4);
  setOptional(party, 'middleName', seg, 5);
  setOptional(party, 'suffix', seg, 7);
  setOptional(party, 'idQualifier', seg, 8);
  setOptional(party, 'id', seg, 9);
  return party;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Sets `key` to the element at `pos` when it is present. */
function setOptional<T extends object>(target: T, key: keyof T, seg: X12Segment, pos: number): void {
  const v = optional(seg, pos);
  if (v !== undefined) (target as Record<keyof T, unknown>)[key] = v;
}

/** MIA/MOA: kept as sent, with the remark codes pulled out and the main numbers validated. */
export function readAdjudication(seg: X12Segment, issues: IssueSink): ClaimAdjudication835 {
  const inpatient = seg.id === 'MIA';
  if (inpatient) {
    optionalNumber(seg, 1, issues);
    optionalAmount(seg, 4, issues);
  } else {
    optionalNumber(seg, 1, issues);
    optionalAmount(seg, 2, issues);
  }
  const remarkPositions = inpatient ? [5, 20, 21, 22, 23] : [3, 4, 5, 6, 7];
  const remarkCodes = remarkPositions.map((p) => elementAt(seg, p)).filter((v) => v !== '');
  return { kind: inpatient ? 'inpatient' : 'outpatient', remarkCodes, elements: [...seg.elements] };
}

/** CLP fields, without the loops that follow it. */
export interface ClpFields {
  readonly patientControlNumber: string;
  readonly status: ClaimStatusCode;
  readonly chargeAmount: string;
  readonly paidAmount: string;
  readonly patientResponsibility?: string;
  readonly filingIndicator?: string;
  readonly payerClaimControlNumber?: string;
  readonly facilityTypeCode?: string;
  readonly frequencyCode?: string;
}

/**
 * CLP: CLP01–04 are errors when missing or malformed (identity, status and money). CLP06 and CLP07
 * are required by the guide but not needed to post, so their absence is a warning.
 */
export function readClp(seg: X12Segment, issues: IssueSink): ClpFields {
  const patientControlNumber = required(seg, 1, issues);
  const status = readCode(seg, 2, issues, CLAIM_STATUS_CODES, 'error') as ClaimStatusCode;
  const chargeAmount = requiredAmount(seg, 3, issues);
  const paidAmount = requiredAmount(seg, 4, issues);
  const patientResponsibility = optionalAmount(seg, 5, issues);
  for (const pos of [6, 7]) {
    if (elementAt(seg, pos) === '') {
      issues.push(elementIssue('warning', 'MISSING_ELEMENT', seg, elementRef('CLP', pos), 'element required by the guide is missing'));
    }
  }
  const clp: Mutable<ClpFields> = { patientControlNumber, status, chargeAmount, paidAmount };
  if (patientResponsibility !== undefined) clp.patientResponsibility = patientResponsibility;
  setOptional(clp, 'filingIndicator', seg, 6);
  setOptional(clp, 'payerClaimControlNumber', seg, 7);
  setOptional(clp, 'facilityTypeCode', seg, 8);
  setOptional(clp, 'frequencyCode', seg, 9);
  return clp;
}

/** CAS: group code, then up to six reason/amount/quantity triplets, flattened. */
export function readCas(seg: X12Segment, issues: IssueSink): Adjustment835[] {
  const group = readCode(seg, 1, issues, ADJUSTMENT_GROUP_CODES, 'error') as AdjustmentGroupCode;
  const out: Adjustment835[] = [];
  for (let t = 0; t < 6; t++) {
    const [rp, ap, qp] = [2 + 3 * t, 3 + 3 * t, 4 + 3 * t];
    const [reason, amount, qty] = [elementAt(seg, rp), elementAt(seg, ap), elementAt(seg, qp)];
    if (t > 0 && reason === '' && amount === '' && qty === '') continue;
    // An amount without its reason (or the reverse) cannot be posted: both are required together.
    if (reason === '') required(seg, rp, issues);
    const money = requiredAmount(seg, ap, issues);
    const quantity = optionalNumber(seg, qp, issues);
    out.push({ ordinal: seg.ordinal, group, reason, amount: money, ...(quantity !== undefined ? { quantity } : {}) });
  }
  if (seg.elements.length > 19) {
    issues.push(elementIssue('error', 'TOO_MANY_ELEMENTS', seg, 'CAS20', 'CAS has more than six adjustment triplets'));
  }
  return out;
}

/** Composite procedure: qualifier and code are required; malformed composites are errors. */
function readProcedure(seg: X12Segment, pos: number, issues: IssueSink): Procedure835 {
  const parts = compositeAt(seg, pos, issues);
  const [qualifier = '', code = '', ...rest] = parts;
  const ref = elementRef(seg.id, pos);
  const value = elementAt(seg, pos);
  if (value === '') {
    required(seg, pos, issues);
  } else if (!/^[A-Z0-9]{2}$/.test(qualifier) || code === '') {
    issues.push(elementIssue('error', 'BAD_COMPOSITE', seg, ref, `"${value}" is not a procedure composite (qualifier, code, modifiers)`));
  }
  const modifiers = rest.slice(0, 4).filter((m) => m !== '');
  const description = rest[4];
  return { qualifier, code, modifiers, ...(description ? { description } : {}) };
}

/** SVC fields, without the loops that follow it. */
export interface SvcFields {
  readonly procedure: Procedure835;
  readonly chargeAmount: string;
  readonly paidAmount: string;
  readonly revenueCode?: string;
  readonly units?: string;
  readonly submittedProcedure?: Procedure835;
  readonly submittedUnits?: string;
}

/** SVC: composite procedure, charge and paid are required. */
export function readSvc(seg: X12Segment, issues: IssueSink): SvcFields {
  const procedure = readProcedure(seg, 1, issues);
  const chargeAmount = requiredAmount(seg, 2, issues);
  const paidAmount = requiredAmount(seg, 3, issues);
  const revenueCode = optional(seg, 4);
  const units = optionalNumber(seg, 5, issues);
  const submittedProcedure = elementAt(seg, 6) === '' ? undefined : readProcedure(seg, 6, issues);
  const submittedUnits = optionalNumber(seg, 7, issues);
  return {
    procedure,
    chargeAmount,
    paidAmount,
    ...(revenueCode !== undefined ? { revenueCode } : {}),
    ...(units !== undefined ? { units } : {}),
    ...(submittedProcedure ? { submittedProcedure } : {}),
    ...(submittedUnits !== undefined ? { submittedUnits } : {}),
  };
}

/** PLB: provider id, fiscal period date, then up to six (composite reason, amount) pairs. */
export function readPlb(seg: X12Segment, issues: IssueSink): ProviderAdjustment835[] {
  const providerId = required(seg, 1, issues);
  const fiscalPeriodDate = readDate(seg, 2, issues, true);
  const out: ProviderAdjustment835[] = [];
  for (let p = 0; p < 6; p++) {
    const [rp, ap] = [3 + 2 * p, 4 + 2 * p];
    if (p > 0 && elementAt(seg, rp) === '' && elementAt(seg, ap) === '') continue;
    const [reasonCode = '', reference] = compositeAt(seg, rp, issues);
    if (elementAt(seg, rp) === '') required(seg, rp, issues);
    else if (!(PLB_REASONS as readonly string[]).includes(reasonCode)) {
      issues.push(elementIssue('warning', 'UNKNOWN_CODE', seg, elementRef('PLB', rp), `"${reasonCode}" is not a known PLB adjustment reason code`));
    }
    const amount = requiredAmount(seg, ap, issues);
    out.push({
      ordinal: seg.ordinal,
      providerId,
      ...(fiscalPeriodDate ? { fiscalPeriodDate } : {}),
      reasonCode,
      ...(reference ? { reference } : {}),
      amount,
    });
  }
  if (seg.elements.length > 14) {
    issues.push(elementIssue('error', 'TOO_MANY_ELEMENTS', seg, 'PLB15', 'PLB has more than six adjustment pairs'));
  }
  return out;
}
