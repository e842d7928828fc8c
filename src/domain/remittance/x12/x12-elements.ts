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

/** `CCYYMMDD` → `YYYY-MM-DD`, or `undefined` when not a real calendar date. */
export function toIsoDate(text: string): IsoDate | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  const real = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
  return real ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
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
  const ref = elementRef(seg.id, pos);
  if (value === '') {
    if (isRequired) issues.push(elementIssue(severity, 'MISSING_ELEMENT', seg, ref, 'required date is missing'));
    return undefined;
  }
  const iso = toIsoDate(value);
  if (!iso) issues.push(elementIssue(severity, 'BAD_DATE', seg, ref, `"${value}" is not a CCYYMMDD date`));
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
