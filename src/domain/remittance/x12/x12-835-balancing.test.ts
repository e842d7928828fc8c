import {
  checkBalances,
  checkClaimBalance,
  checkPaymentBalance,
  checkServiceBalance,
  claimAdjustmentTotal,
} from './x12-835-balancing.js';
import type { Adjustment835, AdjustmentGroupCode, Claim835, Remittance835, ServiceLine835 } from './x12-835.types.js';

const cas = (group: AdjustmentGroupCode, amount: string): Adjustment835 => ({ ordinal: 1, group, reason: '45', amount });

function service(charge: string, paid: string, adjustments: Adjustment835[] = []): ServiceLine835 {
  return {
    ordinal: 2,
    procedure: { qualifier: 'HC', code: '99213', modifiers: [] },
    chargeAmount: charge,
    paidAmount: paid,
    adjustments,
    dates: [],
    references: [],
    amounts: [],
    quantities: [],
    remarks: [],
  };
}

function claim(charge: string, paid: string, adjustments: Adjustment835[], services: ServiceLine835[] = []): Claim835 {
  return {
    ordinal: 1,
    patientControlNumber: 'PCN',
    status: '1',
    chargeAmount: charge,
    paidAmount: paid,
    adjustments,
    parties: [],
    adjudication: [],
    dates: [],
    references: [],
    amounts: [],
    quantities: [],
    services,
  };
}

function remittance(amount: string, claims: Claim835[], plb: string[] = [], creditDebit = 'C'): Remittance835 {
  return {
    controlNumber: '1',
    payment: { ordinal: 4, handlingCode: 'I', amount, creditDebit },
    trace: { typeCode: '1', traceNumber: 'T' },
    payer: { name: 'P', references: [] },
    payee: { name: 'E', references: [] },
    references: [],
    dates: [],
    claims,
    providerAdjustments: plb.map((a) => ({ ordinal: 9, providerId: 'X', reasonCode: 'WO', amount: a })),
  };
}

describe('claim balancing: CLP03 − CLP04 = Σ claim CAS + Σ service CAS', () => {
  it('counts claim-level and service-level CAS, PR included', () => {
    const c = claim('500', '350', [cas('CO', '10')], [service('500', '360', [cas('PR', '100'), cas('CO', '40')])]);
    expect(claimAdjustmentTotal(c).toString()).toBe('150');
    expect(checkClaimBalance(c)).toBeUndefined();
  });

  it('warns when it does not hold, naming the CLP and both sides', () => {
    const c = claim('500', '350', [cas('CO', '100')]);
    expect(checkClaimBalance(c)).toEqual({
      severity: 'warning',
      code: 'CLAIM_UNBALANCED',
      ordinal: 1,
      segmentId: 'CLP',
      message: 'segment 1 (CLP): claim PCN: CLP03 − CLP04 = 150.00 but claim and service CAS adjustments add up to 100.00 (difference 50.00)',
    });
  });

  it('is exact where floating point is not (0.1 + 0.2 = 0.3)', () => {
    expect(checkClaimBalance(claim('0.3', '0', [cas('CO', '0.1'), cas('PR', '0.2')]))).toBeUndefined();
  });

  it('balances reversals, whose amounts are all negative', () => {
    expect(checkClaimBalance(claim('-400', '-300', [cas('PR', '-100')]))).toBeUndefined();
  });

  it('stays exact with 18-digit amounts', () => {
    const big = '9999999999999999.99';
    expect(checkClaimBalance(claim(big, '0', [cas('CO', '9999999999999999.98'), cas('CO', '0.01')]))).toBeUndefined();
    expect(checkClaimBalance(claim(big, '0', [cas('CO', '9999999999999999.98')]))).toBeDefined();
  });
});

describe('service balancing: SVC02 − SVC03 = Σ line CAS', () => {
  it('holds with negative adjustments', () => {
    expect(checkServiceBalance(service('541.00', '34.00', [cas('OA', '516.00'), cas('OA', '-9.00')]))).toBeUndefined();
  });

  it('warns when it does not hold', () => {
    expect(checkServiceBalance(service('100', '80'))?.message).toBe(
      'segment 2 (SVC): service 99213: SVC02 − SVC03 = 20.00 but its CAS adjustments add up to 0.00 (difference 20.00)',
    );
  });
});

describe('payment balancing: BPR02 = Σ CLP04 − Σ PLB', () => {
  it('subtracts PLB amounts (negative ones add to the payment)', () => {
    const claims = [claim('100', '80', [cas('PR', '20')]), claim('50', '50', [])];
    expect(checkPaymentBalance(remittance('105', claims, ['50', '-25']))).toBeUndefined();
    expect(checkPaymentBalance(remittance('130', claims, ['50', '-25']))?.message).toBe(
      'segment 4 (BPR): BPR02 = 130.00 but Σ CLP04 (130.00) − Σ PLB (25.00) = 105.00 (difference 25.00)',
    );
  });

  it('reads a debit (BPR03 = D) as money owed by the provider', () => {
    expect(checkPaymentBalance(remittance('20', [claim('10', '10', [])], ['30'], 'D'))).toBeUndefined();
  });

  it('runs every check of a set in order: payment, then each claim and its lines', () => {
    const r = remittance('1', [claim('100', '80', [], [service('100', '80')])]);
    expect(checkBalances(r).map((i) => i.code)).toEqual(['PAYMENT_UNBALANCED', 'CLAIM_UNBALANCED', 'SERVICE_UNBALANCED']);
  });
});
