import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, type GraphQLSchema, type ValidationContext, type ValidationRule } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { ApiLimits } from '../../config.js';
import type { RequestContext } from '../../domain/context/request-context.js';
import { isUnavailable } from '../availability.js';
import type { LeakyBucketLimiter } from '../rate-limit/leaky-bucket.js';

/** Depth and alias limits as validation rules: checked before anything executes. */
export function limitRules(limits: ApiLimits): ValidationRule[] {
  // graphql-armor throws by default (its envelop plugins catch that); as plain validation rules
  // they must report the error on the validation context instead.
  const report = { propagateOnRejection: false, onReject: [(ctx: ValidationContext | null, error: GraphQLError) => ctx?.reportError(error)] };
  return [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, ...report }) as unknown as ValidationRule,
    maxAliasesRule({ n: limits.maxAliases, ...report }) as unknown as ValidationRule,
  ];
}

/**
 * Prices each operation (type-graphql field complexities; list fields cost by `first`, everything
 * else 1), refuses it above the maximum, then takes the cost from the tenant's and the token's
 * leaky buckets. The response's `extensions.cost` tells the caller what it spent and what is left.
 */
export function queryCostPlugin(
  schema: GraphQLSchema,
  limits: ApiLimits,
  limiter: LeakyBucketLimiter,
  keyPrefix: string,
): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      let cost = 0;
      let remaining: number[] | undefined;
      let limiterDown = false;
      return {
        async didResolveOperation({ request, document, contextValue }) {
          try {
            cost = getComplexity({
              schema,
              query: document,
              operationName: request.operationName ?? undefined,
              variables: request.variables ?? {},
              estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch {
            // Variables that do not coerce: execution reports them as BAD_USER_INPUT (400) next,
            // before any resolver runs, so there is nothing to price.
            return;
          }
          if (cost > limits.maxCost) {
            throw new GraphQLError(`Query cost ${cost} exceeds the maximum of ${limits.maxCost}: ask for fewer items (first) or fewer fields`, {
              extensions: { code: 'BAD_USER_INPUT', reason: 'MAX_COST_EXCEEDED', cost, maximumCost: limits.maxCost, http: { status: 400 } },
            });
          }
          const actor = contextValue.actor;
          let outcome;
          try {
            outcome = await limiter.take(
              [
                { key: `${keyPrefix}:ratelimit:tenant:${actor.tenantId}`, capacity: limits.tenantCapacity, restorePerSecond: limits.tenantRestorePerSecond },
                { key: `${keyPrefix}:ratelimit:token:${actor.tenantId}:${actor.id}`, capacity: limits.tokenCapacity, restorePerSecond: limits.tokenRestorePerSecond },
              ],
              cost,
            );
          } catch (error) {
            // Fail open while Redis is unreachable (Envoy's rate limit default): the buckets
            // protect capacity, and dashboards reading PostgreSQL should not go dark with Redis.
            // The cost ceiling above still holds.
            if (!isUnavailable(error)) throw error;
            limiterDown = true;
            return;
          }
          if (!outcome.allowed) {
            throw new GraphQLError(`Rate limit: this query costs ${cost} and only ${outcome.remaining} points are left; retry in ${Math.ceil(outcome.retryAfterMs / 1000)} s`, {
              extensions: {
                code: 'RATE_LIMITED',
                cost,
                remaining: outcome.remaining,
                retryAfterSeconds: Math.ceil(outcome.retryAfterMs / 1000),
                http: { status: 429, headers: new Map([['retry-after', String(Math.ceil(outcome.retryAfterMs / 1000))]]) },
              },
            });
          }
          remaining = outcome.remaining;
        },
        async willSendResponse({ response }) {
          if (response.body.kind === 'single' && limiterDown) {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, cost: { requested: cost, maximum: limits.maxCost, rateLimit: 'UNAVAILABLE' } };
          }
          if (response.body.kind !== 'single' || !remaining) return;
          response.body.singleResult.extensions = {
            ...response.body.singleResult.extensions,
            cost: {
              requested: cost,
              maximum: limits.maxCost,
              tenant: { remaining: remaining[0], capacity: limits.tenantCapacity, restorePerSecond: limits.tenantRestorePerSecond },
              token: { remaining: remaining[1], capacity: limits.tokenCapacity, restorePerSecond: limits.tokenRestorePerSecond },
            },
          };
        },
      };
    },
  };
}
