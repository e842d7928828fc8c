import { Decimal } from '../money/money.js';

/**
 * Writes well-formed X12 835 text from a small description: for tests, the benchmark and demos.
 * BPR02 is computed (Σ CLP04 − Σ PLB) and SE01 counted, so a described remittance balances unless
 * its claims themselves do not.
 */

export type CasTriplet = readonly [group: string, reason: string, amount: string];

export interface EraLineSpec {
  readonly code: string;
  readonly charge: string;
  readonly paid: string;
  /** CCYYMMDD. */
  readonly date?: string;
  readonly cas?: readonly CasTriplet[];
}

export interface EraClaimSpec {
  /** CLP01: the account number. */
  readonly pcn: string;
  /** CLP02, default 1 (processed as primary). */
  readonly status?: string;
  readonly charge: string;
  readonly paid: string;
  readonly patientResponsibility?: string;
  /** CLP07: the payer's claim number. */
  readonly icn?: string;
  readonly cas?: readonly CasTriplet[];
  readonly lines?: readonly EraLineSpec[];
}

export interface EraPlbSpec {
  readonly reason: string;
  readonly reference?: string;
  readonly amount: string;
}

export interface EraSetSpec {
  /** N1*PR N104 and REF*2U. */
  readonly payerId: string;
  readonly payerName?: string;
  /** TRN02. */
  readonly trace: string;
  /** BPR16, CCYYMMDD. */
  readonly paymentDate?: string;
  readonly claims: readonly EraClaimSpec[];
  readonly plb?: readonly EraPlbSpec[];
  readonly controlNumber?: string;
}

function casSegments(cas: readonly CasTriplet[] | undefined): string[] {
  return (cas ?? []).map(([group, reason, amount]) => `CAS*${group}*${reason}*${amount}`);
}

function setSegments(spec: EraSetSpec, index: number): string[] {
  const paid = spec.claims.reduce((s, c) => s.plus(c.paid), new Decimal(0));
  const plb = (spec.plb ?? []).reduce((s, p) => s.plus(p.amount), new Decimal(0));
  const control = spec.controlNumber ?? String(index + 1).padStart(4, '0');
  const date = spec.paymentDate ?? '20260115';
  const body = [
    `ST*835*${control}*005010X221A1`,
    `BPR*I*${paid.minus(plb).toFixed(2)}*C*ACH*CCP*01*999999999*DA*123456789*1512345678**01*888888888*DA*987654321*${date}`,
    `TRN*1*${spec.trace}*1512345678`,
    `DTM*405*${date}`,
    `N1*PR*${spec.payerName ?? 'TEST PAYER'}*XV*${spec.payerId}`,
    `REF*2U*${spec.payerId}`,
    `N1*PE*TEST CLINIC*XX*1234567893`,
    `LX*1`,
  ];
  for (const c of spec.claims) {
    body.push(`CLP*${c.pcn}*${c.status ?? '1'}*${c.charge}*${c.paid}*${c.patientResponsibility ?? ''}*12*${c.icn ?? ''}*11*1`);
    body.push(...casSegments(c.cas));
    body.push(`NM1*QC*1*DOE*JANE****MI*W${c.pcn.replace(/[^A-Za-z0-9]/g, '')}`);
    for (const l of c.lines ?? []) {
      body.push(`SVC*HC:${l.code}*${l.charge}*${l.paid}**1`);
      if (l.date) body.push(`DTM*472*${l.date}`);
      body.push(...casSegments(l.cas));
    }
  }
  if (spec.plb?.length) {
    const pairs = spec.plb.map((p) => `${p.reason}${p.reference ? `:${p.reference}` : ''}*${p.amount}`);
    for (let i = 0; i < pairs.length; i += 6) body.push(`PLB*1234567893*20261231*${pairs.slice(i, i + 6).join('*')}`);
  }
  body.push(`SE*${body.length + 1}*${control}`);
  return body;
}

/** One interchange with one functional group holding the given transaction sets. */
export function writeEra(sets: readonly EraSetSpec[], options: { envelope?: boolean; interchange?: string } = {}): string {
  const segments = sets.flatMap((s, i) => setSegments(s, i));
  if (options.envelope === false) return segments.join('~\n') + '~\n';
  const icn = (options.interchange ?? '1').padStart(9, '0');
  return [
    `ISA*00*          *00*          *ZZ*PAYERSENDER    *ZZ*PROVIDERRECV   *260115*1200*^*00501*${icn}*0*P*:`,
    `GS*HP*PAYERSENDER*PROVIDERRECV*20260115*1200*${Number(icn)}*X*005010X221A1`,
    ...segments,
    `GE*${sets.length}*${Number(icn)}`,
    `IEA*1*${icn}`,
  ].join('~\n') + '~\n';
}
