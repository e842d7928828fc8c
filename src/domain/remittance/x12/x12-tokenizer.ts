import { fileIssue, segmentIssue, type X12Issue } from './x12-issue.js';

/** The four X12 delimiters of one interchange (or of a set read without envelope). */
export interface X12Delimiters {
  readonly element: string;
  readonly component: string;
  /** ISA11 from version 00501 on; absent for 4010 (where ISA11 is the standards id, e.g. `U`). */
  readonly repetition?: string;
  /** `\n` when newlines are the only segment terminator. */
  readonly segment: string;
}

/** One segment as found in the file. */
export interface X12Segment {
  /** 1-based position in the file, counting every segment of every interchange. */
  readonly ordinal: number;
  /** Character offset of the segment's first character in the input text. */
  readonly offset: number;
  /** Segment id, e.g. `CLP` (not validated here: garbage ids are the parser's to report). */
  readonly id: string;
  /** Data elements: `elements[0]` is XX01. Trailing empty elements are kept as sent. */
  readonly elements: readonly string[];
  readonly delimiters: X12Delimiters;
}

/** Segments in file order, plus problems met while finding delimiters. */
export interface X12TokenizeResult {
  readonly segments: readonly X12Segment[];
  readonly issues: readonly X12Issue[];
}

/** Element at a 1-based position (`elementAt(clp, 4)` is CLP04); `''` when absent. */
export function elementAt(segment: X12Segment, position: number): string {
  return segment.elements[position - 1] ?? '';
}

/** Components of the element at a 1-based position, split on demand; `[]` when absent. */
export function componentsAt(segment: X12Segment, position: number): string[] {
  const value = elementAt(segment, position);
  return value === '' ? [] : value.split(segment.delimiters.component);
}

const ALNUM = /[A-Za-z0-9]/;
const isAlnum = (c: string | undefined): boolean => c !== undefined && ALNUM.test(c);
const WHITESPACE = /\s/;
// Called for every segment: the common characters are decided without the regular expression.
const isSpace = (c: string | undefined): boolean => {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  if (code > 0x20 && code < 0x7f) return false;
  return WHITESPACE.test(c);
};
const isNewline = (c: string | undefined): boolean => c === '\n' || c === '\r';
const LINE_BREAK = /[\r\n]/;
// A delimiter is a printable non-alphanumeric character (or a newline for the terminator).
const isDelimiterChar = (c: string | undefined): c is string => c !== undefined && !isAlnum(c) && !isSpace(c);

/** `ISA` followed by a delimiter: the start of an interchange. */
function isInterchangeStart(text: string, pos: number): boolean {
  return text.charCodeAt(pos) === 73 /* I */ && text.startsWith('ISA', pos) && isDelimiterChar(text[pos + 3]);
}

function skipWhitespace(text: string, pos: number): number {
  while (pos < text.length && isSpace(text[pos])) pos++;
  return pos;
}

/**
 * Terminator for the character at `pos`. A newline there is either the terminator itself or
 * decoration before a real one (files written as `...^\n~GS|...`): look past the newlines.
 */
function terminatorAt(text: string, pos: number, element: string): { segment: string; end: number } {
  const c = text[pos];
  if (!isNewline(c)) return { segment: c ?? '~', end: pos + 1 };
  let k = pos;
  while (isNewline(text[k])) k++;
  const next = text[k];
  if (isDelimiterChar(next) && next !== element) return { segment: next, end: k + 1 };
  return { segment: '\n', end: k };
}

interface IsaRead {
  readonly delimiters: X12Delimiters;
  /** Index just past the ISA segment's terminator. */
  readonly end: number;
  readonly elements: string[];
  readonly problem?: string;
}

/** Reads the delimiters from an ISA: element = char 3, component = ISA16, terminator = next char. */
function readIsa(text: string, pos: number): IsaRead {
  const element = text[pos + 3] as string;
  // Count separators rather than trusting fixed offsets: some senders trim ISA padding.
  let count = 0;
  let i = pos + 3;
  for (; i < text.length && count < 16; i++) if (text[i] === element) count++;
  const component = text[i];
  const elements = text.slice(pos + 4, i).split(element).slice(0, 15);
  elements.push(component ?? '');
  if (count < 16 || !isDelimiterChar(component) || component === element) {
    const fallbackEnd = text.indexOf('~', pos);
    return {
      delimiters: { element, component: ':', segment: '~' },
      end: fallbackEnd < 0 ? text.length : fallbackEnd + 1,
      elements,
      problem: 'ISA is truncated or has no valid component separator in ISA16',
    };
  }
  const { segment, end } = terminatorAt(text, i + 1, element);
  const [isa11, isa12] = [elements[10] ?? '', elements[11] ?? ''];
  const repetition = isa12 >= '00501' && isa11.length === 1 && isDelimiterChar(isa11) ? isa11 : undefined;
  const delimiters: X12Delimiters = { element, component, segment, ...(repetition ? { repetition } : {}) };
  if (segment === component || (segment !== '\n' && !isDelimiterChar(segment))) {
    return { delimiters, end, elements, problem: `ISA has no valid segment terminator after ISA16` };
  }
  return { delimiters, end, elements };
}

const START = /(?<![A-Za-z0-9])(?:ISA[^A-Za-z0-9\s]|ST([^A-Za-z0-9\s])\d{3}\1)/g;

/** Next ISA, or ST of a set sent without envelope, at or after `pos`. */
function findStart(text: string, pos: number): number | undefined {
  START.lastIndex = pos;
  const m = START.exec(text);
  return m ? m.index : undefined;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Characters senders use as component separators. Punctuation common inside identifiers (`-`, `.`,
 * `/`, `&`…) is left out so that a code like `HC-1` is not mistaken for a composite.
 */
export const COMPONENT_SEPARATOR_CANDIDATES = ':>^\\<|!}{@`=;';

/**
 * Delimiters of a set that starts at ST with no envelope: element = char after `ST`, terminator =
 * first char after the ST segment's data, component = the most common separator inside SVC01 and
 * PLB03 composites (`:` when there is none to look at).
 */
function detectWithoutEnvelope(text: string, pos: number): X12Delimiters {
  const element = text[pos + 2] as string;
  let k = pos + 3;
  while (k < text.length && (isAlnum(text[k]) || text[k] === element || text[k] === ' ')) k++;
  const { segment } = k < text.length ? terminatorAt(text, k, element) : { segment: '~' };
  const e = escapeRegExp(element);
  const patterns = [
    new RegExp(`SVC${e}[A-Z0-9]{2}(.)`, 'g'),
    new RegExp(`PLB${e}[^${e}]*${e}\\d{8}${e}[A-Z0-9]{2}(.)`, 'g'),
  ];
  const votes = new Map<string, number>();
  for (const re of patterns) {
    for (const m of text.slice(pos).matchAll(re)) {
      const c = m[1] as string;
      if (c !== element && c !== segment && COMPONENT_SEPARATOR_CANDIDATES.includes(c)) {
        votes.set(c, (votes.get(c) ?? 0) + 1);
      }
    }
  }
  const best = [...votes.entries()].sort((a, b) => b[1] - a[1])[0];
  return { element, component: best ? best[0] : ':', segment };
}

/** End index (exclusive) of the segment starting at `pos`, and where the next one may start. */
function segmentEnd(text: string, pos: number, terminator: string): { end: number; next: number } {
  if (terminator === '\n') {
    let end = pos;
    while (end < text.length && !isNewline(text[end])) end++;
    return { end, next: end + 1 };
  }
  const end = text.indexOf(terminator, pos);
  return end < 0 ? { end: text.length, next: text.length } : { end, next: end + 1 };
}

/**
 * Splits X12 text into segments. Never throws: text it cannot read becomes an issue.
 *
 * Delimiters come from each ISA (several interchanges may use different ones); a set sent without
 * envelope has them detected from its ST. CR/LF around terminators are ignored; when the terminator
 * is not a newline, CR/LF inside a segment are dropped too (they are not valid X12 data, and some
 * senders wrap lines at a fixed width). Empty segments (`~~`) are skipped and get no ordinal.
 */
export function tokenizeX12(text: string): X12TokenizeResult {
  const issues: X12Issue[] = [];
  return { segments: [...x12Segments(text, issues)], issues };
}

/**
 * {@link tokenizeX12} one segment at a time, pushing problems to `issues` as they are met: a parser
 * that reads it set by set never holds every segment of a large file at once (a million segment
 * objects alive at once made the garbage collector a third of the parse time).
 */
export function* x12Segments(text: string, issues: X12Issue[]): Generator<X12Segment, void> {
  // Callers from plain JS may pass a Buffer or nothing: report it rather than throw.
  if (typeof text !== 'string') {
    issues.push(fileIssue('error', 'NOT_X12', 'input is not text'));
    return;
  }
  let delimiters: X12Delimiters | undefined;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte-order mark
  let ordinal = 0;

  while ((pos = skipWhitespace(text, pos)) < text.length) {
    if (isInterchangeStart(text, pos)) {
      const isa = readIsa(text, pos);
      ordinal += 1;
      if (isa.problem) issues.push(segmentIssue('error', 'ISA_MALFORMED', { ordinal, id: 'ISA' }, isa.problem));
      delimiters = isa.delimiters;
      const offset = pos;
      pos = isa.end;
      yield { ordinal, offset, id: 'ISA', elements: isa.elements, delimiters };
    } else if (!delimiters) {
      const start = findStart(text, pos);
      if (start === undefined) {
        issues.push(fileIssue('error', 'NOT_X12', `no ISA or ST segment found from offset ${pos}: not X12 text`));
        break;
      }
      if (start > pos) {
        issues.push(fileIssue('warning', 'TEXT_SKIPPED', `${start - pos} characters before offset ${start} are not X12 and were ignored`));
      }
      pos = start;
      if (isInterchangeStart(text, pos)) continue;
      delimiters = detectWithoutEnvelope(text, pos);
    }
    // Read segments until the interchange ends (IEA), another ISA begins, or the text ends.
    const d = delimiters;
    const byNewline = d.segment === '\n';
    while ((pos = skipWhitespace(text, pos)) < text.length && !isInterchangeStart(text, pos)) {
      // The segment's end, inline: this loop runs once per segment of the file.
      let end: number;
      let next: number;
      if (byNewline) {
        ({ end, next } = segmentEnd(text, pos, d.segment));
      } else {
        end = text.indexOf(d.segment, pos);
        [end, next] = end < 0 ? [text.length, text.length] : [end, end + 1];
      }
      let raw = text.slice(pos, end);
      if (!byNewline && LINE_BREAK.test(raw)) raw = raw.replace(/[\r\n]/g, '');
      const offset = pos;
      pos = next;
      if (raw === '') continue;
      const elements = raw.split(d.element);
      const id = elements.shift() ?? '';
      ordinal += 1;
      yield { ordinal, offset, id, elements, delimiters: d };
      if (id === 'IEA') break;
    }
  }
}
