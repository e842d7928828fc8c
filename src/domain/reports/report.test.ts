import { Decimal } from '../money/money.js';
import { csvHeader, csvLine, visibleColumns, type ReportColumn } from './report.js';

interface Row {
  name: string | null;
  amount: Decimal;
  at: Date;
  count: number;
  flag: boolean;
}

const columns: ReportColumn<Row>[] = [
  { name: 'name', value: (r) => r.name, phi: true },
  { name: 'amount', value: (r) => r.amount },
  { name: 'at', value: (r) => r.at },
  { name: 'count', value: (r) => r.count },
  { name: 'flag', value: (r) => r.flag },
];
const row = (name: string | null, amount = '-12.5'): Row => ({ name, amount: new Decimal(amount), at: new Date('2026-11-30T10:00:00.123Z'), count: 3, flag: true });

describe('report CSV lines', () => {
  it('prints money with two digits, instants in ISO-8601 UTC, null as empty, quotes only what needs it', () => {
    expect(csvHeader(columns)).toBe('name,amount,at,count,flag\r\n');
    expect(csvLine(columns, row(null))).toBe(',-12.50,2026-11-30T10:00:00.123Z,3,true\r\n');
    expect(csvLine(columns, row('Doe, "Jo"\nJr'))).toBe('"Doe, ""Jo""\nJr",-12.50,2026-11-30T10:00:00.123Z,3,true\r\n');
  });

  it('defuses text a spreadsheet would run as a formula, never amounts', () => {
    for (const formula of ['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)', '\tx']) {
      expect(csvLine(columns, row(formula)).startsWith(`'`) || csvLine(columns, row(formula)).startsWith(`"'`)).toBe(true);
    }
    expect(csvLine(columns, row('Ann', '-5')).split(',')[1]).toBe('-5.00');
  });

  it('leaves PHI columns out for callers who may not read PHI', () => {
    expect(visibleColumns({ columns }, false).map((c) => c.name)).toEqual(['amount', 'at', 'count', 'flag']);
    expect(visibleColumns({ columns }, true)).toHaveLength(5);
  });
});
