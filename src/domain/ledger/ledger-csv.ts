import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { BadInputError } from '../errors.js';
import { LEDGER_CSV_COLUMNS, LEDGER_CSV_DETAIL_COLUMNS } from './ledger-csv-columns.js';

/**
 * Parses a ledger CSV (RFC 4180, header row required) into records, streaming. The header is
 * LEDGER_CSV_COLUMNS, optionally followed by detail columns (LEDGER_CSV_DETAIL_COLUMNS, any subset
 * in any order): records then carry the ledger's columns and every detail column in canonical
 * order ('' where the file has none).
 */
export function ledgerCsvRecords(input: Readable): AsyncGenerator<string[]> {
  // Piped at once (not on first read), so a caller that also listens to the input loses nothing.
  return records(input.pipe(parse({ relax_column_count: true, bom: true, skip_empty_lines: true })));
}

function detailLayout(extra: string[]): number[] {
  const allowed = new Set<string>(LEDGER_CSV_DETAIL_COLUMNS);
  extra.forEach((name, i) => {
    if (!allowed.has(name) || extra.indexOf(name) !== i) {
      throw new BadInputError('line 1', `column "${name}" is not a detail column (or repeats one): ${LEDGER_CSV_DETAIL_COLUMNS.join(', ')}`);
    }
  });
  return LEDGER_CSV_DETAIL_COLUMNS.map((name) => {
    const at = extra.indexOf(name);
    return at === -1 ? -1 : LEDGER_CSV_COLUMNS.length + at;
  });
}

async function* records(parser: AsyncIterable<string[]>): AsyncGenerator<string[]> {
  let layout: number[] | null | undefined;
  let width = 0;
  for await (const record of parser) {
    if (layout === undefined) {
      const got = record.map((c) => c.trim().toLowerCase());
      if (got.slice(0, LEDGER_CSV_COLUMNS.length).join(',') !== LEDGER_CSV_COLUMNS.join(',')) {
        throw new BadInputError('line 1', `header must be "${LEDGER_CSV_COLUMNS.join(',')}" (got "${got.join(',')}")`);
      }
      width = got.length;
      layout = width > LEDGER_CSV_COLUMNS.length ? detailLayout(got.slice(LEDGER_CSV_COLUMNS.length)) : null;
      continue;
    }
    // A record of another width goes on as it is: the importer names its line.
    if (!layout || record.length !== width) yield record;
    else yield [...record.slice(0, LEDGER_CSV_COLUMNS.length), ...layout.map((i) => (i === -1 ? '' : record[i]!))];
  }
}
