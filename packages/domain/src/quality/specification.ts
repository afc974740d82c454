import { isAbove, isAtLeast, isAtMost, isBelow } from '../grading/compare';
import { DomainInputError, requireFinite } from '../grading/input';

/**
 * Product release specifications as versioned data (DESIGN.md §3.5; ICH Q6B "Specifications: test procedures
 * and acceptance criteria for biotechnological/biological products"; 21 CFR 211.165). Each test names the
 * analyte, the method and either a numeric acceptance criterion (unit, comparator, limits) or the accepted
 * qualitative results. A result outside its criterion is out of specification (OOS): the batch cannot be
 * released until an investigation closes it.
 */
export type Comparator = '>=' | '>' | '<=' | '<' | 'between';

export interface QuantitativeTest {
  readonly kind: 'quantitative';
  readonly analyte: string;
  readonly method: string;
  readonly unit: string;
  readonly comparator: Comparator;
  /** The limit for `>=`, `>`, `<=`, `<`. */
  readonly limit?: number;
  /** Inclusive bounds for `between`. */
  readonly lower?: number;
  readonly upper?: number;
}

export interface QualitativeTest {
  readonly kind: 'qualitative';
  readonly analyte: string;
  readonly method: string;
  /** Accepted results, compared case-insensitively, e.g. ["negative", "no growth"]. */
  readonly expected: readonly string[];
}

export type SpecificationTest = QuantitativeTest | QualitativeTest;

export interface ReleaseSpecification {
  readonly id: string;
  readonly product: string;
  /** Version of the specification, e.g. "3" or "2024.1"; results are always judged against one version. */
  readonly version: string;
  readonly effectiveFrom?: string;
  readonly tests: readonly SpecificationTest[];
}

export interface TestResult {
  readonly analyte: string;
  readonly value: number | string;
  readonly unit?: string;
}

export type TestOutcomeStatus = 'pass' | 'fail' | 'missing';

export interface TestOutcome {
  readonly analyte: string;
  readonly status: TestOutcomeStatus;
  /** The acceptance criterion as text, e.g. "≥ 70 %". */
  readonly criterion: string;
  readonly reason: string;
}

export interface SpecificationEvaluation {
  readonly specificationId: string;
  readonly version: string;
  /** `pass` only when every test passes; `fail` when any is OOS; otherwise `incomplete`. */
  readonly status: 'pass' | 'fail' | 'incomplete';
  readonly outcomes: readonly TestOutcome[];
  /** Analytes out of specification. */
  readonly outOfSpecification: readonly string[];
  readonly missing: readonly string[];
  /** Results for analytes the specification does not list (reported, not judged). */
  readonly unexpected: readonly string[];
}

const SYMBOL: Readonly<Record<Exclude<Comparator, 'between'>, string>> = {
  '>=': '≥',
  '>': '>',
  '<=': '≤',
  '<': '<',
};

/** The human-readable acceptance criterion of a test. */
export function describeCriterion(test: SpecificationTest): string {
  if (test.kind === 'qualitative') return test.expected.join(' or ');
  if (test.comparator === 'between') return `${test.lower}–${test.upper} ${test.unit}`;
  return `${SYMBOL[test.comparator]} ${test.limit} ${test.unit}`;
}

/**
 * Checks that a specification is complete and unambiguous: an id, product and version; unique analytes; a
 * limit for each comparator, lower ≤ upper, and at least one accepted qualitative result. Throws a
 * {@link DomainInputError} naming the field (e.g. `tests[2].limit`).
 */
export function validateSpecification(spec: ReleaseSpecification): void {
  for (const field of ['id', 'product', 'version'] as const) {
    if (typeof spec?.[field] !== 'string' || spec[field].trim() === '') {
      throw new DomainInputError(field, 'must be a non-empty string');
    }
  }
  if (!Array.isArray(spec.tests) || spec.tests.length === 0) {
    throw new DomainInputError('tests', 'a specification needs at least one test');
  }
  const seen = new Set<string>();
  spec.tests.forEach((test, i) => {
    const at = `tests[${i}]`;
    if (typeof test?.analyte !== 'string' || test.analyte.trim() === '') {
      throw new DomainInputError(`${at}.analyte`, 'must be a non-empty string');
    }
    const key = test.analyte.trim().toLowerCase();
    if (seen.has(key)) throw new DomainInputError(`${at}.analyte`, `"${test.analyte}" is listed twice`);
    seen.add(key);
    if (typeof test.method !== 'string' || test.method.trim() === '') {
      throw new DomainInputError(`${at}.method`, 'must name the test method');
    }
    if (test.kind === 'qualitative') {
      if (!Array.isArray(test.expected) || test.expected.length === 0) {
        throw new DomainInputError(`${at}.expected`, 'needs at least one accepted result');
      }
      return;
    }
    if (test.kind !== 'quantitative')
      throw new DomainInputError(`${at}.kind`, 'must be quantitative or qualitative');
    if (typeof test.unit !== 'string' || test.unit === '')
      throw new DomainInputError(`${at}.unit`, 'is required');
    if (test.comparator === 'between') {
      const lower = requireFinite(test.lower, `${at}.lower`);
      const upper = requireFinite(test.upper, `${at}.upper`);
      if (lower > upper)
        throw new DomainInputError(`${at}.lower`, `${lower} is above the upper limit ${upper}`);
    } else if (test.comparator in SYMBOL) {
      requireFinite(test.limit, `${at}.limit`);
    } else {
      throw new DomainInputError(`${at}.comparator`, `unknown comparator ${String(test.comparator)}`);
    }
  });
}

function judgeQuantitative(test: QuantitativeTest, value: number): boolean {
  switch (test.comparator) {
    case '>=':
      return isAtLeast(value, test.limit!);
    case '>':
      return isAbove(value, test.limit!);
    case '<=':
      return isAtMost(value, test.limit!);
    case '<':
      return isBelow(value, test.limit!);
    case 'between':
      return isAtLeast(value, test.lower!) && isAtMost(value, test.upper!);
  }
}

/**
 * Evaluates batch results against one specification version: each test passes, fails (OOS) or is missing,
 * with the reason. A result in another unit, a number for a qualitative test, text for a quantitative one, or
 * two results for one analyte throw a {@link DomainInputError} naming the result (`results[3].unit`).
 */
export function evaluateSpecification(
  spec: ReleaseSpecification,
  results: readonly TestResult[],
): SpecificationEvaluation {
  validateSpecification(spec);
  if (!Array.isArray(results)) throw new DomainInputError('results', 'expected a list of results');
  const byAnalyte = new Map<string, { result: TestResult; index: number }>();
  results.forEach((result, index) => {
    if (typeof result?.analyte !== 'string')
      throw new DomainInputError(`results[${index}].analyte`, 'is required');
    const key = result.analyte.trim().toLowerCase();
    if (byAnalyte.has(key)) {
      throw new DomainInputError(`results[${index}].analyte`, `a second result for "${result.analyte}"`);
    }
    byAnalyte.set(key, { result, index });
  });

  const outcomes: TestOutcome[] = spec.tests.map((test) => {
    const criterion = describeCriterion(test);
    const entry = byAnalyte.get(test.analyte.trim().toLowerCase());
    if (
      !entry ||
      entry.result.value === undefined ||
      entry.result.value === null ||
      entry.result.value === ''
    ) {
      return {
        analyte: test.analyte,
        status: 'missing',
        criterion,
        reason: `${test.analyte}: no result (${test.method})`,
      };
    }
    const { result, index } = entry;
    if (test.kind === 'qualitative') {
      if (typeof result.value !== 'string') {
        throw new DomainInputError(`results[${index}].value`, `${test.analyte} expects a qualitative result`);
      }
      const pass = test.expected.some(
        (e) => e.trim().toLowerCase() === String(result.value).trim().toLowerCase(),
      );
      return {
        analyte: test.analyte,
        status: pass ? 'pass' : 'fail',
        criterion,
        reason: pass
          ? `${test.analyte}: "${result.value}" as expected`
          : `${test.analyte}: "${result.value}" — expected ${criterion} (out of specification)`,
      };
    }
    if (typeof result.value !== 'number') {
      throw new DomainInputError(
        `results[${index}].value`,
        `${test.analyte} expects a number in ${test.unit}`,
      );
    }
    const value = requireFinite(result.value, `results[${index}].value`);
    if (result.unit !== test.unit) {
      throw new DomainInputError(
        `results[${index}].unit`,
        `${test.analyte} is specified in ${test.unit}, result given in ${result.unit ?? 'no unit'}`,
      );
    }
    const pass = judgeQuantitative(test, value);
    return {
      analyte: test.analyte,
      status: pass ? 'pass' : 'fail',
      criterion,
      reason: pass
        ? `${test.analyte}: ${value} ${test.unit} meets ${criterion}`
        : `${test.analyte}: ${value} ${test.unit} outside ${criterion} (out of specification)`,
    };
  });

  const known = new Set(spec.tests.map((t) => t.analyte.trim().toLowerCase()));
  const outOfSpecification = outcomes.filter((o) => o.status === 'fail').map((o) => o.analyte);
  const missing = outcomes.filter((o) => o.status === 'missing').map((o) => o.analyte);
  return {
    specificationId: spec.id,
    version: spec.version,
    status: outOfSpecification.length > 0 ? 'fail' : missing.length > 0 ? 'incomplete' : 'pass',
    outcomes,
    outOfSpecification,
    missing,
    unexpected: results.filter((r) => !known.has(r.analyte.trim().toLowerCase())).map((r) => r.analyte),
  };
}
