import { registerEnumType } from 'type-graphql';
import { PayerKind } from '../domain/payers/payer-kind.js';
import { EntryKind } from '../domain/ledger/entry-kind.js';
import { CreditStatus, ResolutionKind, RootCauseCode } from '../domain/credits/credit-enums.js';
import { AgingBucket } from '../domain/credits/aging-bucket.js';
import { JobState } from '../domain/jobs/job-state.js';

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

export { PayerKind, EntryKind, CreditStatus, RootCauseCode, AgingBucket, ResolutionKind, JobState };
