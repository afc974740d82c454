/**
 * Fast distribution function and quantiles of a gamma or a two-gamma mixture, for scoring a million MGPS
 * posteriors: log Γ(shape) is passed in (the caller computes it once per distinct count), the distribution
 * function and density come out of one evaluation, and the quantile takes Halley steps from a Wilson–Hilferty
 * start, so two or three evaluations usually suffice where bisection needs fifty.
 */
import { normalQuantile } from '../stats/distributions';

const EPS = 1e-16;
const TINY = 1e-300;

/**
 * Regularized lower incomplete gamma P(s, y) = γ(s, y)/Γ(s), given lgs = log Γ(s): the power series for
 * y < s + 1 and Legendre's continued fraction for the upper tail otherwise (Numerical Recipes, 3rd ed., §6.2),
 * Temme's expansion (temmeLowerGamma) for shapes from TEMME_SHAPE on. The density of Gamma(s, 1) at y is
 * written to `out.density`.
 */
export function gammaCdfAndDensity(s: number, y: number, lgs: number, out: CdfPoint): void {
  if (y <= 0) {
    out.cdf = 0;
    out.density = s < 1 ? Number.POSITIVE_INFINITY : s === 1 ? 1 : 0;
    return;
  }
  // y^s e^{-y} / Γ(s); the density is this divided by y.
  const front = Math.exp(s * Math.log(y) - y - lgs);
  out.density = front / y;
  if (s >= TEMME_SHAPE) {
    out.cdf = temmeLowerGamma(s, y);
    return;
  }
  if (y < s + 1) {
    let term = 1 / s;
    let sum = term;
    for (let k = 1; k < 100000; k++) {
      term *= y / (s + k);
      sum += term;
      if (term < sum * EPS) break;
    }
    out.cdf = Math.min(1, sum * front);
    return;
  }
  let b = y + 1 - s;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100000; i++) {
    const an = -i * (i - s);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  out.cdf = Math.max(0, 1 - front * h);
}

/**
 * Above this shape the series and continued fraction need O(√s) terms (hundreds for the narrow prior components
 * large tables produce); Temme's expansion costs the same at any shape, and truncated after c₁ it is off by
 * about c₂/s² · e^{−sη²/2}/√(2πs) ≤ 0.0042/s²/√(2πs) ≈ 1e-9 here (c₂(0) = 25/6048;
 * 1.06e-9 measured at s = 300, y = s − 0.01√s against the series).
 */
const TEMME_SHAPE = 300;
const LOG_SQRT_PI = 0.5 * Math.log(Math.PI);
const erfPoint: CdfPoint = { cdf: 0, density: 0 };

/**
 * Regularized P(s, y) by Temme's (1979) uniform asymptotic expansion (DLMF §8.12, eqs. 8.12.3–8.12.12):
 * with λ = y/s and ½η² = λ − 1 − ln λ (η of the sign of λ − 1),
 * P(s, y) = ½·erfc(−η√(s/2)) − e^{−sη²/2}/√(2πs) · (c₀(η) + c₁(η)/s),
 * c₀ = 1/(λ − 1) − 1/η, c₁ = 1/η³ − 1/(λ − 1)³ − 1/(λ − 1)² − 1/(12(λ − 1)); near η = 0 their Taylor series
 * (c₀ = −1/3 + η/12 − 2η²/135 + η³/864, c₁ = −1/540 − η/288) avoid the cancellation.
 */
export function temmeLowerGamma(s: number, y: number): number {
  const t = y / s - 1;
  // λ − 1 − ln λ = t − log(1 + t), by its power series t²/2 − t³/3 + … when t is small (cancellation).
  let half: number;
  if (Math.abs(t) < 0.1) {
    half = 0;
    let power = t * t;
    for (let k = 2; k < 20; k++) {
      half += (k % 2 === 0 ? power : -power) / k;
      power *= t;
    }
  } else half = t - Math.log1p(t);
  // Beyond e^{−40} both erfc(|η|√(s/2)) ≤ e^{−sη²/2} and the remainder vanish: P is 0 or 1 to double precision.
  if (s * half > 40) return t < 0 ? 0 : 1;
  const eta = (t < 0 ? -1 : 1) * Math.sqrt(2 * Math.max(0, half));
  let c0: number;
  let c1: number;
  if (Math.abs(eta) < 0.01) {
    c0 = -1 / 3 + eta / 12 - (2 * eta * eta) / 135 + (eta * eta * eta) / 864;
    c1 = -1 / 540 - eta / 288;
  } else {
    c0 = 1 / t - 1 / eta;
    c1 = 1 / (eta * eta * eta) - 1 / (t * t * t) - 1 / (t * t) - 1 / (12 * t);
  }
  const w = eta * Math.sqrt(s / 2);
  // erf(|w|) = P(½, w²).
  gammaCdfAndDensity(0.5, w * w, LOG_SQRT_PI, erfPoint);
  const erfAbs = erfPoint.cdf;
  const lead = 0.5 * (1 + (eta < 0 ? -erfAbs : erfAbs));
  const remainder = (Math.exp(-0.5 * s * eta * eta) / Math.sqrt(2 * Math.PI * s)) * (c0 + c1 / s);
  return Math.min(1, Math.max(0, lead - remainder));
}

/** Distribution function and density at one point (reused, so scoring a million pairs allocates nothing). */
export interface CdfPoint {
  cdf: number;
  density: number;
}

/**
 * Wilson–Hilferty (1931) approximation of the `prob` quantile of Gamma(s, r), z being the standard normal
 * quantile of `prob`: (s/r)·(1 − 1/(9s) + z/(3√s))³, with a small-shape fallback where the cube goes negative.
 */
export function wilsonHilferty(z: number, s: number, r: number): number {
  const c = 1 - 1 / (9 * s) + z / (3 * Math.sqrt(s));
  return c > 0 ? (s * c * c * c) / r : s / r / 10;
}

/** A mixture component below this weight moves a 5% or 95% quantile by less than ~1e-10 relative. */
const NEGLIGIBLE_WEIGHT = 1e-14;

const first: CdfPoint = { cdf: 0, density: 0 };
const second: CdfPoint = { cdf: 0, density: 0 };

/**
 * `prob` quantile of w·Gamma(s1, r1) + (1 − w)·Gamma(s2, r2) (rates r), given lg1 = log Γ(s1), lg2 = log Γ(s2),
 * and z = Φ⁻¹(prob). Halley's method on F(x) − prob, kept inside the bracket its own evaluations establish
 * (false position with the Illinois rule whenever a step would leave it), started from startingPoint; stops when a step is below 1e-8 relative, where the error left is far smaller.
 */
export function gammaMixtureQuantile(
  prob: number,
  z: number,
  w: number,
  s1: number,
  r1: number,
  lg1: number,
  s2: number,
  r2: number,
  lg2: number,
): number {
  if (!(prob > 0 && prob < 1)) throw new RangeError(`prob: must lie in (0, 1), got ${prob}`);
  if (!(w >= 0 && w <= 1)) throw new RangeError(`w: must lie in [0, 1], got ${w}`);
  const use1 = w > NEGLIGIBLE_WEIGHT;
  const use2 = 1 - w > NEGLIGIBLE_WEIGHT;
  let x = startingPoint(prob, z, w, s1, r1, s2, r2);
  let lo = 0;
  let hi = Number.POSITIVE_INFINITY;
  let fLo = -prob;
  let fHi = 1 - prob;
  let lastSide = 0;
  for (let i = 0; i < 200; i++) {
    let f = -prob;
    let dens = 0;
    let slope = 0;
    if (use1) {
      gammaCdfAndDensity(s1, r1 * x, lg1, first);
      const g = w * r1 * first.density;
      f += w * first.cdf;
      dens += g;
      // d/dx of r·g(s, r·x) = r·g·((s − 1)/x − r).
      slope += g * ((s1 - 1) / x - r1);
    }
    if (use2) {
      gammaCdfAndDensity(s2, r2 * x, lg2, second);
      const g = (1 - w) * r2 * second.density;
      f += (1 - w) * second.cdf;
      dens += g;
      slope += g * ((s2 - 1) / x - r2);
    }
    if (f === 0) return x;
    // Illinois rule: an end kept twice in a row has its value halved, so false position cannot stall.
    if (f < 0) {
      lo = x;
      fLo = f;
      if (lastSide === -1) fHi /= 2;
      lastSide = -1;
    } else {
      hi = x;
      fHi = f;
      if (lastSide === 1) fLo /= 2;
      lastSide = 1;
    }
    let next = Number.NaN;
    if (dens > 0 && Number.isFinite(dens)) {
      const newton = f / dens;
      const denom = 1 - (newton * slope) / (2 * dens);
      // Halley's correction only when it is mild; otherwise a plain Newton step.
      next = x - (denom > 0.5 && denom < 2 ? newton / denom : newton);
    }
    if (!(next > lo && next < hi)) {
      // A step leaving the bracket: false position inside it (doubling while no upper end is known).
      if (!Number.isFinite(hi)) next = Math.max(2 * x, 1e-300);
      else {
        next = lo - (fLo * (hi - lo)) / (fHi - fLo);
        if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      }
    }
    if (Math.abs(next - x) <= 1e-8 * next) return next;
    x = next;
  }
  return x;
}

/**
 * Starting point of the quantile search. With one dominant component (or two that overlap), the Wilson–Hilferty
 * quantile of the heavier one. With two well-separated components (means more than twice the sum of the standard
 * deviations apart, as a narrow prior component next to a wide one gives), the mixture distribution function is
 * about w_low·F_low below the gap and w_low + w_high·F_high above it, so the start is the quantile of the
 * component holding probability `prob`, at the probability left for it.
 */
function startingPoint(
  prob: number,
  z: number,
  w: number,
  s1: number,
  r1: number,
  s2: number,
  r2: number,
): number {
  if (w < 1e-3 || w > 1 - 1e-3) return w >= 0.5 ? wilsonHilferty(z, s1, r1) : wilsonHilferty(z, s2, r2);
  const m1 = s1 / r1;
  const m2 = s2 / r2;
  if (Math.abs(m1 - m2) < 2 * (Math.sqrt(s1) / r1 + Math.sqrt(s2) / r2))
    return w >= 0.5 ? wilsonHilferty(z, s1, r1) : wilsonHilferty(z, s2, r2);
  const wLow = m1 < m2 ? w : 1 - w;
  if (prob < wLow) {
    const zLow = normalQuantile(prob / wLow);
    return m1 < m2 ? wilsonHilferty(zLow, s1, r1) : wilsonHilferty(zLow, s2, r2);
  }
  const zHigh = normalQuantile(Math.min(1 - 1e-12, (prob - wLow) / (1 - wLow)));
  return m1 < m2 ? wilsonHilferty(zHigh, s2, r2) : wilsonHilferty(zHigh, s1, r1);
}

/** `prob` quantile of Gamma(shape, rate) given log Γ(shape) (one-component case of gammaMixtureQuantile). */
export function gammaQuantileFast(prob: number, shape: number, rate: number, logGammaShape: number): number {
  return gammaMixtureQuantile(prob, normalQuantile(prob), 1, shape, rate, logGammaShape, 1, 1, 0);
}
