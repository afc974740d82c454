import { describe, expect, it } from 'vitest';
import { parseCsv, readInstrumentCsv } from '../../src/quality/instrument-csv';

const MAPPING = {
  sampleColumn: 'Sample',
  analyteColumn: 'Test',
  valueColumn: 'Result',
  unitColumn: 'Unit',
  analytes: { VIAB: 'Viability', ENDO: 'Endotoxin', STER: 'Sterility' },
};

describe('instrument CSV', () => {
  it('reads RFC 4180 quoting: doubled quotes, commas and line breaks inside quotes, CRLF', () => {
    expect(parseCsv('a,"b ""x"", y",c\r\n1,"two\nlines",3\n')).toEqual([
      ['a', 'b "x", y', 'c'],
      ['1', 'two\nlines', '3'],
    ]);
  });

  it('names the line of a quote that is never closed', () => {
    expect(() => parseCsv('a,b\n1,"open\n')).toThrow(/line 2/);
  });

  it('imports mapped rows and reports every row it could not read with its line and reason', () => {
    const csv = [
      'Sample,Test,Result,Unit',
      'B-001,VIAB,92.5,%',
      'B-001,ENDO,0.2,EU/mL',
      'B-001,CD99,14,%',
      'B-002,STER,negative,',
      'B-001,STER,,',
      'B-001,VIAB,93,%',
      'B-001',
      'b-001,STER,Negative,',
    ].join('\n');
    const read = readInstrumentCsv(csv, MAPPING, 'B-001');
    expect(read.results).toEqual([
      { line: 2, analyte: 'Viability', value: 92.5, unit: '%' },
      { line: 3, analyte: 'Endotoxin', value: 0.2, unit: 'EU/mL' },
      { line: 9, analyte: 'Sterility', value: 'Negative' },
    ]);
    expect(read.rejected.map((r) => r.line)).toEqual([4, 5, 6, 7, 8]);
    expect(read.rejected[0]?.reason).toMatch(/CD99.*not in the instrument mapping/);
    expect(read.rejected[1]?.reason).toMatch(/not batch B-001/);
    expect(read.rejected[2]?.reason).toMatch(/no value/);
    expect(read.rejected[3]?.reason).toMatch(/second result \(first on line 2\)/);
    expect(read.rejected[4]?.reason).toMatch(/only 1 fields/);
  });

  it('refuses a mapping naming a column the file does not have', () => {
    expect(() => readInstrumentCsv('Sample,Test,Value\n', MAPPING)).toThrow(/mapping.valueColumn/);
  });
});
