import { registerEnumType } from 'type-graphql';
import { PayerKind } from '../domain/payers/payer-kind.js';
import { EntryKind } from '../domain/ledger/entry-kind.js';
import { CreditStatus, ResolutionKind, RootCauseCode } from '../domain/credits/credit-enums.js';
import { AgingBucket } from '../domain/credits/aging-bucket.js';
import { JobState } from '../domain/jobs/job-state.js';
import { Complexity } from '../domain/credits/credit-enums.js';
import { DollarTier } from '../domain/credits/dollar-tier.js';

/** Who a portion of a credit belongs to; NONE: nobody is owed, a posting must be corrected. */
export enum OwnerKind {
  PAYER = 'PAYER',
  PATIENT = 'PATIENT',
  NONE = 'NONE',
}

registerEnumType(PayerKind, { name: 'PayerKind' });
registerEnumType(EntryKind, {
  name: 'EntryKind',
  description: 'How an entry moves the account balance is given by the sign of its amount.',
});
registerEnumType(CreditStatus, { name: 'CreditStatus' });
registerEnumType(RootCauseCode, { name: 'RootCauseCode' });
registerEnumType(AgingBucket, { name: 'AgingBucket', description: 'Age = days since the balance went negative.' });
registerEnumType(ResolutionKind, { name: 'ResolutionKind' });
registerEnumType(JobState, { name: 'JobState' });
registerEnumType(Complexity, { name: 'Complexity', description: 'Seed 000 tiers: LOW duplicate/posting error, MEDIUM COB/partial, HIGH several payers or undetermined.' });
registerEnumType(DollarTier, { name: 'DollarTier', description: 'Under $100 (batch), $100-$999.99 (standard), $1,000 and more (expedited).' });
registerEnumType(OwnerKind, { name: 'OwnerKind' });

export { PayerKind, EntryKind, CreditStatus, RootCauseCode, AgingBucket, ResolutionKind, JobState, Complexity, DollarTier };
