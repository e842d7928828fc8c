import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { BadInputError } from '../errors.js';
import { LEDGER_CSV_COLUMNS } from './ledger-copy-import.js';

/**
 * Parses a ledger CSV (RFC 4180, header row required, columns exactly LEDGER_CSV_COLUMNS) into
 * records, streaming.
 */
export function ledgerCsvRecords(input: Readable): AsyncGenerator<string[]> {
  // Piped at once (not on first read), so a caller that also listens to the input loses nothing.
  return records(input.pipe(parse({ relax_column_count: true, bom: true, skip_empty_lines: true })));
}

async function* records(parser: AsyncIterable<string[]>): AsyncGenerator<string[]> {
  let header = true;
  for await (const record of parser) {
    if (header) {
      header = false;
      const got = record.map((c) => c.trim().toLowerCase()).join(',');
      if (got !== LEDGER_CSV_COLUMNS.join(',')) {
        throw new BadInputError('line 1', `header must be "${LEDGER_CSV_COLUMNS.join(',')}" (got "${got}")`);
      }
      continue;
    }
    yield record;
  }
}
