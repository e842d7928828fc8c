import { syntheticAccountDetails } from './account-details.js';
import { generateLedger } from './ledger-generator.js';

describe('syntheticAccountDetails', () => {
  const accounts = 2_000;
  const all = Array.from({ length: accounts }, (_, i) => syntheticAccountDetails(7, i, accounts));

  it('is a pure function of (seed, index, accounts)', () => {
    expect(syntheticAccountDetails(7, 42, accounts)).toEqual(all[42]);
    expect(syntheticAccountDetails(8, 42, accounts)).not.toEqual(all[42]);
  });

  it('gives a patient one name and member id on every account, as the ledger names the patient', () => {
    const patientOf = new Map<string, string>();
    for (const row of generateLedger({ accounts, seed: 7, asOf: new Date('2026-11-01T00:00:00Z') })) patientOf.set(row.accountNumber, row.patientId);
    const byPatient = new Map<string, string>();
    for (const d of all) {
      const patient = patientOf.get(d.accountNumber);
      if (!patient) continue;
      const identity = `${d.patientName}|${d.payerMemberId}|${d.state}`;
      expect(byPatient.get(patient) ?? identity).toBe(identity);
      byPatient.set(patient, identity);
    }
    expect(byPatient.size).toBeGreaterThan(500);
  });

  it('looks like real data: MBIs in CMS layout, every location used, inpatient stays on type of bill 111', () => {
    const mbis = all.map((d) => d.payerMemberId).filter((m): m is string => m !== null && /^\d[A-Z]/.test(m));
    expect(mbis.length).toBeGreaterThan(100);
    for (const m of mbis) expect(m).toMatch(/^[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d[AC-HJKMNP-RT-Y]{2}\d\d$/);
    expect(new Set(all.map((d) => d.location))).toEqual(new Set(['MAIN', 'NORTH', 'EAST', 'ASC-1']));
    for (const d of all) {
      expect(d.claim.stayDays > 0).toBe(d.claim.typeOfBill === '111');
      if (d.claim.icn) expect(d.claim.icn).toMatch(/^\d{13}$/);
    }
  });
});
