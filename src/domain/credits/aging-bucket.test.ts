import { AgingBucket, ageDays, agingBucket, originatedRange } from './aging-bucket.js';

const asOf = new Date('2026-11-22T12:00:00Z');
const ago = (days: number, extraMs = 0) => new Date(asOf.getTime() - days * 86_400_000 - extraMs);

describe('ageDays', () => {
  it('counts whole days since origination and never goes negative', () => {
    expect(ageDays(ago(0), asOf)).toBe(0);
    expect(ageDays(ago(30, 1), asOf)).toBe(30);
    expect(ageDays(ago(31), asOf)).toBe(31);
    expect(ageDays(new Date(asOf.getTime() + 5_000), asOf)).toBe(0);
  });
});

describe('agingBucket', () => {
  it.each([
    [0, AgingBucket.DAYS_0_30],
    [30, AgingBucket.DAYS_0_30],
    [31, AgingBucket.DAYS_31_60],
    [60, AgingBucket.DAYS_31_60],
    [61, AgingBucket.DAYS_61_90],
    [90, AgingBucket.DAYS_61_90],
    [91, AgingBucket.DAYS_OVER_90],
    [4000, AgingBucket.DAYS_OVER_90],
  ])('puts %i days in %s', (days, bucket) => {
    expect(agingBucket(days)).toBe(bucket);
  });
});

describe('originatedRange', () => {
  it('selects exactly the origination instants whose age falls in the bucket', () => {
    for (const bucket of Object.values(AgingBucket)) {
      const range = originatedRange(bucket, asOf);
      for (let days = 0; days <= 120; days++) {
        for (const extra of [0, 1, 86_399_999]) {
          const at = ago(days, extra);
          const inRange = (!range.after || at > range.after) && (!range.atOrBefore || at <= range.atOrBefore);
          expect([bucket, days, extra, inRange]).toEqual([bucket, days, extra, agingBucket(ageDays(at, asOf)) === bucket]);
        }
      }
    }
  });
});
