import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '../../domain/context/request-context.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';

/**
 * One structured log line and one latency observation per request: request id, tenant, actor,
 * operation name, duration, error codes. Never variables or results (they may hold PHI).
 */
export function observabilityPlugin(logger: Logger, metrics: Metrics): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
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
