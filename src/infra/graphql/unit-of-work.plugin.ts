import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { RequestContext } from '../../domain/context/request-context.js';
import type { Logger } from '../logger.js';

/**
 * Ends each request's unit of work: commit when the operation produced no error, roll back
 * otherwise, so a rejected mutation writes nothing. It runs before the response is sent, so a
 * client never sees data that did not commit.
 */
export function unitOfWorkPlugin(logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const uow = contextValue.uow;
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          if (body?.errors?.length) {
            await uow.rollback();
            return;
          }
          try {
            await uow.commit();
          } catch (error) {
            logger.error({ err: error, requestId: contextValue.requestId }, 'commit failed');
            await uow.rollback().catch(() => undefined);
            if (body) {
              body.data = null;
              body.errors = [
                new GraphQLError('The transaction could not be committed; nothing was written. Retry the request.', {
                  extensions: { code: 'INTERNAL_SERVER_ERROR' },
                }),
              ];
            }
          }
        },
      };
    },
  };
}
