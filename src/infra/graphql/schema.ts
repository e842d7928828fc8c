import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type AuthChecker, type ResolverData } from 'type-graphql';
import type { Services } from '../../app/services.js';
import type { RequestContext } from '../../domain/context/request-context.js';
import type { Role } from '../../domain/context/role.js';
import { AccountResolver } from '../../resolvers/account.resolver.js';
import { CreditResolver } from '../../resolvers/credit.resolver.js';
import { JobResolver } from '../../resolvers/job.resolver.js';
import { KpiResolver } from '../../resolvers/kpi.resolver.js';
import { KpiTrendResolver } from '../../resolvers/kpi-trend.resolver.js';
import { LedgerResolver } from '../../resolvers/ledger.resolver.js';
import { PayerResolver } from '../../resolvers/payer.resolver.js';
import { FindingResolver, OwnerPortionResolver } from '../../resolvers/finding.resolver.js';
import { WorklistResolver } from '../../resolvers/worklist.resolver.js';
import { RefundResolver } from '../../resolvers/refund.resolver.js';
import { CreditTransferResultResolver, ResolutionResolver } from '../../resolvers/resolution.resolver.js';
import { RemittanceResolver } from '../../resolvers/remittance.resolver.js';
import { UnclaimedPropertyResolver } from '../../resolvers/unclaimed-property.resolver.js';
import { ReportResolver } from '../../resolvers/report.resolver.js';
import { AgingByPatientRowResolver, CreditBalanceRowResolver, MedicareCreditRowResolver, UnclaimedPropertyRowResolver } from '../../resolvers/report-row.resolver.js';
import { DateTimeScalar } from '../../schema/scalars/date.scalar.js';

export const RESOLVERS = [
  PayerResolver,
  AccountResolver,
  LedgerResolver,
  CreditResolver,
  FindingResolver,
  OwnerPortionResolver,
  KpiResolver,
  KpiTrendResolver,
  JobResolver,
  WorklistResolver,
  RefundResolver,
  ResolutionResolver,
  CreditTransferResultResolver,
  RemittanceResolver,
  ReportResolver,
  CreditBalanceRowResolver,
  AgingByPatientRowResolver,
  MedicareCreditRowResolver,
  UnclaimedPropertyRowResolver,
  UnclaimedPropertyResolver,
] as const;

/** A caller passes when it holds any of the roles the operation or field names. */
export const authChecker: AuthChecker<RequestContext, Role> = ({ context }, roles) =>
  roles.length === 0 || context.actor.roles.some((role) => roles.includes(role));

/** Builds the executable schema; every resolver receives the process's services. */
export async function createSchema(services: Services): Promise<GraphQLSchema> {
  const instances = new Map<unknown, unknown>();
  return buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    validate: { forbidUnknownValues: false },
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    container: {
      get(someClass: new (services: Services) => unknown, _resolverData: ResolverData<RequestContext>) {
        let instance = instances.get(someClass);
        if (!instance) {
          instance = new someClass(services);
          instances.set(someClass, instance);
        }
        return instance;
      },
    },
  });
}
