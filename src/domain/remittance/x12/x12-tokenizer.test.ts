import { componentsAt, elementAt, tokenizeX12 } from './x12-tokenizer.js';
import { x12Fixture } from './x12-test-fixtures.js';

const isa5010 =
  'ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240115*1200*^*00501*000000001*0*T*:~';
const ids = (text: string): string[] => tokenizeX12(text).segments.map((s) => s.id);

describe('tokenizeX12: delimiters from the ISA', () => {
  it('reads element, repetition (5010 ISA11), component (ISA16) and terminator', () => {
    const { segments, issues } = tokenizeX12(`${isa5010}GS*HP*A*B~`);
    expect(issues).toEqual([]);
    expect(segments[0]?.delimiters).toEqual({ element: '*', component: ':', repetition: '^', segment: '~' });
    expect(segments.map((s) => s.id)).toEqual(['ISA', 'GS']);
    expect(elementAt(segments[0]!, 16)).toBe(':');
    expect(elementAt(segments[0]!, 13)).toBe('000000001');
  });

  it('has no repetition separator for 4010, where ISA11 is the standards id', () => {
    const text = x12Fixture('4010-pipe.835');
    const { segments } = tokenizeX12(text);
    expect(segments[0]?.delimiters).toEqual({ element: '|', component: '^', segment: '~' });
    const svc = segments.find((s) => s.id === 'SVC')!;
    expect(componentsAt(svc, 1)).toEqual(['HC', '99211', 'GT']);
  });

  it('gives each segment its 1-based ordinal in the file and its elements from XX01', () => {
    const { segments } = tokenizeX12(`${isa5010}GS*HP*A*B~ST*835*0001~CLP*PCN*1*100*80~`);
    const clp = segments[3]!;
    expect(clp.ordinal).toBe(4);
    expect(clp.elements).toEqual(['PCN', '1', '100', '80']);
    expect(elementAt(clp, 4)).toBe('80');
    expect(elementAt(clp, 9)).toBe('');
    expect(componentsAt(clp, 9)).toEqual([]);
  });

  it('splits components only when asked', () => {
    const { segments } = tokenizeX12(`${isa5010}SVC*HC:99213:25:59*300*220~`);
    const svc = segments[1]!;
    expect(elementAt(svc, 1)).toBe('HC:99213:25:59');
    expect(componentsAt(svc, 1)).toEqual(['HC', '99213', '25', '59']);
  });

  it('tolerates a trimmed ISA (counts separators instead of trusting fixed offsets)', () => {
    const { segments, issues } = tokenizeX12('ISA*00**00**ZZ*S*ZZ*R*240115*1200*^*00501*1*0*T*>~GS*HP~');
    expect(issues).toEqual([]);
    expect(segments[0]?.delimiters.component).toBe('>');
    expect(segments.map((s) => s.id)).toEqual(['ISA', 'GS']);
  });
});

describe('tokenizeX12: line endings', () => {
  it('ignores CRLF after terminators', () => {
    const { segments } = tokenizeX12(x12Fixture('crlf.835'));
    expect(segments.every((s) => !/[\r\n]/.test(s.id + s.elements.join('')))).toBe(true);
    expect(segments.map((s) => s.id).slice(0, 4)).toEqual(['ISA', 'GS', 'ST', 'BPR']);
  });

  it('reads files where a newline is the only segment terminator', () => {
    const { segments } = tokenizeX12(x12Fixture('newline-terminated.835'));
    expect(segments[0]?.delimiters.segment).toBe('\n');
    expect(segments.map((s) => s.id)).toEqual(ids(x12Fixture('crlf.835')));
  });

  it('reads CR-only and CRLF newline-terminated files', () => {
    const lf = x12Fixture('newline-terminated.835');
    expect(ids(lf.replace(/\n/g, '\r\n'))).toEqual(ids(lf));
    expect(ids(lf.replace(/\n/g, '\r'))).toEqual(ids(lf));
  });

  it('takes a terminator that follows the newline after ISA16 (`^\\n~GS`)', () => {
    const text = isa5010.slice(0, -1) + '\n~GS*HP*A\n~ST*835*1\n~';
    const { segments } = tokenizeX12(text);
    expect(segments[0]?.delimiters.segment).toBe('~');
    expect(segments.map((s) => s.id)).toEqual(['ISA', 'GS', 'ST']);
  });

  it('drops CR/LF inside segments when lines are wrapped at a fixed width', () => {
    const { segments } = tokenizeX12(`${isa5010}CLP*PCN*1*10\n0*80~`);
    expect(segments[1]?.elements).toEqual(['PCN', '1', '100', '80']);
  });

  it('skips empty segments without giving them an ordinal, and a byte-order mark', () => {
    const { segments } = tokenizeX12(`\uFEFF${isa5010}~~GS*HP~ ~ST*835*1~`);
    expect(segments.map((s) => [s.id, s.ordinal])).toEqual([['ISA', 1], ['GS', 2], ['ST', 3]]);
  });
});

describe('tokenizeX12: several interchanges', () => {
  it('reads each interchange with its own delimiters', () => {
    const { segments, issues } = tokenizeX12(x12Fixture('multi-interchange.835'));
    expect(issues).toEqual([]);
    const isas = segments.filter((s) => s.id === 'ISA');
    expect(isas.map((s) => s.delimiters)).toEqual([
      { element: '*', component: ':', repetition: '^', segment: '~' },
      { element: '|', component: '>', repetition: '^', segment: '!' },
    ]);
    const svcs = segments.filter((s) => s.id === 'SVC').map((s) => componentsAt(s, 1));
    expect(svcs).toEqual([['HC', '99211'], ['HC', '99211'], ['HC', '99211']]);
    expect(segments.at(-1)?.id).toBe('IEA');
  });
});

describe('tokenizeX12: no envelope', () => {
  it('detects the element separator after ST, the terminator, and `>` from SVC01', () => {
    const { segments, issues } = tokenizeX12(x12Fixture('no-envelope.835'));
    expect(issues).toEqual([]);
    expect(segments[0]?.id).toBe('ST');
    expect(segments[0]?.delimiters).toEqual({ element: '*', component: '>', segment: '~' });
    expect(componentsAt(segments.find((s) => s.id === 'SVC')!, 1)).toEqual(['HC', '99211']);
  });

  it('defaults the component separator to `:` and detects a newline terminator', () => {
    const { segments } = tokenizeX12('ST|835|1\nBPR|I|0|C|NON\nSE|3|1\n');
    expect(segments[0]?.delimiters).toEqual({ element: '|', component: ':', segment: '\n' });
    expect(segments.map((s) => s.id)).toEqual(['ST', 'BPR', 'SE']);
  });

  it('detects the component separator from PLB03 when there is no SVC', () => {
    const { segments } = tokenizeX12('ST*835*1~PLB*123*20240101*WO^REF1*10~SE*3*1~');
    expect(segments[0]?.delimiters.component).toBe('^');
  });
});

describe('tokenizeX12: bad input', () => {
  it('reports text that is not X12 instead of throwing', () => {
    const { segments, issues } = tokenizeX12(x12Fixture('garbage.835'));
    expect(segments).toEqual([]);
    expect(issues).toEqual([expect.objectContaining({ severity: 'error', code: 'NOT_X12' })]);
  });

  it('warns about and skips text before the first ISA', () => {
    const { segments, issues } = tokenizeX12(`From: clearinghouse\n${isa5010}GS*HP~`);
    expect(segments.map((s) => s.id)).toEqual(['ISA', 'GS']);
    expect(issues).toEqual([expect.objectContaining({ severity: 'warning', code: 'TEXT_SKIPPED' })]);
  });

  it('reports a truncated ISA and still returns what it could read', () => {
    const { segments, issues } = tokenizeX12('ISA*00*  *00*');
    expect(segments[0]?.id).toBe('ISA');
    expect(issues).toEqual([expect.objectContaining({ severity: 'error', code: 'ISA_MALFORMED' })]);
  });

  it('reports input that is not a string', () => {
    expect(tokenizeX12(undefined as unknown as string).issues).toEqual([expect.objectContaining({ code: 'NOT_X12' })]);
  });

  it.each(['', '   \n', 'ISA', 'ISA*', '~~~', 'ST*', 'ST*835*', '\uFEFF'])('does not throw on %j', (text) => {
    expect(() => tokenizeX12(text)).not.toThrow();
  });
});
