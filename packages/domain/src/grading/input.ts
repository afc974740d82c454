/**
 * Input checks shared by every rule in the domain package. A rule given a missing, non-numeric or impossible
 * value throws a {@link DomainInputError} that names the field, so that a caller (a server service, the CLI)
 * can show which input was wrong instead of receiving a silent, wrong grade.
 */
export class DomainInputError extends RangeError {
  override name = 'DomainInputError';
  /** The path of the offending input, for example `counts[3].anc` or `ulN`. */
  readonly field: string;

  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.field = field;
  }
}

/** Returns `value` when it is a finite number; throws a {@link DomainInputError} naming `field` otherwise. */
export function requireFinite(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new DomainInputError(field, `expected a finite number, got ${describe(value)}`);
  }
  return value;
}

/** A finite number ≥ 0 (counts, concentrations, volumes). */
export function requireNonNegative(value: unknown, field: string): number {
  const n = requireFinite(value, field);
  if (n < 0) throw new DomainInputError(field, `must not be negative, got ${n}`);
  return n;
}

/** A finite number > 0 (limits of normal, body weight, standard deviations). */
export function requirePositive(value: unknown, field: string): number {
  const n = requireFinite(value, field);
  if (n <= 0) throw new DomainInputError(field, `must be greater than 0, got ${n}`);
  return n;
}

/** A finite number within [min, max], both inclusive. */
export function requireInRange(value: unknown, field: string, min: number, max: number): number {
  const n = requireFinite(value, field);
  if (n < min || n > max) throw new DomainInputError(field, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** An integer within [min, max], both inclusive. */
export function requireIntegerInRange(value: unknown, field: string, min: number, max: number): number {
  const n = requireInRange(value, field, min, max);
  if (!Number.isInteger(n)) throw new DomainInputError(field, `must be a whole number, got ${n}`);
  return n;
}

/** One of the allowed string values (an enumerated input such as a unit or a product type). */
export function requireOneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new DomainInputError(field, `expected one of ${allowed.join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (missing)';
  if (value === null) return 'null';
  if (typeof value === 'string') return `"${value}"`;
  return String(value);
}
