import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { BadInputError } from '../errors.js';
import { LEDGER_CSV_COLUMNS } from './ledger-copy-import.js';

/**
 * Parses a ledger CSV (RFC 4180, header row required, columns exactly LEDGER_CSV_COLUMNS) into
 * records, streaming.
 */
export async function* ledgerCsvRecords(input: Readable): AsyncGenerator<string[]> {
  const parser = input.pipe(parse({ relax_column_count: true, bom: true, skip_empty_lines: true }));
  let header = true;
  for await (const record of parser as AsyncIterable<string[]>) {
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
