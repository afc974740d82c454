import { parseDin } from './din';

/**
 * Chain of Identity Identifier (ISBT 128 data structure 040, ICCBBA ST-001; DESIGN.md §3.1): one identifier per
 * patient's therapy that links every collection (every DIN) made for it. It is allocated at or before the
 * first collection and never replaces the DINs. Its internal layout is assigned by the allocating facility,
 * so this model treats it as an opaque code of upper-case letters and digits.
 */
export interface ChainOfIdentity {
  readonly identifier: string;
  readonly patientId: string;
  /** ISO 8601 date-time at which the identifier was allocated. */
  readonly allocatedAt: string;
  readonly collections: readonly LinkedCollection[];
}

export interface LinkedCollection {
  /** The 13-character DIN of the collection. */
  readonly din: string;
  /** ISO 8601 date-time of the collection. */
  readonly collectedAt: string;
}

const IDENTIFIER_PATTERN = /^[A-Z0-9]{1,32}$/;

function parseInstant(text: string, field: string): number {
  const ms = Date.parse(text);
  if (typeof text !== 'string' || Number.isNaN(ms)) {
    throw new RangeError(`${field}: expected an ISO 8601 date-time, got "${String(text)}"`);
  }
  return ms;
}

/** Allocates a chain of identity for one patient's therapy (ICCBBA ST-001 data structure 040). */
export function createChainOfIdentity(
  identifier: string,
  patientId: string,
  allocatedAt: string,
): ChainOfIdentity {
  if (!IDENTIFIER_PATTERN.test(identifier)) {
    throw new RangeError(`identifier: expected 1-32 upper-case letters or digits, got "${identifier}"`);
  }
  if (patientId.trim() === '') throw new RangeError('patientId: must not be empty');
  parseInstant(allocatedAt, 'allocatedAt');
  return { identifier, patientId, allocatedAt, collections: [] };
}

/**
 * Links a collection's DIN to the chain. Refused (RangeError naming the field) when the DIN is malformed, is
 * already linked, or the collection happened before the identifier was allocated — ST-001 requires the
 * identifier to exist at or before the first collection.
 */
export function linkCollection(chain: ChainOfIdentity, din: string, collectedAt: string): ChainOfIdentity {
  const parsed = parseDin(din);
  if (!parsed.valid) throw new RangeError(`din: ${parsed.problems.map((p) => p.message).join('; ')}`);
  const collected = parseInstant(collectedAt, 'collectedAt');
  if (collected < parseInstant(chain.allocatedAt, 'allocatedAt')) {
    throw new RangeError(
      `collectedAt: collection at ${collectedAt} precedes the chain of identity allocated at ${chain.allocatedAt}`,
    );
  }
  if (chain.collections.some((c) => c.din === parsed.value.din)) {
    throw new RangeError(`din: ${parsed.value.din} is already linked to chain ${chain.identifier}`);
  }
  return { ...chain, collections: [...chain.collections, { din: parsed.value.din, collectedAt }] };
}

/** True when `din` is one of the collections linked to the chain. */
export function chainContainsDin(chain: ChainOfIdentity, din: string): boolean {
  const parsed = parseDin(din);
  return parsed.valid && chain.collections.some((c) => c.din === parsed.value.din);
}
