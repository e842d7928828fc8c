import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError } from 'graphql';
import { DomainError } from '../../domain/errors.js';
import type { RequestContext } from '../../domain/context/request-context.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { isUnavailable, reasonOf } from '../availability.js';

/**
 * One structured log line and one latency observation per request: request id, tenant, actor,
 * operation name, duration, error codes. Never variables or results (they may hold PHI).
 */
export function observabilityPlugin(logger: Logger, metrics: Metrics): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        // Unexpected errors (not the client's, not a domain rule) are logged with the request id
        // the client sees in x-request-id; the response itself only says "Internal server error".
        async didEncounterErrors({ errors, contextValue: ctx }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            if (original instanceof DomainError || (original instanceof GraphQLError && original.extensions?.code)) continue;
            if (error.extensions?.code && error.extensions.code !== 'INTERNAL_SERVER_ERROR') continue;
            if (isUnavailable(original)) {
              logger.warn({ reason: reasonOf(original), requestId: ctx?.requestId, path: error.path }, 'dependency unavailable');
              continue;
            }
            logger.error({ err: original, requestId: ctx?.requestId, tenant: ctx?.actor?.tenantId, path: error.path }, 'unexpected error');
          }
        },
        async willSendResponse({ response, operationName }) {
          const seconds = (performance.now() - started) / 1000;
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const codes = errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
          for (const code of codes) metrics.errors.inc({ code });
          const operation = operationName ?? 'anonymous';
          metrics.requestDuration.observe({ operation, outcome: codes.length ? 'error' : 'ok' }, seconds);
          logger.info(
            {
              requestId: contextValue.requestId,
              tenant: contextValue.actor.tenantId,
              actor: contextValue.actor.id,
              operation,
              ms: Math.round(seconds * 1000),
              errors: codes.length ? codes : undefined,
            },
            'graphql request',
          );
        },
      };
    },
  };
}
