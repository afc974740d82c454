/** Small dense symmetric linear algebra for score tests and Newton–Raphson steps (p up to a few dozen). */

const PIVOT_TOLERANCE = 1e-10;

/**
 * Generalized Cholesky (LDLᵀ) decomposition that sets a pivot to zero when it is below tolerance relative to the
 * diagonal, so singular directions are dropped, as survival's cholesky2 does. Returns the factor in place of a copy.
 */
function ldl(matrix: number[][]): { l: number[][]; d: number[] } {
  const n = matrix.length;
  const l = matrix.map((row) => row.slice());
  const d = new Array<number>(n).fill(0);
  let eps = 0;
  for (let i = 0; i < n; i++) eps = Math.max(eps, Math.abs(l[i]![i]!));
  eps *= PIVOT_TOLERANCE;
  for (let j = 0; j < n; j++) {
    let pivot = l[j]![j]!;
    for (let k = 0; k < j; k++) pivot -= l[j]![k]! * l[j]![k]! * d[k]!;
    if (pivot < eps || !Number.isFinite(pivot)) {
      d[j] = 0;
      for (let i = j + 1; i < n; i++) l[i]![j] = 0;
      continue;
    }
    d[j] = pivot;
    for (let i = j + 1; i < n; i++) {
      let v = l[i]![j]!;
      for (let k = 0; k < j; k++) v -= l[i]![k]! * l[j]![k]! * d[k]!;
      l[i]![j] = v / pivot;
    }
  }
  return { l, d };
}

/** Solves A x = b for symmetric non-negative definite A, zeroing components in A's null space. */
export function symmetricSolve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const { l, d } = ldl(a);
  const y = b.slice();
  for (let i = 0; i < n; i++) for (let k = 0; k < i; k++) y[i]! -= l[i]![k]! * y[k]!;
  for (let i = 0; i < n; i++) y[i] = d[i] === 0 ? 0 : y[i]! / d[i]!;
  for (let i = n - 1; i >= 0; i--) {
    if (d[i] === 0) {
      y[i] = 0;
      continue;
    }
    for (let k = i + 1; k < n; k++) y[i]! -= l[k]![i]! * y[k]!;
  }
  return y;
}

/** Generalized inverse of a symmetric non-negative definite matrix (rows and columns of dropped pivots are 0). */
export function symmetricInverse(a: number[][]): number[][] {
  const n = a.length;
  const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    const e = new Array<number>(n).fill(0);
    e[j] = 1;
    const col = symmetricSolve(a, e);
    for (let i = 0; i < n; i++) out[i]![j] = col[i]!;
  }
  return out;
}
