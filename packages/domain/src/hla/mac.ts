/**
 * NMDP multiple-allele codes (MAC): a code replaces the second field and stands for a list of subtypes, e.g.
 * `A*01:AB` = `A*01:01/A*01:02` (NMDP "Allele Codes" documentation, file alpha.v3.txt: one `CODE<TAB>SUBTYPES`
 * line per code; subtypes are second fields (`01/02`) or whole field pairs (`01:01/02:01`) for allele-specific
 * codes). The table is supplied by the caller: the platform ships none.
 */
import { HlaNameError } from './allele-name';

/** Code → subtype list, as read from an NMDP code file. */
export type MacTable = Map<string, string[]>;

const CODE = /^[A-Z]{2,}$/;
const SUBTYPES = /^[0-9]{2,3}(:[0-9]{2,3})?(\/[0-9]{2,3}(:[0-9]{2,3})?)*$/;

/**
 * Reads the text of an NMDP code file (alpha.v3.txt layout): header lines are skipped; every other line ends with
 * `CODE SUBTYPES` (an optional leading `*` column is ignored). A line that looks like a code but is malformed
 * raises a RangeError naming the line number.
 */
export function parseMacTable(text: string): MacTable {
  const table: MacTable = new Map();
  text.split(/\r?\n/).forEach((line, index) => {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 2) return;
    const code = parts.at(-2) ?? '';
    const subtypes = parts.at(-1) ?? '';
    if (!CODE.test(code) || code === 'CODE') return;
    if (!SUBTYPES.test(subtypes))
      throw new RangeError(`MAC file line ${index + 1}: bad subtypes "${subtypes}"`);
    table.set(code, subtypes.split('/'));
  });
  if (table.size === 0)
    throw new RangeError('MAC file: no code lines found (expected "CODE<TAB>01/02" lines)');
  return table;
}

/**
 * Expands `LOCUS*FIRST:CODE` into allele names (NMDP MAC rules): a plain subtype `02` gives `LOCUS*FIRST:02`; a
 * subtype with a colon `02:01` gives `LOCUS*02:01` (the code carries its own first field).
 */
export function expandMac(
  token: string,
  locus: string,
  first: string,
  code: string,
  table?: MacTable,
): string[] {
  if (!table) {
    throw new HlaNameError(
      token,
      `"${code}" is an NMDP multiple-allele code; supply a code file (--mac FILE)`,
    );
  }
  const subtypes = table.get(code);
  if (!subtypes) throw new HlaNameError(token, `unknown NMDP multiple-allele code "${code}"`);
  return subtypes.map((s) => (s.includes(':') ? `${locus}*${s}` : `${locus}*${first}:${s}`));
}
