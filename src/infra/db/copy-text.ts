/** A value of a COPY row: text as is, numbers in decimal, null/undefined as SQL NULL. */
export type CopyValue = string | number | null | undefined;

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** One field in COPY text format: backslash, tab, newline and carriage return are escaped; nothing else. */
export function copyField(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  return NEEDS_ESCAPE.test(value)
    ? value.replaceAll('\\', '\\\\').replaceAll('\t', '\\t').replaceAll('\n', '\\n').replaceAll('\r', '\\r')
    : value;
}

/** One row in COPY text format. */
export const copyLine = (values: readonly CopyValue[]): string => values.map(copyField).join('\t') + '\n';

/** Text per CopyData message: one message per row would dominate the cost. */
export const COPY_CHUNK_CHARS = 65_536;
