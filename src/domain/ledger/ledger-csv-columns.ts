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

/**
 * Optional columns a ledger CSV may add after its own, in any order: the account's reporting details
 * and, on lines with a claim number, the claim's (see `updateAccountDetails`). Empty keeps a value.
 */
export const LEDGER_CSV_DETAIL_COLUMNS = [
  'location',
  'state',
  'patient_name',
  'guarantor_name',
  'payer_member_id',
  'type_of_bill',
  'admission_date',
  'discharge_date',
  'icn',
] as const;
