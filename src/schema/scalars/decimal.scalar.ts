import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { Decimal, formatMoney, MoneyFormatError, parseMoney } from '../../domain/money/money.js';

function parse(value: unknown): Decimal {
  try {
    return parseMoney(value);
  } catch (error) {
    if (error instanceof MoneyFormatError) {
      throw new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT' } });
    }
    throw error;
  }
}

/** Exact money: a JSON string with two fraction digits out ("125.40"), a decimal string in. */
export const DecimalScalar = new GraphQLScalarType<Decimal, string>({
  name: 'Decimal',
  description:
    'An exact decimal amount serialized as a string ("125.40"). Inputs: at most 12 integer digits and 2 fraction digits; text, NaN and Infinity are rejected.',
  serialize(value) {
    if (value instanceof Decimal) return formatMoney(value);
    if (typeof value === 'string') return formatMoney(parse(value));
    throw new GraphQLError('Decimal cannot represent a non-decimal value');
  },
  parseValue: parse,
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return parse(ast.value);
    throw new GraphQLError('Decimal must be a string such as "125.40"', { extensions: { code: 'BAD_USER_INPUT' } });
  },
});
