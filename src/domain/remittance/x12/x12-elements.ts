import { elementIssue, elementRef, type X12Issue, type X12Severity } from './x12-issue.js';
import { COMPONENT_SEPARATOR_CANDIDATES, componentsAt, elementAt, type X12Segment } from './x12-tokenizer.js';

/**
 * Exact decimal text as sent in the file (e.g. `"810.8"`, `"-9.00"`), validated against the X12
 * `R` type. Never converted to a JS number; use decimal.js for arithmetic.
 */
export type MoneyText = string;

/** Calendar date as `YYYY-MM-DD`, converted from the X12 `CCYYMMDD` form. */
export type IsoDate = string;

// X12 R: optional minus, digits with an optional fraction; at most 18 digits (R 1/18).
const DECIMAL = /^-?(?:\d+(?:\.\d+)?|\.\d+)$/;
const MAX_DIGITS = 18;

/** True when `text` is an X12 decimal (`R`) value that fits in 18 digits. */
export function isX12Decimal(text: string): boolean {
  if (!DECIMAL.test(text)) return false;
  // Sign and point aside, the length is the digit count: count only when it might be too many.
  return text.length <= MAX_DIGITS || text.replace(/[^0-9]/g, '').length <= MAX_DIGITS;
}

/** Collects issues while reading one transaction set. */
export type IssueSink = X12Issue[];

/** Required element: records a MISSING_ELEMENT error and returns `''` when absent. */
export function required(seg: X12Segment, pos: number, issues: IssueSink): string {
  const value = elementAt(seg, pos);
  if (value === '') {
    issues.push(elementIssue('error', 'MISSING_ELEMENT', seg, elementRef(seg.id, pos), 'required element is missing'));
  }
  return value;
}

/** Optional element: `undefined` when absent. */
export function optional(seg: X12Segment, pos: number): string | undefined {
  const value = elementAt(seg, pos);
  return value === '' ? undefined : value;
}

function checkDecimal(seg: X12Segment, pos: number, issues: IssueSink, what: string, isMoney: boolean): string | undefined {
  const value = elementAt(seg, pos);
  if (value === '') return undefined;
  if (!isX12Decimal(value)) {
    const ref = elementRef(seg.id, pos);
    issues.push(elementIssue('error', isMoney ? 'BAD_AMOUNT' : 'BAD_NUMBER', seg, ref, `"${value}" is not ${what}`));
  }
  return value;
}

/** Required money element; errors when missing or not a decimal. Returns `''` when missing. */
export function requiredAmount(seg: X12Segment, pos: number, issues: IssueSink): MoneyText {
  if (elementAt(seg, pos) === '') return required(seg, pos, issues);
  return checkDecimal(seg, pos, issues, 'a decimal amount', true) ?? '';
}

/** Optional money element; errors when present and not a decimal. */
export function optionalAmount(seg: X12Segment, pos: number, issues: IssueSink): MoneyText | undefined {
  return checkDecimal(seg, pos, issues, 'a decimal amount', true);
}

/** Optional quantity/percentage element (X12 R); errors when present and not numeric. */
export function optionalNumber(seg: X12Segment, pos: number, issues: IssueSink): string | undefined {
  return checkDecimal(seg, pos, issues, 'a number', false);
}

/** Required quantity element. */
export function requiredNumber(seg: X12Segment, pos: number, issues: IssueSink): string {
  if (elementAt(seg, pos) === '') return required(seg, pos, issues);
  return checkDecimal(seg, pos, issues, 'a number', false) ?? '';
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * `CCYYMMDD` → `YYYY-MM-DD`, or `undefined` when not a real calendar date (proleptic Gregorian).
 * Years below 100 are refused, as `Date.UTC` (which would read them as 19xx) refused them. Read
 * digit by digit: a regular expression and a Date per date was a visible share of parsing 100,000
 * claims.
 */
export function toIsoDate(text: string): IsoDate | undefined {
  if (text.length !== 8) return undefined;
  let [y, mo, d] = [0, 0, 0];
  for (let i = 0; i < 8; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    if (i < 4) y = y * 10 + digit;
    else if (i < 6) mo = mo * 10 + digit;
    else d = d * 10 + digit;
  }
  if (y < 100 || mo < 1 || mo > 12 || d < 1) return undefined;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!)) return undefined;
  return `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6)}`;
}

/**
 * Date element (`CCYYMMDD`): reports a missing required date or one that is not a calendar date,
 * with `severity` (an error unless the caller has a fallback for the date).
 */
export function readDate(
  seg: X12Segment,
  pos: number,
  issues: IssueSink,
  isRequired: boolean,
  severity: X12Severity = 'error',
): IsoDate | undefined {
  const value = elementAt(seg, pos);
  if (value === '') {
    if (isRequired) issues.push(elementIssue(severity, 'MISSING_ELEMENT', seg, elementRef(seg.id, pos), 'required date is missing'));
    return undefined;
  }
  const iso = toIsoDate(value);
  if (!iso) issues.push(elementIssue(severity, 'BAD_DATE', seg, elementRef(seg.id, pos), `"${value}" is not a CCYYMMDD date`));
  return iso;
}

/**
 * Code from a closed list. A missing required code is an error; an unknown code is reported with
 * `severity` (an error where the code changes what the money means, a warning otherwise).
 */
export function readCode<T extends string>(
  seg: X12Segment,
  pos: number,
  issues: IssueSink,
  allowed: readonly T[],
  severity: X12Severity,
): T | string {
  const value = required(seg, pos, issues);
  if (value !== '' && !(allowed as readonly string[]).includes(value)) {
    const code = severity === 'error' ? 'BAD_CODE' : 'UNKNOWN_CODE';
    issues.push(elementIssue(severity, code, seg, elementRef(seg.id, pos), `"${value}" is not one of ${allowed.join(', ')}`));
  }
  return value;
}

/**
 * Components of a composite element. When the declared separator does not occur but the value reads
 * as a 2-character qualifier followed by another separator (`HC>99213` under ISA16 `:`, a known
 * sender quirk), splits on that one and records a warning instead of rejecting the set.
 */
export function compositeAt(seg: X12Segment, pos: number, issues: IssueSink): string[] {
  const parts = componentsAt(seg, pos);
  const value = parts[0];
  if (parts.length !== 1 || value === undefined) return parts;
  const sep = /^[A-Z0-9]{2}(.)\S/.exec(value)?.[1];
  const d = seg.delimiters;
  const usable = sep !== undefined && COMPONENT_SEPARATOR_CANDIDATES.includes(sep);
  if (!usable || sep === d.element || sep === d.segment || sep === d.repetition) return parts;
  issues.push(
    elementIssue('warning', 'COMPONENT_SEPARATOR', seg, elementRef(seg.id, pos),
      `"${value}" uses "${sep}" between components although the declared separator is "${d.component}"`),
  );
  return value.split(sep);
}
