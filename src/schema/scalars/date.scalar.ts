import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver, LocalDateResolver } from 'graphql-scalars';

/** ISO-8601 date-time with offset; a JS Date inside. */
export const DateTimeScalar = DateTimeResolver;

/** A calendar date, YYYY-MM-DD, kept as text end to end (no time zone can shift it). */
export const DateScalar = new GraphQLScalarType({
  ...LocalDateResolver.toConfig(),
  name: 'Date',
  description: 'A calendar date: YYYY-MM-DD.',
});
