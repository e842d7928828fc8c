import type { ApolloServerPlugin } from '@apollo/server';

/**
 * `cache-control: no-store` on every GraphQL response: answers are per tenant and may carry PHI,
 * so no browser or proxy keeps them. (Apollo's cache-control plugin, which said the same for a
 * schema without cache hints, is disabled: it instruments every field resolution.)
 */
export function noStorePlugin<C extends object>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
}
