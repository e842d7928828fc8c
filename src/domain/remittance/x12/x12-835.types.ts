import type { IsoDate, MoneyText } from './x12-elements.js';
import type { X12Issue } from './x12-issue.js';
import type { X12Delimiters } from './x12-tokenizer.js';

export type { IsoDate, MoneyText };

/** CLP02 claim status codes of the 835 (22 = reversal of a previous payment). */
export const CLAIM_STATUS_CODES = ['1', '2', '3', '4', '19', '20', '21', '22', '23', '25'] as const;
export type ClaimStatusCode = (typeof CLAIM_STATUS_CODES)[number];

/** CAS01 claim adjustment group codes (CR exists in 4010 only, tolerated). */
export const ADJUSTMENT_GROUP_CODES = ['CO', 'OA', 'PI', 'PR', 'CR'] as const;
export type AdjustmentGroupCode = (typeof ADJUSTMENT_GROUP_CODES)[number];

/** A qualified value (REF, LQ). */
export interface Reference835 {
  readonly qualifier: string;
  readonly value: string;
}

/** AMT: a qualified amount (e.g. AU coverage amount, B6 allowed). */
export interface Amount835 {
  readonly qualifier: string;
  readonly amount: MoneyText;
}

/** QTY: a qualified quantity (e.g. CA covered days). */
export interface Quantity835 {
  readonly qualifier: string;
  readonly quantity: string;
}

/** DTM: a qualified date (232/233 statement, 050 received, 150/151/472 service, 405 production). */
export interface Date835 {
  readonly qualifier: string;
  readonly date: IsoDate;
}

/** One CAS reason/amount/quantity triplet, with its group code: CAS segments are flattened. */
export interface Adjustment835 {
  readonly ordinal: number;
  readonly group: AdjustmentGroupCode;
  readonly reason: string;
  readonly amount: MoneyText;
  readonly quantity?: string;
}

/** NM1: a person or organisation attached to a claim. */
export interface Party835 {
  /** NM101: QC patient, IL insured, 82 rendering provider, 74 corrected insured, TT crossover carrier… */
  readonly entityCode: string;
  /** NM102: 1 person, 2 organisation. */
  readonly entityType: string;
  readonly lastOrOrganizationName?: string;
  readonly firstName?: string;
  readonly middleName?: string;
  readonly suffix?: string;
  readonly idQualifier?: string;
  readonly id?: string;
}

/** SVC01/SVC06 composite procedure: qualifier (HC, AD, NU…), code, modifiers. */
export interface Procedure835 {
  readonly qualifier: string;
  readonly code: string;
  readonly modifiers: readonly string[];
  readonly description?: string;
}

/** MIA (inpatient) or MOA (outpatient) adjudication information. */
export interface ClaimAdjudication835 {
  readonly kind: 'inpatient' | 'outpatient';
  /** Remark codes (MIA05, MIA20–23; MOA03–07). */
  readonly remarkCodes: readonly string[];
  /** All elements as sent, for the fields not modelled here. */
  readonly elements: readonly string[];
}

/** SVC loop: one service line with its adjustments. */
export interface ServiceLine835 {
  readonly ordinal: number;
  readonly procedure: Procedure835;
  readonly chargeAmount: MoneyText;
  readonly paidAmount: MoneyText;
  /** SVC04 NUBC revenue code. */
  readonly revenueCode?: string;
  /** SVC05 units paid; absent means 1 per the implementation guide. */
  readonly units?: string;
  /** SVC06: the procedure as submitted, when the payer adjudicated a different one. */
  readonly submittedProcedure?: Procedure835;
  readonly submittedUnits?: string;
  readonly adjustments: readonly Adjustment835[];
  /** DTM*472, or DTM*150/151 for a period. */
  readonly serviceDate?: IsoDate;
  readonly serviceFrom?: IsoDate;
  readonly serviceTo?: IsoDate;
  readonly dates: readonly Date835[];
  readonly references: readonly Reference835[];
  readonly amounts: readonly Amount835[];
  readonly quantities: readonly Quantity835[];
  /** LQ remark codes (HE = remittance advice remark code). */
  readonly remarks: readonly Reference835[];
}

/** CLP loop: one claim as adjudicated by the payer. */
export interface Claim835 {
  readonly ordinal: number;
  /** LX01 of the header loop the claim sits in. */
  readonly headerNumber?: string;
  readonly patientControlNumber: string;
  readonly status: ClaimStatusCode;
  readonly chargeAmount: MoneyText;
  readonly paidAmount: MoneyText;
  readonly patientResponsibility?: MoneyText;
  readonly filingIndicator?: string;
  readonly payerClaimControlNumber?: string;
  /** CLP08 facility type code (place of service, or first two digits of the type of bill). */
  readonly facilityTypeCode?: string;
  /** CLP09 claim frequency code (1 original, 7 replacement, 8 void…). */
  readonly frequencyCode?: string;
  /** Claim-level CAS only; service-level ones sit on each service line. */
  readonly adjustments: readonly Adjustment835[];
  readonly parties: readonly Party835[];
  readonly patient?: Party835;
  readonly insured?: Party835;
  readonly renderingProvider?: Party835;
  readonly correctedInsured?: Party835;
  readonly crossoverCarrier?: Party835;
  readonly adjudication: readonly ClaimAdjudication835[];
  /** DTM*232 / DTM*233 statement period, DTM*050 date the payer received the claim. */
  readonly statementFrom?: IsoDate;
  readonly statementTo?: IsoDate;
  readonly receivedDate?: IsoDate;
  readonly dates: readonly Date835[];
  readonly references: readonly Reference835[];
  readonly amounts: readonly Amount835[];
  readonly quantities: readonly Quantity835[];
  readonly services: readonly ServiceLine835[];
}

/** One PLB reason/amount pair, with the PLB's provider and fiscal period. */
export interface ProviderAdjustment835 {
  readonly ordinal: number;
  readonly providerId: string;
  readonly fiscalPeriodDate?: IsoDate;
  /** PLB03-1 etc.: WO, FB, 72, L6, CS, J1, CV… */
  readonly reasonCode: string;
  /** PLB03-2 etc.: the reference after the component separator (e.g. the recouped claim). */
  readonly reference?: string;
  /** Positive reduces the payment, negative increases it (BPR02 = ΣCLP04 − ΣPLB). */
  readonly amount: MoneyText;
}

/** BPR: the payment. */
export interface Payment835 {
  /** Ordinal of the BPR segment. */
  readonly ordinal: number;
  /** BPR01: C payment with remittance, H notification only, I remittance only, P prenotification, U, X, D. */
  readonly handlingCode: string;
  readonly amount: MoneyText;
  /** BPR03: C credit to the provider, D debit. */
  readonly creditDebit: string;
  /** BPR04: ACH, BOP, CHK, FWT, NON. */
  readonly method?: string;
  readonly date?: IsoDate;
}

/** TRN: the reassociation trace. */
export interface Trace835 {
  readonly typeCode: string;
  /** Check or EFT trace number: with the payer id, the key of the payment. */
  readonly traceNumber: string;
  readonly payerId?: string;
  readonly supplementalId?: string;
}

/** N1 loops 1000A (PR payer) and 1000B (PE payee). */
export interface Party1000 {
  readonly name: string;
  readonly idQualifier?: string;
  readonly id?: string;
  /** REF segments of the loop (2U payer id, TJ tax id, PQ payee id…). */
  readonly references: readonly Reference835[];
}

export type Payer835 = Party1000;

export interface Payee835 extends Party1000 {
  /** N104 when N103 = XX. */
  readonly npi?: string;
  /** N104 when N103 = FI, else REF*TJ. */
  readonly taxId?: string;
}

/** One well-formed 835 transaction set. */
export interface Remittance835 {
  /** ST02. */
  readonly controlNumber: string;
  /** GS08, else ST03 (e.g. 005010X221A1, 004010X091A1). */
  readonly version?: string;
  readonly interchangeControlNumber?: string;
  readonly groupControlNumber?: string;
  readonly payment: Payment835;
  readonly trace: Trace835;
  readonly payer: Payer835;
  readonly payee: Payee835;
  readonly references: readonly Reference835[];
  readonly dates: readonly Date835[];
  readonly claims: readonly Claim835[];
  readonly providerAdjustments: readonly ProviderAdjustment835[];
}

interface SetResultBase {
  readonly controlNumber?: string;
  /** Ordinals of the ST and of the SE (or of the last segment when SE is missing). */
  readonly firstOrdinal: number;
  readonly lastOrdinal: number;
  readonly warnings: readonly X12Issue[];
}

/** A set with no error: its claims may be posted. */
export interface ParsedSet835 extends SetResultBase {
  readonly status: 'parsed';
  readonly remittance: Remittance835;
  readonly errors: readonly [];
}

/** A set with at least one error: rejected whole, so nothing of it is exposed for posting. */
export interface RejectedSet835 extends SetResultBase {
  readonly status: 'rejected';
  readonly errors: readonly X12Issue[];
  /** Number of CLP segments seen, for reporting only. */
  readonly claimsSeen: number;
}

export type TransactionSet835 = ParsedSet835 | RejectedSet835;

/** ISA summary. */
export interface Interchange835 {
  readonly ordinal: number;
  readonly controlNumber: string;
  readonly senderId: string;
  readonly receiverId: string;
  /** ISA12: 00501, 00401… */
  readonly version: string;
  /** ISA15: P production, T test. */
  readonly usage: string;
  readonly delimiters: X12Delimiters;
}

/** Result of parsing one file. Never thrown away: bad input shows up in `rejected` and `issues`. */
export interface Parse835Result {
  /** Every transaction set, in file order. */
  readonly sets: readonly TransactionSet835[];
  readonly parsed: readonly ParsedSet835[];
  readonly rejected: readonly RejectedSet835[];
  readonly interchanges: readonly Interchange835[];
  /** Issues outside any transaction set (delimiters, envelopes, text between sets). */
  readonly issues: readonly X12Issue[];
}
