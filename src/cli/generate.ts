/**
 * Writes a synthetic practice's ledger as CSV (the COPY importer's format), streaming.
 *
 *   npm run generate -- --accounts 1000000 --seed 7 [--out ledger.csv] [--as-of 2026-11-01T00:00:00Z]
 *
 * Without --out the CSV goes to stdout; the summary always goes to stderr. Without --as-of the
 * ledger ends at today's midnight UTC, so pass it when the output must be byte-identical across days.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { CSV_HEADER, generateLedger, toCsvLine } from '../domain/generator/index.js';

const CHUNK_CHARS = 1 << 16;

function fail(message: string): never {
  process.stderr.write(`generate: ${message}\n`);
  process.exit(2);
}

function integer(name: string, text: string, min: number): number {
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    fail(`--${name} must be an integer ≥ ${min}, got "${text}"`);
  }
  return value;
}

function parseOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        accounts: { type: 'string', default: '1000' },
        seed: { type: 'string', default: '1' },
        out: { type: 'string' },
        'as-of': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  const asOf = values['as-of'] === undefined ? todayUtc() : new Date(values['as-of']);
  if (Number.isNaN(asOf.getTime())) fail(`--as-of must be an ISO-8601 instant, got "${values['as-of']}"`);
  return {
    accounts: integer('accounts', values.accounts, 0),
    seed: integer('seed', values.seed, Number.MIN_SAFE_INTEGER),
    out: values.out,
    asOf,
  };
}

function todayUtc(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

const options = parseOptions();
const out = options.out ? createWriteStream(options.out, { highWaterMark: 1 << 20 }) : process.stdout;
out.on('error', (error: NodeJS.ErrnoException) => {
  // A closed pipe (`| head`) is the reader saying it has enough, not a failure.
  if (error.code === 'EPIPE') process.exit(0);
  fail(error.message);
});

const started = performance.now();
let rows = 0;
let chunk = `${CSV_HEADER}\n`;
for (const row of generateLedger(options)) {
  chunk += `${toCsvLine(row)}\n`;
  rows++;
  if (chunk.length >= CHUNK_CHARS) {
    // Respect backpressure: wait for the destination to drain before producing more.
    if (!out.write(chunk)) await once(out, 'drain');
    chunk = '';
  }
}
if (out === process.stdout) {
  if (!out.write(chunk)) await once(out, 'drain');
} else {
  out.end(chunk);
  await finished(out);
}

const seconds = (performance.now() - started) / 1000;
const rate = Math.round(rows / seconds);
process.stderr.write(
  `generated ${rows.toLocaleString('en-US')} rows for ${options.accounts.toLocaleString('en-US')} accounts ` +
    `(seed ${options.seed}, as of ${options.asOf.toISOString()}) in ${seconds.toFixed(1)} s: ` +
    `${rate.toLocaleString('en-US')} rows/s${options.out ? ` → ${options.out}` : ''}\n`,
);
