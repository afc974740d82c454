/**
 * Code 128 (ISO/IEC 15417), the linear symbology of ISBT 128 labels (ICCBBA ST-001: each data structure — the
 * DIN `=G1234…`, the product code `=<…` — is one Code 128 symbol). Written here rather than taken from a
 * barcode library: ISBT 128 needs only printable ASCII (subset B) and digit runs (subset C), the encoder is
 * small enough to test symbol by symbol, and the same code runs in the server's tests and in the browser.
 *
 * A symbol is the start character, the data characters, the modulo-103 check character and the stop
 * character; each character is 3 bars and 3 spaces, 11 modules wide (the stop: 4 bars, 3 spaces, 13 modules).
 */

/** Bar and space widths (in modules, bar first) of the character values 0–105; 106 is the stop. */
// biome-ignore format: ten character values a line, as the tables of ISO/IEC 15417 are read
const PATTERNS: readonly string[] = [
  '212222', '222122', '222221', '121223', '121322', '131222', '122213', '122312', '132212', '221213',
  '221312', '231212', '112232', '122132', '122231', '113222', '123122', '123221', '223211', '221132',
  '221231', '213212', '223112', '312131', '311222', '321122', '321221', '312212', '322112', '322211',
  '212123', '212321', '232121', '111323', '131123', '131321', '112313', '132113', '132311', '211313',
  '231113', '231311', '112133', '112331', '132131', '113123', '113321', '133121', '313121', '211331',
  '231131', '213113', '213311', '213131', '311123', '311321', '331121', '312113', '312311', '332111',
  '314111', '221411', '431111', '111224', '111422', '121124', '121421', '141122', '141221', '112214',
  '112412', '122114', '122411', '142112', '142211', '241211', '221114', '413111', '241112', '134111',
  '111242', '121142', '121241', '114212', '124112', '124211', '411212', '421112', '421211', '212141',
  '214121', '412121', '111143', '111341', '131141', '114113', '114311', '411113', '411311', '113141',
  '114131', '311141', '411131', '211412', '211214', '211232', '2331112',
];

export const CODE128_START_B = 104;
export const CODE128_START_C = 105;
export const CODE128_CODE_B = 100;
export const CODE128_CODE_C = 99;
export const CODE128_STOP = 106;

/** The bar/space widths of one character value (for tests and for decoding). */
export function code128Pattern(value: number): string {
  const pattern = PATTERNS[value];
  if (pattern === undefined) throw new RangeError(`value: ${value} is not a Code 128 character value`);
  return pattern;
}

export interface Code128Symbol {
  readonly text: string;
  /** Start, data and switch characters, without the check character and the stop. */
  readonly values: readonly number[];
  readonly checkValue: number;
  /** Bar, space, bar, … widths in modules, from the start character to the end of the stop's last bar. */
  readonly widths: readonly number[];
  /** Total width in modules, quiet zones excluded (they are 10 modules each side, left to the renderer). */
  readonly modules: number;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

function digitRun(text: string, from: number): number {
  let i = from;
  while (isDigit(text[i])) i++;
  return i - from;
}

/**
 * Encodes printable ASCII (32–126) as one Code 128 symbol: subset B, switching to subset C (two digits per
 * character) for a run of at least 4 digits at the start or end of the text, or at least 6 inside it.
 */
export function encodeCode128(text: string): Code128Symbol {
  if (text.length === 0) throw new RangeError('text: nothing to encode');
  for (const [i, ch] of [...text].entries()) {
    const code = ch.charCodeAt(0);
    if (ch.length !== 1 || code < 32 || code > 126) {
      throw new RangeError(`text: character ${i + 1} is not printable ASCII`);
    }
  }
  const n = text.length;
  const leading = digitRun(text, 0);
  let subset: 'B' | 'C' = leading >= 4 || (leading === n && n % 2 === 0) ? 'C' : 'B';
  const values: number[] = [subset === 'C' ? CODE128_START_C : CODE128_START_B];
  let i = 0;
  // An odd leading run in subset C starts with its first pair; the odd digit left over goes in subset B.
  while (i < n) {
    if (subset === 'C') {
      if (digitRun(text, i) >= 2) {
        values.push(Number(text.slice(i, i + 2)));
        i += 2;
      } else {
        values.push(CODE128_CODE_B);
        subset = 'B';
      }
      continue;
    }
    const run = digitRun(text, i);
    if (run >= 4 && (i + run === n || run >= 6)) {
      if (run % 2 === 1) {
        values.push(text.charCodeAt(i) - 32);
        i++;
      }
      values.push(CODE128_CODE_C);
      subset = 'C';
      continue;
    }
    values.push(text.charCodeAt(i) - 32);
    i++;
  }
  const checkValue = values.reduce((sum, v, k) => sum + (k === 0 ? v : v * k), 0) % 103;
  const widths = [...values, checkValue, CODE128_STOP].flatMap((v) => [...code128Pattern(v)].map(Number));
  return { text, values, checkValue, widths, modules: widths.reduce((a, b) => a + b, 0) };
}

/**
 * Decodes bar/space widths back to text, verifying the check character (what a scanner does; used to test the
 * encoder and a rendered label end to end).
 */
export function decodeCode128(widths: readonly number[]): string {
  const stop = code128Pattern(CODE128_STOP);
  if (widths.length < 6 * 3 + 7 || widths.slice(-7).join('') !== stop) {
    throw new RangeError('widths: no Code 128 stop character at the end');
  }
  const body = widths.slice(0, -7);
  if (body.length % 6 !== 0) throw new RangeError('widths: not a whole number of characters');
  const values: number[] = [];
  for (let k = 0; k < body.length; k += 6) {
    const value = PATTERNS.indexOf(body.slice(k, k + 6).join(''));
    if (value < 0 || value > 105) throw new RangeError(`widths: character ${k / 6 + 1} is not Code 128`);
    values.push(value);
  }
  const check = values.pop()!;
  const expected = values.reduce((sum, v, k) => sum + (k === 0 ? v : v * k), 0) % 103;
  if (check !== expected) throw new RangeError(`widths: check character ${check}, expected ${expected}`);
  let subset: 'B' | 'C';
  if (values[0] === CODE128_START_B) subset = 'B';
  else if (values[0] === CODE128_START_C) subset = 'C';
  else throw new RangeError('widths: only start characters B and C are read');
  let text = '';
  for (const v of values.slice(1)) {
    if (subset === 'C') {
      if (v === CODE128_CODE_B) subset = 'B';
      else if (v < 100) text += String(v).padStart(2, '0');
      else throw new RangeError(`widths: value ${v} is not read in subset C`);
    } else if (v === CODE128_CODE_C) subset = 'C';
    else if (v < 95) text += String.fromCharCode(v + 32);
    else throw new RangeError(`widths: value ${v} is not read in subset B`);
  }
  return text;
}

/** The Code 128 content of an ISBT 128 label's DIN (data structure 001: `=`, DIN, flag characters). */
export function isbtDinBarcodeText(din: string, flags: string): string {
  return `=${din}${flags}`;
}

/** The Code 128 content of an ISBT 128 product code (data structure 003: `=<` and the 8-character code). */
export function isbtProductCodeBarcodeText(productCode: string): string {
  return `=<${productCode}`;
}
