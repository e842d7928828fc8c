import { Migration20261122000000_foundation } from './Migration20261122000000_foundation.js';
import { Migration20261122010000_operations } from './Migration20261122010000_operations.js';
import { Migration20261122020000_classification_worklists } from './Migration20261122020000_classification_worklists.js';
import { Migration20261122030000_resolution_audit } from './Migration20261122030000_resolution_audit.js';
import { Migration20261122040000_transfers_offsets } from './Migration20261122040000_transfers_offsets.js';
import { Migration20261122050000_detection_entries_seen } from './Migration20261122050000_detection_entries_seen.js';
import { Migration20261122060000_adjustment_approval } from './Migration20261122060000_adjustment_approval.js';
import { Migration20261201100000_remittances } from './Migration20261201100000_remittances.js';
import { Migration20261201200000_account_details } from './Migration20261201200000_account_details.js';
import { Migration20261201300000_kpi_snapshots } from './Migration20261201300000_kpi_snapshots.js';
import { Migration20261201400000_performance } from './Migration20261201400000_performance.js';
import { Migration20261202100000_remittance_row_costs } from './Migration20261202100000_remittance_row_costs.js';
import { Migration20261202300000_credit_rollup } from './Migration20261202300000_credit_rollup.js';
import { Migration20261202400000_credit_write_path } from './Migration20261202400000_credit_write_path.js';
import { Migration20261202500000_set_based_references } from './Migration20261202500000_set_based_references.js';
import { Migration20261202510000_credit_set_based_references } from './Migration20261202510000_credit_set_based_references.js';
import { Migration20261202600000_remittance_claim_detail } from './Migration20261202600000_remittance_claim_detail.js';
import { Migration20261202610000_ledger_claim_number_index } from './Migration20261202610000_ledger_claim_number_index.js';
import { Migration20261202620000_restore_claim_number_index } from './Migration20261202620000_restore_claim_number_index.js';

/** Every migration, in order. Listed explicitly so the app, the CLI and jest load the same set. */
export const migrationsList = [
  { name: 'Migration20261122000000_foundation', class: Migration20261122000000_foundation },
  { name: 'Migration20261122010000_operations', class: Migration20261122010000_operations },
  { name: 'Migration20261122020000_classification_worklists', class: Migration20261122020000_classification_worklists },
  { name: 'Migration20261122030000_resolution_audit', class: Migration20261122030000_resolution_audit },
  { name: 'Migration20261122040000_transfers_offsets', class: Migration20261122040000_transfers_offsets },
  { name: 'Migration20261122050000_detection_entries_seen', class: Migration20261122050000_detection_entries_seen },
  { name: 'Migration20261122060000_adjustment_approval', class: Migration20261122060000_adjustment_approval },
  { name: 'Migration20261201100000_remittances', class: Migration20261201100000_remittances },
  { name: 'Migration20261201200000_account_details', class: Migration20261201200000_account_details },
  { name: 'Migration20261201300000_kpi_snapshots', class: Migration20261201300000_kpi_snapshots },
  { name: 'Migration20261201400000_performance', class: Migration20261201400000_performance },
  { name: 'Migration20261202100000_remittance_row_costs', class: Migration20261202100000_remittance_row_costs },
  { name: 'Migration20261202300000_credit_rollup', class: Migration20261202300000_credit_rollup },
  { name: 'Migration20261202400000_credit_write_path', class: Migration20261202400000_credit_write_path },
  { name: 'Migration20261202500000_set_based_references', class: Migration20261202500000_set_based_references },
  { name: 'Migration20261202510000_credit_set_based_references', class: Migration20261202510000_credit_set_based_references },
  { name: 'Migration20261202600000_remittance_claim_detail', class: Migration20261202600000_remittance_claim_detail },
  { name: 'Migration20261202610000_ledger_claim_number_index', class: Migration20261202610000_ledger_claim_number_index },
  { name: 'Migration20261202620000_restore_claim_number_index', class: Migration20261202620000_restore_claim_number_index },
];
