import { addDays, dayChunks, isoDay } from './kpi-snapshot.service.js';

describe('snapshot days', () => {
  it('are UTC calendar days', () => {
    expect(isoDay(new Date('2026-03-08T23:59:59.999Z'))).toBe('2026-03-08');
    expect(addDays('2026-02-27', 2)).toBe('2026-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('are cut into chunks that cover the range once, in order', () => {
    expect(dayChunks('2026-01-01', '2026-01-01')).toEqual([['2026-01-01', '2026-01-01']]);
    expect(dayChunks('2026-01-01', '2026-03-05', 31)).toEqual([
      ['2026-01-01', '2026-01-31'],
      ['2026-02-01', '2026-03-03'],
      ['2026-03-04', '2026-03-05'],
    ]);
    const chunks = dayChunks('2025-06-05', '2026-12-01');
    const days = chunks.reduce((n, [a, b]) => n + (Date.parse(b) - Date.parse(a)) / 86_400_000 + 1, 0);
    expect(days).toBe((Date.parse('2026-12-01') - Date.parse('2025-06-05')) / 86_400_000 + 1);
    chunks.slice(1).forEach(([start], i) => expect(start).toBe(addDays(chunks[i]![1], 1)));
  });
});
