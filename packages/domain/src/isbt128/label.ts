import { normalizeDinText, parseDin } from './din';

/**
 * The identity-bearing content of an ISBT 128 cellular therapy label (ICCBBA ST-001; DESIGN.md §3.1): DIN
 * (data structure 001), product code (data structure 003: product description code of one letter and four
 * digits, one character for the type of donation, two for the division), expiry, and the link to the patient
 * (patient identifier and, for autologous gene therapy, the chain of identity).
 */
export interface ProductLabel {
  /** The 13-character DIN. */
  readonly din: string;
  /** The 8-character product code, e.g. `S1234A00`. */
  readonly productCode: string;
  /** ISO 8601 date-time after which the product must not be used. */
  readonly expiresAt: string;
  readonly patient: {
    readonly patientId: string;
    readonly chainOfIdentityId?: string;
  };
}

/** What was read at the bedside: the patient's wristband and the scanned bag label. */
export interface BedsideScan {
  readonly patientId: string;
  readonly din: string;
  readonly productCode: string;
  readonly chainOfIdentityId?: string;
}

export type LabelProblemCode =
  | 'bad-din'
  | 'bad-product-code'
  | 'bad-expiry'
  | 'missing-patient'
  | 'patient-mismatch'
  | 'din-mismatch'
  | 'product-mismatch'
  | 'chain-of-identity-mismatch'
  | 'expired';

export interface LabelProblem {
  readonly code: LabelProblemCode;
  readonly message: string;
}

const PRODUCT_CODE_PATTERN = /^[A-Z][0-9]{4}[A-Z0-9]{3}$/;

/** The product description code: the first five characters of the product code (ICCBBA ST-001, 003). */
export function productDescriptionCode(productCode: string): string {
  if (!PRODUCT_CODE_PATTERN.test(productCode)) {
    throw new RangeError(
      `productCode: expected a letter, 4 digits and 3 letters or digits, got "${productCode}"`,
    );
  }
  return productCode.slice(0, 5);
}

/** Checks a label's own content: a well-formed DIN and product code, a parseable expiry and a patient link. */
export function validateLabel(label: ProductLabel): LabelProblem[] {
  const problems: LabelProblem[] = [];
  const din = parseDin(label.din);
  if (!din.valid) {
    problems.push({ code: 'bad-din', message: `DIN: ${din.problems.map((p) => p.message).join('; ')}` });
  }
  if (!PRODUCT_CODE_PATTERN.test(label.productCode)) {
    problems.push({ code: 'bad-product-code', message: `product code "${label.productCode}" is malformed` });
  }
  if (Number.isNaN(Date.parse(label.expiresAt))) {
    problems.push({
      code: 'bad-expiry',
      message: `expiry "${label.expiresAt}" is not an ISO 8601 date-time`,
    });
  }
  if (!label.patient?.patientId || label.patient.patientId.trim() === '') {
    problems.push({ code: 'missing-patient', message: 'the label is not linked to a patient' });
  }
  return problems;
}

/**
 * The bedside identity check before infusion (DESIGN.md §3.1, FACT-JACIE): the patient's identity, the DIN, the
 * product code and, when present, the chain of identity read at the bedside must all match the label, and the
 * product must not be expired at `at`. Any problem means: do not infuse.
 */
export function bedsideIdentityCheck(
  label: ProductLabel,
  scan: BedsideScan,
  at: string,
): { readonly ok: boolean; readonly problems: readonly LabelProblem[] } {
  const problems = validateLabel(label);
  const now = Date.parse(at);
  if (Number.isNaN(now)) throw new RangeError(`at: expected an ISO 8601 date-time, got "${at}"`);
  if (scan.patientId !== label.patient.patientId) {
    problems.push({
      code: 'patient-mismatch',
      message: `patient ${scan.patientId} does not match the label's patient ${label.patient.patientId}`,
    });
  }
  // Compare the normalized 13 characters so that spaces or the bar-code "=" do not cause a false mismatch.
  if (normalizeDinText(scan.din) !== normalizeDinText(label.din)) {
    problems.push({
      code: 'din-mismatch',
      message: `scanned DIN ${scan.din} does not match the label's DIN ${label.din}`,
    });
  }
  if (scan.productCode !== label.productCode) {
    problems.push({
      code: 'product-mismatch',
      message: `scanned product code ${scan.productCode} does not match the label's ${label.productCode}`,
    });
  }
  if (
    label.patient.chainOfIdentityId !== undefined &&
    scan.chainOfIdentityId !== undefined &&
    scan.chainOfIdentityId !== label.patient.chainOfIdentityId
  ) {
    problems.push({
      code: 'chain-of-identity-mismatch',
      message: `chain of identity ${scan.chainOfIdentityId} does not match the label's ${label.patient.chainOfIdentityId}`,
    });
  }
  const expires = Date.parse(label.expiresAt);
  if (!Number.isNaN(expires) && now > expires) {
    problems.push({ code: 'expired', message: `the product expired at ${label.expiresAt}` });
  }
  return { ok: problems.length === 0, problems };
}
