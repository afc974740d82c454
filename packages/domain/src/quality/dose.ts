import { requireInRange, requireNonNegative, requirePositive } from '../grading/input';

/**
 * Cell dose per kilogram of recipient body weight, the unit in which cell-therapy release and infusion
 * criteria are written (beti-cel minimum 5.0 × 10⁶ CD34⁺ cells/kg, exa-cel 3.0 × 10⁶/kg; DESIGN.md §3.5).
 */
export interface CellDose {
  /** Cells per kg. */
  readonly cellsPerKg: number;
  /** The same dose in 10⁶ cells/kg, the usual reporting unit. */
  readonly millionsPerKg: number;
  readonly totalCells: number;
}

/** Total cells from a concentration (cells/mL) and a volume (mL). */
export function totalCellsFromConcentration(cellsPerMl: number, volumeMl: number): number {
  return requireNonNegative(cellsPerMl, 'cellsPerMl') * requireNonNegative(volumeMl, 'volumeMl');
}

/** Dose per kg = total cells / body weight. */
export function cellDosePerKg(totalCells: number, weightKg: number): CellDose {
  const total = requireNonNegative(totalCells, 'totalCells');
  const perKg = total / requirePositive(weightKg, 'weightKg');
  return { cellsPerKg: perKg, millionsPerKg: perKg / 1e6, totalCells: total };
}

/**
 * CD34⁺ dose per kg from the total nucleated cells, the CD34⁺ fraction (flow cytometry, % of nucleated cells)
 * and, when given, the viable fraction: TNC × CD34% × viability% / weight (ISHAGE gating reports viable CD34⁺
 * directly — pass viabilityPercent only when the CD34% is of all cells).
 */
export function cd34DosePerKg(input: {
  readonly totalNucleatedCells: number;
  readonly cd34Percent: number;
  readonly viabilityPercent?: number;
  readonly weightKg: number;
}): CellDose {
  const tnc = requireNonNegative(input?.totalNucleatedCells, 'totalNucleatedCells');
  const cd34 = requireInRange(input.cd34Percent, 'cd34Percent', 0, 100) / 100;
  const viable =
    input.viabilityPercent === undefined
      ? 1
      : requireInRange(input.viabilityPercent, 'viabilityPercent', 0, 100) / 100;
  return cellDosePerKg(tnc * cd34 * viable, input.weightKg);
}
