import { RootCauseCode } from '../credits/credit-enums.js';
import {
  SCENARIO_MIX,
  ScenarioKind,
  expectedRootCause,
  isCreditScenario,
  scenarioOf,
  scenarioPlanOf,
} from './scenario.js';

describe('scenarioOf', () => {
  it('is a pure function of index and seed', () => {
    const first = Array.from({ length: 1_000 }, (_, i) => scenarioOf(i, 7));
    expect(Array.from({ length: 1_000 }, (_, i) => scenarioOf(i, 7))).toEqual(first);
    expect(Array.from({ length: 1_000 }, (_, i) => scenarioOf(i, 8))).not.toEqual(first);
  });

  it('injects each kind at its share: credits in 5% of accounts', () => {
    const n = 50_000;
    const counts = new Map<ScenarioKind | null, number>();
    for (let i = 0; i < n; i++) {
      const kind = scenarioOf(i, 11);
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    for (const [kind, bps] of SCENARIO_MIX) expect((counts.get(kind) ?? 0) / n).toBeCloseTo(bps / 10_000, 2);
    const credits = SCENARIO_MIX.filter(([kind]) => isCreditScenario(kind)).reduce(
      (total, [kind]) => total + (counts.get(kind) ?? 0),
      0,
    );
    expect(credits / n).toBeCloseTo(0.05, 2);
  });

  it('spreads credit ages over the aging buckets, clear of their edges', () => {
    const ages: number[] = [];
    for (let i = 0; ages.length < 2_000; i++) {
      const plan = scenarioPlanOf(i, 3);
      if (plan) ages.push(plan.ageDays);
    }
    const share = (lo: number, hi: number) => ages.filter((a) => a >= lo && a <= hi).length / ages.length;
    expect(share(1, 28)).toBeCloseTo(0.4, 1);
    expect(share(33, 58)).toBeCloseTo(0.2, 1);
    expect(share(63, 88)).toBeCloseTo(0.15, 1);
    expect(share(93, 400)).toBeCloseTo(0.25, 1);
    expect(share(1, 400)).toBe(1);
  });
});

describe('expectedRootCause', () => {
  it('maps credit scenarios to the root cause a classifier should find, the others to none', () => {
    expect(expectedRootCause(ScenarioKind.COB_ERROR)).toBe(RootCauseCode.COB_ERROR);
    expect(expectedRootCause(ScenarioKind.POSTING_ERROR)).toBe(RootCauseCode.POSTING_ERROR);
    expect(expectedRootCause(ScenarioKind.REVERSAL)).toBeNull();
    expect(expectedRootCause(ScenarioKind.REFUNDED)).toBeNull();
    expect(expectedRootCause(null)).toBeNull();
    for (const [kind] of SCENARIO_MIX) {
      if (isCreditScenario(kind)) expect(expectedRootCause(kind)).toBe(kind);
    }
  });
});
