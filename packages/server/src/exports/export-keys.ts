import { createHmac, hkdfSync } from 'node:crypto';
import { dateShiftDays } from '@cgtlink/domain/export/deidentify';

/**
 * The keyed hashes of the exports, derived from CGTLINK_SECRET with HKDF (separate keys from the identifier
 * encryption): a patient's subject code and its date shift. Same secret → same code and shift for the same
 * patient in every file and every run; without the secret neither can be linked back to the platform's ids.
 */
export class ExportKeys {
  readonly #shiftKey: Buffer;
  readonly #subjectKey: Buffer;

  constructor(secret: string) {
    const master = Buffer.from(secret, 'utf8');
    this.#shiftKey = Buffer.from(hkdfSync('sha256', master, 'cgtlink', 'export-date-shift-v1', 32));
    this.#subjectKey = Buffer.from(hkdfSync('sha256', master, 'cgtlink', 'export-subject-v1', 32));
  }

  /** Days every date of this patient moves by in an export: ±1…180. */
  shiftDays(patientId: string): number {
    return dateShiftDays(createHmac('sha256', this.#shiftKey).update(patientId).digest());
  }

  /** The patient's code in exports, e.g. `S-3F9A0C41D2E7`. */
  subject(patientId: string): string {
    return `S-${createHmac('sha256', this.#subjectKey).update(patientId).digest('hex').slice(0, 12).toUpperCase()}`;
  }
}
