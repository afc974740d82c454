import { DomainInputError, requirePositive } from '../grading/input';
import { type Disproportionality, disproportionality } from '../signals/disproportionality';
import { DEFAULT_STARTS, fitPrior, type GammaMixturePrior, posteriorScores } from '../signals/mgps';
import { cusum, maxSprtCriticalValue, maxSprtMonitor, poissonCusumReference } from '../signals/sequential';

/**
 * Registry-level safety monitoring for the regulator, built on the signals module: disproportionality of each
 * product–event pair among all adverse-event reports (PRR, ROR, IC with the Evans criteria), and sequential
 * monitoring of each product's serious-event count against the count expected from its exposure (Page's
 * CUSUM and the Poisson MaxSPRT of Kulldorff et al. 2011).
 */
export interface SafetyReport {
  readonly product: string;
  readonly term: string;
}

export interface ProductEventSignal extends Disproportionality {
  readonly product: string;
  readonly term: string;
  /** Reports with the product and the event (the 2×2 table's a). */
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
  /** MGPS empirical-Bayes geometric mean of the observed/expected ratio and its 90% interval (DuMouchel 1999). */
  readonly ebgm: number;
  readonly eb05: number;
  readonly eb95: number;
  /** EB05 ≥ 2: the lower 5% bound of the ratio is at least twice the expected (Szarfman et al. 2002). */
  readonly ebSignal: boolean;
}

/** DuMouchel's (1999) published prior, used when the registry has too few pairs to fit one. */
export const DUMOUCHEL_PRIOR: GammaMixturePrior = DEFAULT_STARTS[0] as GammaMixturePrior;
/** Pairs needed before the gamma-mixture prior is fitted to the registry itself. */
export const MIN_PAIRS_TO_FIT_PRIOR = 20;

/**
 * The MGPS prior for a registry's pairs: fitted by maximum likelihood when there are enough pairs, otherwise
 * DuMouchel's published prior (a fit on a handful of pairs is unstable).
 */
export function registryPrior(
  counts: readonly number[],
  expected: readonly number[],
): { prior: GammaMixturePrior; fitted: boolean } {
  if (counts.length >= MIN_PAIRS_TO_FIT_PRIOR) {
    try {
      const fit = fitPrior(counts, expected);
      return {
        prior: { alpha1: fit.alpha1, beta1: fit.beta1, alpha2: fit.alpha2, beta2: fit.beta2, p: fit.p },
        fitted: true,
      };
    } catch {
      // No convergence from any start: the published prior below.
    }
  }
  return { prior: DUMOUCHEL_PRIOR, fitted: false };
}

/**
 * Every observed product–event pair with its 2×2 table (a: product and event, b: product and another event,
 * c: another product and the event, d: neither) and disproportionality measures; strongest first. A registry
 * with a single product has no comparator and gives no pair.
 */
export function productEventSignals(reports: readonly SafetyReport[]): ProductEventSignal[] {
  const total = reports.length;
  const byProduct = new Map<string, number>();
  const byTerm = new Map<string, number>();
  const pairs = new Map<string, { product: string; term: string; a: number }>();
  for (const [i, r] of reports.entries()) {
    if (!r?.product || !r.term) throw new DomainInputError(`reports[${i}]`, 'needs a product and a term');
    byProduct.set(r.product, (byProduct.get(r.product) ?? 0) + 1);
    byTerm.set(r.term, (byTerm.get(r.term) ?? 0) + 1);
    const key = `${r.product}\u0000${r.term}`;
    const pair = pairs.get(key) ?? { product: r.product, term: r.term, a: 0 };
    pair.a += 1;
    pairs.set(key, pair);
  }
  if (byProduct.size < 2) return [];
  const list = [...pairs.values()];
  // E = product margin × event margin / total, as the 2×2 table's expected count.
  const expected = list.map(({ product, term }) => (byProduct.get(product)! * byTerm.get(term)!) / total);
  const { prior } = registryPrior(
    list.map((p) => p.a),
    expected,
  );
  const out: ProductEventSignal[] = [];
  for (const [i, { product, term, a }] of list.entries()) {
    const b = byProduct.get(product)! - a;
    const c = byTerm.get(term)! - a;
    const d = total - a - b - c;
    const eb = posteriorScores(prior, a, expected[i]!);
    // A zero cell makes the ROR infinite; those pairs are still listed with PRR and IC.
    out.push({
      product,
      term,
      a,
      b,
      c,
      d,
      ...disproportionality({ a, b, c, d }),
      ebgm: eb.ebgm,
      eb05: eb.eb05,
      eb95: eb.eb95,
      ebSignal: eb.eb05 >= 2,
    });
  }
  return out.sort((x, y) => Number(y.evans) - Number(x.evans) || y.ic025 - x.ic025 || y.a - x.a);
}

export interface MonthlyExposure {
  /** `YYYY-MM`. */
  readonly month: string;
  readonly patientMonths: number;
  readonly seriousEvents: number;
}

export interface MonitorInput {
  readonly months: readonly MonthlyExposure[];
  /** Serious events expected per patient-year (from the product's reference data). */
  readonly expectedPerPatientYear: number;
  /** Rate ratio the CUSUM is tuned to detect (default 2). */
  readonly relativeRisk?: number;
  /** CUSUM decision limit h in events (default 4). */
  readonly cusumLimit?: number;
  /** MaxSPRT overall type I error (default 0.05). */
  readonly alpha?: number;
}

export interface MonitorMonth {
  readonly month: string;
  readonly observed: number;
  readonly expected: number;
  readonly cusum: number;
  readonly llr: number;
}

export interface MonitorResult {
  readonly months: readonly MonitorMonth[];
  readonly cusumReference: number | null;
  readonly cusumLimit: number;
  readonly criticalValue: number | null;
  /** The first month the CUSUM reached its limit, or null. */
  readonly cusumAlarm: string | null;
  /** The first month MaxSPRT signalled, or null. */
  readonly maxSprtSignal: string | null;
}

/**
 * Monthly monitoring of a product's serious-event count against the count expected from its exposure
 * (patient-months × rate). The CUSUM reference k is Lucas's optimal value for a shift from the mean expected
 * monthly count μ0 to relativeRisk × μ0; MaxSPRT runs on the cumulative counts with the exact critical value
 * for the surveillance length so far (`criticalValue`, replaceable to compare evaluations of it).
 */
export function seriousEventMonitor(
  input: MonitorInput,
  criticalValue: (alpha: number, length: number) => number = maxSprtCriticalValue,
): MonitorResult {
  const rate = requirePositive(input.expectedPerPatientYear, 'expectedPerPatientYear') / 12;
  const rr = input.relativeRisk === undefined ? 2 : requirePositive(input.relativeRisk, 'relativeRisk');
  if (rr <= 1) throw new DomainInputError('relativeRisk', 'must be above 1');
  const limit = input.cusumLimit === undefined ? 4 : requirePositive(input.cusumLimit, 'cusumLimit');
  const alpha = input.alpha ?? 0.05;
  const months = [...input.months].sort((a, b) => a.month.localeCompare(b.month));
  const observed = months.map((m) => m.seriousEvents);
  const expected = months.map((m) => m.patientMonths * rate);
  const totalExpected = expected.reduce((s, e) => s + e, 0);
  if (months.length === 0 || totalExpected <= 0) {
    return {
      months: months.map((m) => ({
        month: m.month,
        observed: m.seriousEvents,
        expected: 0,
        cusum: 0,
        llr: 0,
      })),
      cusumReference: null,
      cusumLimit: limit,
      criticalValue: null,
      cusumAlarm: null,
      maxSprtSignal: null,
    };
  }
  const mu0 = totalExpected / months.length;
  const k = poissonCusumReference(mu0, rr * mu0);
  const c = cusum(observed, k, limit);
  let cumObserved = 0;
  let cumExpected = 0;
  const cumulative = months.map((_, i) => {
    cumObserved += observed[i]!;
    cumExpected += expected[i]!;
    return { o: cumObserved, e: cumExpected };
  });
  const cv = criticalValue(alpha, totalExpected);
  const looks = maxSprtMonitor(
    cumulative.map((x) => x.o),
    cumulative.map((x) => Math.max(x.e, 1e-9)),
    cv,
  );
  return {
    months: months.map((m, i) => ({
      month: m.month,
      observed: observed[i]!,
      expected: expected[i]!,
      cusum: c.statistic[i]!,
      llr: looks.looks[i]!.llr,
    })),
    cusumReference: k,
    cusumLimit: limit,
    criticalValue: cv,
    cusumAlarm: c.alarms.length ? months[c.alarms[0]!]!.month : null,
    maxSprtSignal: looks.firstSignal >= 0 ? months[looks.firstSignal]!.month : null,
  };
}
