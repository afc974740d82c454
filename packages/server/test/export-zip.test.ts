import { describe, expect, it } from 'vitest';
import { toCsv } from '../src/exports/csv';
import { crc32, unzip, zip } from '../src/exports/zip';

describe('export files', () => {
  it('computes CRC-32 with the standard check value (CRC-32/ISO-HDLC of "123456789" is CBF43926)', () => {
    expect(crc32(Buffer.from('123456789', 'ascii'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
  });

  it('writes a stored ZIP that reads back with UTF-8 names and content', () => {
    const archive = zip([
      { name: 'patients.csv', content: 'a,b\r\n1,中文\r\n' },
      { name: '说明.csv', content: '' },
    ]);
    expect(archive.readUInt32LE(0)).toBe(0x04034b50);
    expect(archive.readUInt32LE(archive.length - 22)).toBe(0x06054b50);
    expect(unzip(archive)).toEqual([
      { name: 'patients.csv', content: 'a,b\r\n1,中文\r\n' },
      { name: '说明.csv', content: '' },
    ]);
  });

  it('quotes CSV cells per RFC 4180 and defuses spreadsheet formulas', () => {
    const csv = toCsv(
      ['a', 'b', 'c'],
      [
        ['x,y', 'say "hi"', '=cmd()'],
        [-1.5, null, true],
      ],
    );
    expect(csv).toBe('\uFEFFa,b,c\r\n"x,y","say ""hi""",\'=cmd()\r\n-1.5,,true\r\n');
  });
});
