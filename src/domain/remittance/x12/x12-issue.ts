/**
 * Problems found while reading X12 text. Every issue names where it happened (segment ordinal,
 * segment id, element position) so an operator can find it in the file.
 */

/**
 * `error`: the input is malformed; the transaction set it belongs to is rejected whole.
 * `warning`: the input is readable but suspicious (control counts, balancing, tolerated quirks);
 * the data is returned as sent, never silently corrected.
 */
export type X12Severity = 'error' | 'warning';

/** Machine-readable kind of an issue; `message` carries the human-readable detail. */
export type X12IssueCode =
  // file and envelope
  | 'NOT_X12' // no ISA or ST segment anywhere
  | 'TEXT_SKIPPED' // text before the first ISA/ST was ignored
  | 'ISA_MALFORMED' // delimiters could not be read from the ISA
  | 'NO_ENVELOPE' // set read without ISA/GS: delimiters were detected
  | 'OUTSIDE_SET' // segments between SE and the next ST were ignored
  | 'ENVELOPE_MISMATCH' // GE/IEA counts or control numbers disagree, or GE/IEA missing
  // transaction set structure
  | 'SET_TRUNCATED' // ST without SE
  | 'NOT_835' // ST01 is not 835
  | 'UNKNOWN_SEGMENT' // segment id that is not part of an 835
  | 'UNEXPECTED_SEGMENT' // 835 segment in a place the 835 does not allow
  | 'MISSING_SEGMENT' // required segment (BPR, TRN, N1*PR, N1*PE, NM1*QC) absent
  | 'SEGMENT_COUNT' // SE01 or SE02 disagrees with the set
  // elements
  | 'MISSING_ELEMENT'
  | 'BAD_AMOUNT'
  | 'BAD_NUMBER'
  | 'BAD_DATE'
  | 'BAD_CODE'
  | 'BAD_COMPOSITE'
  | 'TOO_MANY_ELEMENTS'
  | 'COMPONENT_SEPARATOR' // composite split on a separator other than the declared one
  | 'UNKNOWN_CODE' // code outside the 835 list where the value is not needed for money
  // balancing
  | 'CLAIM_UNBALANCED'
  | 'SERVICE_UNBALANCED'
  | 'PAYMENT_UNBALANCED';

/** One problem, with its position in the file when it has one. */
export interface X12Issue {
  readonly severity: X12Severity;
  readonly code: X12IssueCode;
  /** E.g. `segment 14 (CLP) element CLP04: "12.3.4" is not a decimal amount`. */
  readonly message: string;
  /** 1-based position of the segment in the file, counting every segment of every interchange. */
  readonly ordinal?: number;
  readonly segmentId?: string;
  /** Element reference such as `CLP04`, or `SVC01-2` for a component. */
  readonly element?: string;
}

/** What an issue needs to know about a segment (kept minimal to avoid an import cycle). */
export interface IssueLocation {
  readonly ordinal: number;
  readonly id: string;
}

/** `CLP` + 4 → `CLP04`. */
export function elementRef(segmentId: string, position: number): string {
  return `${segmentId}${String(position).padStart(2, '0')}`;
}

// Garbage can make a whole line look like a segment id: keep messages readable.
const shortId = (id: string): string => (id.length > 12 ? `${id.slice(0, 12)}…` : id);

/** Issue about a whole segment: `segment 14 (CLP): detail`. */
export function segmentIssue(
  severity: X12Severity,
  code: X12IssueCode,
  at: IssueLocation,
  detail: string,
): X12Issue {
  return {
    severity,
    code,
    message: `segment ${at.ordinal} (${shortId(at.id)}): ${detail}`,
    ordinal: at.ordinal,
    segmentId: shortId(at.id),
  };
}

/** Issue about one element: `segment 14 (CLP) element CLP04: detail`. */
export function elementIssue(
  severity: X12Severity,
  code: X12IssueCode,
  at: IssueLocation,
  element: string,
  detail: string,
): X12Issue {
  return {
    severity,
    code,
    message: `segment ${at.ordinal} (${shortId(at.id)}) element ${element}: ${detail}`,
    ordinal: at.ordinal,
    segmentId: shortId(at.id),
    element,
  };
}

/** Issue with no segment to point at (e.g. text that is not X12 at all). */
export function fileIssue(severity: X12Severity, code: X12IssueCode, message: string): X12Issue {
  return { severity, code, message };
}

/** True when any issue in the list is an error. */
export function hasErrors(issues: readonly X12Issue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}
