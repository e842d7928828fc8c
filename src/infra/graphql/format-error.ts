import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError, AuthorizationError } from 'type-graphql';
import { DomainError } from '../../domain/errors.js';
import { isUnavailable } from '../availability.js';

/** What a client sees while PostgreSQL or Redis is unreachable: retry later; nothing was written. */
export const SERVICE_UNAVAILABLE_MESSAGE = 'Service temporarily unavailable (database or queue unreachable); nothing was written. Retry later.';

/** Where in the input a variable-coercion error points, e.g. `entries[3].amount`. */
function fieldOf(message: string): string | undefined {
  const match = /^Variable "\$(\w+)" got invalid value .*? at "([^"]+)"/s.exec(message) ?? /^Variable "\$(\w+)"/.exec(message);
  if (!match) return undefined;
  return match[2] ?? match[1];
}

/**
 * The one table from errors to GraphQL error codes. Domain errors carry their own code and details;
 * type-graphql's authorization and validation errors become FORBIDDEN and BAD_USER_INPUT; anything
 * unexpected is masked in production (and logged, with the request id, by the observability plugin).
 */
export function createErrorFormatter(production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };

    if (original instanceof DomainError) {
      return { ...base, message: original.message, extensions: { code: original.code, ...original.details } };
    }
    if (isUnavailable(original)) {
      return { ...base, message: SERVICE_UNAVAILABLE_MESSAGE, extensions: { code: 'SERVICE_UNAVAILABLE' } };
    }
    if (original instanceof AuthorizationError) {
      return { ...base, message: 'Forbidden: your roles do not allow this operation or field', extensions: { code: 'FORBIDDEN' } };
    }
    if (original instanceof ArgumentValidationError) {
      const fields = original.extensions.validationErrors as { property: string; constraints?: Record<string, string> }[] | undefined;
      const first = fields?.[0];
      return {
        ...base,
        message: first?.constraints ? `${first.property}: ${Object.values(first.constraints).join('; ')}` : formatted.message,
        extensions: { code: 'BAD_USER_INPUT', field: first?.property },
      };
    }

    const code = formatted.extensions?.code;
    if (code === 'BAD_USER_INPUT') {
      return { ...formatted, extensions: { ...formatted.extensions, field: fieldOf(formatted.message) } };
    }
    // A bad scalar literal written inline in the document is bad input too, whatever the phase.
    if (code === 'GRAPHQL_VALIDATION_FAILED' && /^Expected value of type|^Expected type/.test(formatted.message)) {
      return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT' } };
    }
    // graphql-js's own complaints about the document (e.g. an operation type the schema lacks)
    // carry no code and no resolver path: they are the client's, not ours.
    if (code === 'INTERNAL_SERVER_ERROR' && error instanceof GraphQLError && !error.originalError && !error.path) {
      return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_REQUEST' } };
    }
    if (original instanceof GraphQLError || (code && code !== 'INTERNAL_SERVER_ERROR')) return formatted;

    return production
      ? { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } }
      : { ...formatted, extensions: { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR' } };
  };
}
