import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { RequestContext } from '../../domain/context/request-context.js';
import type { Logger } from '../logger.js';
import type { AuditService } from '../../domain/audit/audit.service.js';
import type { MikroORM } from '@mikro-orm/postgresql';
import { UnitOfWork } from '../db/unit-of-work.js';
import { isUnavailable, reasonOf } from '../availability.js';

/**
 * Ends each request's unit of work: commit when the operation produced no error, roll back
 * otherwise, so a rejected mutation writes nothing. It runs before the response is sent, so a
 * client never sees data that did not commit.
 */
export function unitOfWorkPlugin(logger: Logger, audit: AuditService, orm: MikroORM): ApolloServerPlugin<RequestContext> {
  const phiEvent = (ctx: RequestContext) => ({
    action: 'phi.read',
    subjectType: 'request',
    subjectId: ctx.requestId,
    after: { accounts: [...ctx.phiReads].sort(), fields: [...ctx.phiFields].sort() },
  });
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          // A separate read-only unit (replica) has nothing to commit: end it first, whatever happens.
          if (contextValue.reads !== contextValue.uow) await contextValue.reads.rollback().catch(() => undefined);
          const uow = contextValue.uow;
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          if (body?.errors?.length) {
            await uow.rollback();
            // Partial data may still carry PHI: its read is recorded on its own.
            if (contextValue.phiReads.size && body.data) {
              await UnitOfWork.run(orm, contextValue.tenantId, (own) => audit.append(own, contextValue.tenantId, contextValue.actor.id, [phiEvent(contextValue)]));
            }
            return;
          }
          try {
            // Who read which patients' identifiers goes to the audit trail (not to logs), in the
            // request's own transaction: no response with PHI leaves without its record.
            if (contextValue.phiReads.size) await audit.record(contextValue, phiEvent(contextValue));
            const hookFailures = await uow.commit();
            for (const failure of hookFailures) {
              logger.warn({ reason: reasonOf(failure), requestId: contextValue.requestId }, 'after-commit step failed (a queued run is re-queued by the workers\' sweeper)');
            }
          } catch (error) {
            logger.error({ err: error, requestId: contextValue.requestId }, 'commit failed');
            await uow.rollback().catch(() => undefined);
            if (body) {
              body.data = null;
              body.errors = [
                new GraphQLError('The transaction could not be committed; nothing was written. Retry the request.', {
                  extensions: { code: isUnavailable(error) ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR' },
                }),
              ];
            }
          }
        },
      };
    },
  };
}
