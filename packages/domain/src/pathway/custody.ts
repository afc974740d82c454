import type { ProductSource, StepParty } from './machine';

/**
 * Chain of custody of a cellular product (DESIGN.md §2 and §3.1; FACT-JACIE standards, chain of custody):
 * collection → courier → laboratory → courier → hospital pharmacy → bedside. Every hand-off is scanned out by
 * the party giving the product and in by the party receiving it, in this order.
 */
export const CUSTODY_SCANS = [
  { stage: 'collection', direction: 'out', party: 'hospital' },
  { stage: 'courier_to_lab', direction: 'in', party: 'hospital' },
  { stage: 'courier_to_lab', direction: 'out', party: 'laboratory' },
  { stage: 'laboratory', direction: 'in', party: 'laboratory' },
  { stage: 'laboratory', direction: 'out', party: 'laboratory' },
  { stage: 'courier_to_hospital', direction: 'in', party: 'laboratory' },
  { stage: 'courier_to_hospital', direction: 'out', party: 'hospital' },
  { stage: 'pharmacy', direction: 'in', party: 'hospital' },
  { stage: 'pharmacy', direction: 'out', party: 'hospital' },
  { stage: 'bedside', direction: 'in', party: 'hospital' },
] as const satisfies readonly { stage: string; direction: 'in' | 'out'; party: StepParty }[];

export type CustodyStage = (typeof CUSTODY_SCANS)[number]['stage'];
export type CustodyScan = (typeof CUSTODY_SCANS)[number];

/** The first scan of the released product's return leg (laboratory → courier → hospital pharmacy → bedside). */
const RETURN_LEG_START = 4;

/**
 * The hand-offs a product unit makes, by where it comes from: a collection travels the whole chain; a lot made
 * from the laboratory's cell bank starts at the laboratory, scanned out as a released product.
 */
export function custodyScansFor(source: ProductSource = 'collection'): readonly CustodyScan[] {
  return source === 'laboratory_lot' ? CUSTODY_SCANS.slice(RETURN_LEG_START) : CUSTODY_SCANS;
}

/** Whether a scan belongs to the return leg, where the unit travels as a released product with its code. */
export function isReturnLegScan(stage: string, direction: CustodyDirection): boolean {
  const index = CUSTODY_SCANS.findIndex((s) => s.stage === stage && s.direction === direction);
  return index >= RETURN_LEG_START;
}
export type CustodyDirection = 'in' | 'out';

/** The key of a scan in the sequence, e.g. `laboratory:in`. */
export function custodyKey(stage: string, direction: CustodyDirection): string {
  return `${stage}:${direction}`;
}

/** The next scan expected after `done` scans of one product unit (null once it reached the bedside). */
export function nextCustodyScan(
  done: number,
  scans: readonly CustodyScan[] = CUSTODY_SCANS,
): CustodyScan | null {
  return scans[done] ?? null;
}

/**
 * Whether a scan is the next one of the sequence and made by the right party; a refusal says which scan was
 * expected, so an out-of-order hand-off is reported rather than silently accepted.
 */
export function checkCustodyScan(
  done: readonly string[],
  stage: string,
  direction: CustodyDirection,
  party: StepParty,
  scans: readonly CustodyScan[] = CUSTODY_SCANS,
): { ok: true; index: number } | { ok: false; reason: string } {
  const expected = nextCustodyScan(done.length, scans);
  if (!expected) return { ok: false, reason: 'the product has already reached the bedside' };
  if (expected.stage !== stage || expected.direction !== direction) {
    return {
      ok: false,
      reason: `hand-off out of order: expected ${custodyKey(expected.stage, expected.direction)}, got ${custodyKey(stage, direction)}`,
    };
  }
  if (expected.party !== party) {
    return { ok: false, reason: `${custodyKey(stage, direction)} is scanned by the ${expected.party}` };
  }
  return { ok: true, index: done.length };
}

/** Whether the scans recorded so far include `key` (e.g. the product reached the laboratory). */
export function custodyReached(done: readonly string[], key: string): boolean {
  return done.includes(key);
}
