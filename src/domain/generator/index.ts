/** The synthetic practice: payers, a streamed ledger, its CSV form, and what was injected where. */
export {
  accountNumberOf,
  claimNumberOf,
  generateLedger,
  guarantorIndexOf,
  patientCountFor,
  type LedgerOptions,
} from './ledger-generator.js';
export { CSV_COLUMNS, CSV_HEADER, csvField, toCsvLine, type LedgerRow } from './ledger-row.js';
export {
  ScenarioKind,
  SCENARIO_MIX,
  expectedRootCause,
  isCreditScenario,
  scenarioOf,
  scenarioPlanOf,
  type CreditTier,
  type ScenarioPlan,
} from './scenario.js';
export { generatePayers, type PayerSeed } from './synthetic-payers.js';
export { syntheticAccountDetails, type SyntheticAccountDetails } from './account-details.js';
