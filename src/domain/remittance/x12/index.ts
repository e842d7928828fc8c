/**
 * X12 835 (ERA) parsing: pure functions from file text to remittances, with positioned errors and
 * balancing warnings. Nothing here touches the database: posting is the ledger's job.
 */
export { parse835, parse835Sets, parse835Steps, postableClaims, allIssues, PARSE_PAUSE, type Parse835Summary, type ParsePause } from './x12-835-parser.js';
export { parseTransactionSet, type SetContext } from './x12-835-transaction.js';
export { checkBalances, checkClaimBalance, checkPaymentBalance, checkServiceBalance, claimAdjustmentTotal } from './x12-835-balancing.js';
export { tokenizeX12, elementAt, componentsAt } from './x12-tokenizer.js';
export type { X12Delimiters, X12Segment, X12TokenizeResult } from './x12-tokenizer.js';
export { isX12Decimal, toIsoDate } from './x12-elements.js';
export { hasErrors } from './x12-issue.js';
export type { X12Issue, X12IssueCode, X12Severity } from './x12-issue.js';
export * from './x12-835.types.js';
