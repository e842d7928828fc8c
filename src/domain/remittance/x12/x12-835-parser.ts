import { TransactionSetParser } from './x12-835-transaction.js';
import type {
  Claim835,
  Interchange835,
  Parse835Result,
  ParsedSet835,
  RejectedSet835,
  TransactionSet835,
} from './x12-835.types.js';
import { elementIssue, segmentIssue, type X12Issue } from './x12-issue.js';
import { elementAt, x12Segments, type X12Segment } from './x12-tokenizer.js';

const show = (c: string): string => (c === '\n' ? 'newline' : `"${c}"`);

/**
 * Parses the text of an X12 835 file (005010X221A1; 004010X091A1 tolerated) into its transaction
 * sets. Never throws for bad input.
 *
 * Each ST..SE set is judged on its own: a set with any error is listed in `rejected` (with the
 * errors, and no claims), the others in `parsed`, so one malformed set never blocks the rest of the
 * file and never gets half-posted. See `parseTransactionSet` for what is an error and what a warning.
 * Problems outside sets go to `issues`: text that is not X12 or segments between sets (errors, as
 * data is being dropped), and envelope count/control-number mismatches or a missing GE/IEA
 * (warnings: the sets themselves are complete).
 */
export function parse835(text: string): Parse835Result {
  const sets = parse835Sets(text);
  for (;;) {
    const next = sets.next();
    if (next.done) return next.value;
  }
}

/**
 * `parse835` one transaction set at a time: yields each set as soon as it is read and returns the
 * whole result at the end.
 */
export function* parse835Sets(text: string): Generator<TransactionSet835, Parse835Result> {
  const sets: TransactionSet835[] = [];
  const steps = parse835Steps(text);
  for (;;) {
    const step = steps.next();
    if (step.done) {
      return {
        sets,
        parsed: sets.filter((s): s is ParsedSet835 => s.status === 'parsed'),
        rejected: sets.filter((s): s is RejectedSet835 => s.status === 'rejected'),
        ...step.value,
      };
    }
    if (step.value === PARSE_PAUSE) continue;
    sets.push(step.value);
    yield step.value;
  }
}

/** A point in a long parse where the caller may let other work run (see parse835Steps). */
export const PARSE_PAUSE: unique symbol = Symbol('x12 parse pause');
export type ParsePause = typeof PARSE_PAUSE;
/** Segments read between two pauses. */
export const PAUSE_SEGMENTS = 2_000;

/** What `parse835Steps` returns at the end: the sets themselves were yielded. */
export type Parse835Summary = Pick<Parse835Result, 'interchanges' | 'issues'>;

/**
 * The parse as a stream for a caller that shares its thread: yields each set as soon as it is read
 * and, in between, {@link PARSE_PAUSE} every {@link PAUSE_SEGMENTS} segments or so, where the caller may give
 * the event loop a turn (a BullMQ worker must keep renewing its job lock; the 835 import keeps
 * PostgreSQL busy with the previous set's writes). Holds no set once yielded, so a consumer that
 * drops each set after use never has the whole file's claims in memory.
 */
export function* parse835Steps(text: string): Generator<TransactionSet835 | ParsePause, Parse835Summary> {
  const issues: X12Issue[] = [];
  const interchanges: Interchange835[] = [];
  let isa: X12Segment | undefined;
  let gs: X12Segment | undefined;
  let groupsInInterchange = 0;
  let setsInGroup = 0;
  let open: TransactionSetParser | undefined;
  let outside: X12Segment[] = [];
  let noEnvelopeReported = false;
  let read = 0;

  const envelopeWarning = (at: X12Segment, element: string, detail: string): void => {
    issues.push(elementIssue('warning', 'ENVELOPE_MISMATCH', at, element, detail));
  };
  // The open set, finished at its SE (`se`) or where an envelope or the file cuts it short.
  function* closeSet(se?: X12Segment): Generator<TransactionSet835, void> {
    if (!open) return;
    const set = open.finish(se);
    open = undefined;
    yield set;
  }
  const flushOutside = (): void => {
    const [first, last] = [outside[0], outside[outside.length - 1]];
    if (!first || !last) return;
    const ids = [...new Set(outside.map((s) => s.id.slice(0, 8)))].slice(0, 6).join(', ');
    const span = first === last ? `segment ${first.ordinal}` : `segments ${first.ordinal}–${last.ordinal}`;
    const message = `${span} (${ids}) lie outside any ST..SE transaction set and were ignored`;
    issues.push({ severity: 'error', code: 'OUTSIDE_SET', message, ordinal: first.ordinal, segmentId: first.id });
    outside = [];
  };
  const closeGroup = (ge?: X12Segment): void => {
    if (!gs) return;
    if (!ge) {
      issues.push(segmentIssue('warning', 'ENVELOPE_MISMATCH', gs, 'functional group has no GE'));
    } else {
      if (elementAt(ge, 1) !== String(setsInGroup)) envelopeWarning(ge, 'GE01', `"${elementAt(ge, 1)}" but the group has ${setsInGroup} transaction sets`);
      if (elementAt(ge, 2) !== elementAt(gs, 6)) envelopeWarning(ge, 'GE02', `"${elementAt(ge, 2)}" differs from GS06 "${elementAt(gs, 6)}"`);
    }
    gs = undefined;
  };
  const closeInterchange = (iea?: X12Segment): void => {
    if (!isa) return;
    if (!iea) {
      issues.push(segmentIssue('warning', 'ENVELOPE_MISMATCH', isa, 'interchange has no IEA'));
    } else {
      if (elementAt(iea, 1) !== String(groupsInInterchange)) envelopeWarning(iea, 'IEA01', `"${elementAt(iea, 1)}" but the interchange has ${groupsInInterchange} groups`);
      if (elementAt(iea, 2) !== elementAt(isa, 13)) envelopeWarning(iea, 'IEA02', `"${elementAt(iea, 2)}" differs from ISA13 "${elementAt(isa, 13)}"`);
    }
    isa = undefined;
  };

  for (const seg of x12Segments(text, issues)) {
    switch (seg.id) {
      case 'ISA':
        yield* closeSet();
        flushOutside();
        closeGroup();
        closeInterchange();
        isa = seg;
        groupsInInterchange = 0;
        interchanges.push({
          ordinal: seg.ordinal,
          controlNumber: elementAt(seg, 13),
          senderId: elementAt(seg, 6).trim(),
          receiverId: elementAt(seg, 8).trim(),
          version: elementAt(seg, 12),
          usage: elementAt(seg, 15),
          delimiters: seg.delimiters,
        });
        break;
      case 'GS':
        yield* closeSet();
        flushOutside();
        closeGroup();
        gs = seg;
        setsInGroup = 0;
        groupsInInterchange++;
        if (elementAt(seg, 1) !== 'HP') envelopeWarning(seg, 'GS01', `"${elementAt(seg, 1)}" is not HP (health care claim payment)`);
        break;
      case 'ST':
        yield* closeSet();
        flushOutside();
        if (!isa && !gs && !noEnvelopeReported) {
          const d = seg.delimiters;
          const detail = `transaction set read without ISA/GS envelope; detected element ${show(d.element)}, component ${show(d.component)}, terminator ${show(d.segment)}`;
          issues.push(segmentIssue('warning', 'NO_ENVELOPE', seg, detail));
          noEnvelopeReported = true;
        }
        open = new TransactionSetParser(seg, {
          ...(gs && elementAt(gs, 8) ? { version: elementAt(gs, 8) } : {}),
          ...(isa ? { interchangeControlNumber: elementAt(isa, 13) } : {}),
          ...(gs ? { groupControlNumber: elementAt(gs, 6) } : {}),
        });
        setsInGroup++;
        break;
      case 'SE':
        if (open) yield* closeSet(seg);
        else outside.push(seg);
        break;
      case 'GE':
        yield* closeSet();
        flushOutside();
        if (gs) closeGroup(seg);
        else issues.push(segmentIssue('warning', 'ENVELOPE_MISMATCH', seg, 'GE without GS'));
        break;
      case 'IEA':
        yield* closeSet();
        flushOutside();
        closeGroup();
        if (isa) closeInterchange(seg);
        else issues.push(segmentIssue('warning', 'ENVELOPE_MISMATCH', seg, 'IEA without ISA'));
        break;
      default:
        if (open) open.add(seg);
        else outside.push(seg);
    }
    if (++read % PAUSE_SEGMENTS === 0) yield PARSE_PAUSE;
  }
  yield* closeSet();
  flushOutside();
  closeGroup();
  closeInterchange();
  return { interchanges, issues };
}


/** Claims of the sets that parsed without error: the only ones a ledger may post. */
export function postableClaims(result: Parse835Result): Claim835[] {
  return result.parsed.flatMap((s) => s.remittance.claims);
}

/** Every error and warning of a result (file-level first, then per set in file order). */
export function allIssues(result: Parse835Result): X12Issue[] {
  return [...result.issues, ...result.sets.flatMap((s) => [...s.errors, ...s.warnings])];
}
