import 'reflect-metadata';
import { createReadStream, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadConfig } from '../config.js';
import { prepareDatabase } from '../infra/db/bootstrap.js';
import { importLedgerRecords } from '../domain/ledger/ledger-copy-import.js';
import { ledgerCsvRecords } from '../domain/ledger/ledger-csv.js';
import { DomainError } from '../domain/errors.js';

/**
 * `npm run import:ledger -- file.csv [--tenant demo] [--batch 100000]`: backfills a ledger CSV
 * through COPY, batch by batch (each all-or-nothing; rerunning resumes, posted rows are skipped).
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { tenant: { type: 'string', default: 'demo' }, batch: { type: 'string', default: '100000' } },
});
const file = positionals[0];
if (!file) {
  console.error('usage: npm run import:ledger -- <file.csv> [--tenant demo] [--batch 100000]');
  process.exit(2);
}
const config = loadConfig();
await prepareDatabase(config.databaseUrl, config.appDatabaseUrl);

const size = statSync(file).size;
const bar = new cliProgress.SingleBar(
  { format: 'import [{bar}] {percentage}% | {value}/{total} MB | {rows} rows | {eta_formatted} left', stream: process.stderr },
  cliProgress.Presets.shades_classic,
);
const mb = (bytes: number) => Math.round((bytes / 1e6) * 10) / 10;
bar.start(mb(size), 0, { rows: 0 });
const stream = createReadStream(file);
const records = ledgerCsvRecords(stream);
let bytes = 0;
let rows = 0;
stream.on('data', (chunk) => {
  bytes += chunk.length;
  bar.update(mb(bytes), { rows });
});
const started = Date.now();
try {
  const result = await importLedgerRecords(config.appDatabaseUrl, values.tenant, records, {
    batchRows: Number(values.batch),
    onBatch: (n) => {
      rows = n;
      bar.update(mb(bytes), { rows });
    },
  });
  bar.update(mb(size), { rows: result.rows });
  bar.stop();
  const seconds = (Date.now() - started) / 1000;
  console.error(
    `imported ${result.rows} rows in ${result.batches} batches: ${result.posted} posted, ${result.skippedDuplicates} duplicates skipped; ${seconds.toFixed(1)} s, ${Math.round(result.rows / seconds)} rows/s`,
  );
} catch (error) {
  bar.stop();
  if (error instanceof DomainError) {
    console.error(`import stopped (${error.code}): ${error.message}. Batches before it are committed; fix the file and run again.`);
    process.exit(1);
  }
  throw error;
}
