/** The ledger CSV layout: the header the importer reads and the generator writes, in order. */
export const LEDGER_CSV_COLUMNS = [
  'external_id',
  'account_number',
  'patient_id',
  'guarantor_id',
  'payer_code',
  'kind',
  'amount',
  'posted_at',
  'service_date',
  'claim_number',
  'reference',
  'reason_code',
] as const;
