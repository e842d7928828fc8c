import { parse835Steps, PARSE_PAUSE, type Parse835Summary, type ParsePause, type TransactionSet835 } from './x12/index.js';

/** Longest stretch of parsing between two turns of the event loop. */
const SLICE_MS = 10;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Reads an 835 file's transaction sets one set ahead of their consumer, in slices of ~10 ms: while
 * the import records set k and waits for PostgreSQL, set k+1 is parsed in between, and the event
 * loop keeps turning often enough to send PostgreSQL its next queued statement (a statement only
 * goes out once Node has read the previous one's reply) and to renew the job's BullMQ lock. Sets
 * are not kept once handed out.
 */
export class EraSetReader {
  private readonly steps: Generator<TransactionSet835 | ParsePause, Parse835Summary>;
  private ahead: Promise<TransactionSet835 | undefined>;
  private summary: Parse835Summary | undefined;
  private aheadRead = false;
  /** Node time spent parsing so far, ms. */
  parseMs = 0;

  constructor(text: string) {
    this.steps = parse835Steps(text);
    this.ahead = this.readAhead();
  }

  /** Whether the set `next` returns is read already (or the file is). */
  get ready(): boolean {
    return this.aheadRead;
  }

  /** The next set, in file order (the one after it is parsed meanwhile); undefined after the last. */
  async next(): Promise<TransactionSet835 | undefined> {
    const set = await this.ahead;
    if (set) this.ahead = this.readAhead();
    return set;
  }

  /** File-level results (envelopes, text outside sets), once `next` has returned undefined. */
  get result(): Parse835Summary {
    if (!this.summary) throw new Error('the 835 file has not been read to its end');
    return this.summary;
  }

  private readAhead(): Promise<TransactionSet835 | undefined> {
    this.aheadRead = false;
    const reading = this.parseNext().finally(() => {
      this.aheadRead = true;
    });
    // Observed by `next` later; until then a failure must not count as an unhandled rejection.
    reading.catch(() => undefined);
    return reading;
  }

  private async parseNext(): Promise<TransactionSet835 | undefined> {
    for (;;) {
      await turn();
      const started = performance.now();
      try {
        for (;;) {
          const step = this.steps.next();
          if (step.done) {
            this.summary = step.value;
            return undefined;
          }
          if (step.value !== PARSE_PAUSE) return step.value;
          if (performance.now() - started >= SLICE_MS) break;
        }
      } finally {
        this.parseMs += performance.now() - started;
      }
    }
  }
}

const CLP = /(?<![A-Za-z0-9])CLP(?=[^A-Za-z0-9\s])/g;

/** Claims the text holds, counted from its CLP segments without parsing: the total progress reports until the file is read. */
export function estimatedClaims(text: string): number {
  return text.match(CLP)?.length ?? 0;
}
