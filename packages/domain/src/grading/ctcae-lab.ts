import { isAbove, isAtLeast, isBelow } from './compare';
import { DomainInputError, requireFinite, requireNonNegative, requirePositive } from './input';
import { CANONICAL_UNIT, convertUnit, isUnitOf, type Quantity } from './units';

/**
 * Laboratory-based grading of Common Terminology Criteria for Adverse Events (CTCAE) version 5.0
 * (NCI, 27 November 2017). The terms below are graded from a value, the local limits of normal and, where
 * CTCAE says so, the patient's baseline. CTCAE range notation is exact: "<LLN – 1.5 × 10⁹/L" means
 * 1.5 ≤ value < LLN; ">ULN – 3.0 × ULN" means ULN < value ≤ 3.0 × ULN; "1.5 – 3.0 × baseline" includes 1.5.
 * Grades that CTCAE defines by clinical consequences only (grade 4 anaemia "life-threatening", grade 5
 * death) are never produced from a number.
 */
export type CtcaeLabTerm =
  | 'neutrophil-count-decreased'
  | 'platelet-count-decreased'
  | 'white-blood-cell-decreased'
  | 'lymphocyte-count-decreased'
  | 'anemia'
  | 'alt-increased'
  | 'ast-increased'
  | 'blood-bilirubin-increased'
  | 'creatinine-increased'
  | 'hypokalemia'
  | 'hyperkalemia';

export type CtcaeGrade = 0 | 1 | 2 | 3 | 4 | 5;

export interface CtcaeLabInput {
  readonly term: CtcaeLabTerm;
  readonly value: number;
  /** Unit of `value`, e.g. `10^9/L`, `/mm3`, `g/L`, `umol/L`, `U/L`, `mmol/L`. */
  readonly unit: string;
  /** Lower limit of normal (required for decreased terms, anaemia and hypokalaemia). */
  readonly lln?: number;
  /** Upper limit of normal (required for increased terms and hyperkalaemia). */
  readonly uln?: number;
  /** Unit of `lln` / `uln` when it differs from `unit`. */
  readonly limitUnit?: string;
  /** The patient's baseline value (pre-treatment); used where CTCAE grades against baseline. */
  readonly baseline?: number;
  /** Unit of `baseline` when it differs from `unit`. */
  readonly baselineUnit?: string;
  /** Hypokalaemia: symptomatic, or intervention indicated — turns grade 1 into grade 2 (CTCAE v5.0). */
  readonly symptomaticOrInterventionIndicated?: boolean;
}

export interface CtcaeLabGrade {
  readonly term: CtcaeLabTerm;
  /** The CTCAE term as printed, e.g. "Neutrophil count decreased". */
  readonly termName: string;
  readonly grade: CtcaeGrade;
  /** Which comparison decided the grade. */
  readonly basis: 'lln' | 'uln' | 'baseline' | 'absolute' | 'normal';
  /** English sentence for people: the value, the criterion met and the source. */
  readonly reason: string;
}

interface Step {
  /** Threshold in `unit` of the definition. */
  readonly limit: number;
  readonly grade: CtcaeGrade;
}

interface DecreasedDefinition {
  readonly kind: 'decreased';
  readonly name: string;
  readonly quantity: Quantity;
  /** Thresholds per unit in which CTCAE publishes them; the first entry is the fallback (canonical). */
  readonly stepsByUnit: Readonly<Record<string, readonly Step[]>>;
  /** CTCAE wording of each grade's criterion. */
  readonly criteria: Readonly<Partial<Record<CtcaeGrade, string>>>;
}

interface RelativeDefinition {
  readonly kind: 'relative';
  readonly name: string;
  readonly quantity: Quantity;
  /** Multiples of ULN that must be exceeded for grades 1..4 (grade 1 is "> ULN"). */
  readonly ulnMultiples: readonly [number, number, number, number];
  /**
   * When the baseline is abnormal (> ULN) CTCAE grades against multiples of baseline instead; grade 1's lower
   * bound may be inclusive ("1.5 – 3.0 × baseline").
   */
  readonly abnormalBaseline?: {
    readonly multiples: readonly [number, number, number, number];
    readonly firstInclusive: boolean;
  };
  /** Multiples of baseline that raise the grade whatever the baseline (creatinine: > 1.5 → 2, > 3.0 → 3). */
  readonly baselineRaises?: readonly Step[];
  readonly criteria: Readonly<Partial<Record<CtcaeGrade, string>>>;
}

interface AbsoluteIncreaseDefinition {
  readonly kind: 'absolute-increase';
  readonly name: string;
  readonly quantity: Quantity;
  /** Above ULN is grade 1; each step exceeded gives its grade. */
  readonly steps: readonly Step[];
  readonly criteria: Readonly<Partial<Record<CtcaeGrade, string>>>;
}

type Definition = DecreasedDefinition | RelativeDefinition | AbsoluteIncreaseDefinition;

const UNIT_10_9 = '10^9/L';

/** CTCAE v5.0 definitions; the criteria strings restate the published grade columns. */
const DEFINITIONS: Readonly<Record<CtcaeLabTerm, Definition>> = {
  // CTCAE v5.0, Investigations: Neutrophil count decreased.
  'neutrophil-count-decreased': {
    kind: 'decreased',
    name: 'Neutrophil count decreased',
    quantity: 'count',
    stepsByUnit: {
      [UNIT_10_9]: [
        { limit: 1.5, grade: 2 },
        { limit: 1.0, grade: 3 },
        { limit: 0.5, grade: 4 },
      ],
    },
    criteria: {
      1: '<LLN – 1.5 × 10⁹/L (<LLN – 1500/mm³)',
      2: '<1.5 – 1.0 × 10⁹/L (<1500 – 1000/mm³)',
      3: '<1.0 – 0.5 × 10⁹/L (<1000 – 500/mm³)',
      4: '<0.5 × 10⁹/L (<500/mm³)',
    },
  },
  // CTCAE v5.0, Investigations: Platelet count decreased.
  'platelet-count-decreased': {
    kind: 'decreased',
    name: 'Platelet count decreased',
    quantity: 'count',
    stepsByUnit: {
      [UNIT_10_9]: [
        { limit: 75, grade: 2 },
        { limit: 50, grade: 3 },
        { limit: 25, grade: 4 },
      ],
    },
    criteria: {
      1: '<LLN – 75.0 × 10⁹/L (<LLN – 75,000/mm³)',
      2: '<75.0 – 50.0 × 10⁹/L (<75,000 – 50,000/mm³)',
      3: '<50.0 – 25.0 × 10⁹/L (<50,000 – 25,000/mm³)',
      4: '<25.0 × 10⁹/L (<25,000/mm³)',
    },
  },
  // CTCAE v5.0, Investigations: White blood cell decreased.
  'white-blood-cell-decreased': {
    kind: 'decreased',
    name: 'White blood cell decreased',
    quantity: 'count',
    stepsByUnit: {
      [UNIT_10_9]: [
        { limit: 3.0, grade: 2 },
        { limit: 2.0, grade: 3 },
        { limit: 1.0, grade: 4 },
      ],
    },
    criteria: {
      1: '<LLN – 3.0 × 10⁹/L (<LLN – 3000/mm³)',
      2: '<3.0 – 2.0 × 10⁹/L (<3000 – 2000/mm³)',
      3: '<2.0 – 1.0 × 10⁹/L (<2000 – 1000/mm³)',
      4: '<1.0 × 10⁹/L (<1000/mm³)',
    },
  },
  // CTCAE v5.0, Investigations: Lymphocyte count decreased.
  'lymphocyte-count-decreased': {
    kind: 'decreased',
    name: 'Lymphocyte count decreased',
    quantity: 'count',
    stepsByUnit: {
      [UNIT_10_9]: [
        { limit: 0.8, grade: 2 },
        { limit: 0.5, grade: 3 },
        { limit: 0.2, grade: 4 },
      ],
    },
    criteria: {
      1: '<LLN – 0.8 × 10⁹/L (<LLN – 800/mm³)',
      2: '<0.8 – 0.5 × 10⁹/L (<800 – 500/mm³)',
      3: '<0.5 – 0.2 × 10⁹/L (<500 – 200/mm³)',
      4: '<0.2 × 10⁹/L (<200/mm³)',
    },
  },
  // CTCAE v5.0, Blood and lymphatic system disorders: Anemia. CTCAE prints its own rounded thresholds in
  // g/L and mmol/L (6.2 and 4.9 mmol/L), so those units are graded on the published numbers, not converted.
  anemia: {
    kind: 'decreased',
    name: 'Anemia',
    quantity: 'hemoglobin',
    stepsByUnit: {
      'g/dL': [
        { limit: 10.0, grade: 2 },
        { limit: 8.0, grade: 3 },
      ],
      'g/L': [
        { limit: 100, grade: 2 },
        { limit: 80, grade: 3 },
      ],
      'mmol/L': [
        { limit: 6.2, grade: 2 },
        { limit: 4.9, grade: 3 },
      ],
    },
    criteria: {
      1: 'Hgb <LLN – 10.0 g/dL (<LLN – 6.2 mmol/L; <LLN – 100 g/L)',
      2: 'Hgb <10.0 – 8.0 g/dL (<6.2 – 4.9 mmol/L; <100 – 80 g/L)',
      3: 'Hgb <8.0 g/dL (<4.9 mmol/L; <80 g/L); transfusion indicated',
    },
  },
  // CTCAE v5.0, Investigations: Alanine aminotransferase increased.
  'alt-increased': {
    kind: 'relative',
    name: 'Alanine aminotransferase increased',
    quantity: 'enzyme',
    ulnMultiples: [1, 3, 5, 20],
    abnormalBaseline: { multiples: [1.5, 3, 5, 20], firstInclusive: true },
    criteria: {
      1: '>ULN – 3.0 × ULN if baseline was normal; 1.5 – 3.0 × baseline if baseline was abnormal',
      2: '>3.0 – 5.0 × ULN if baseline was normal; >3.0 – 5.0 × baseline if baseline was abnormal',
      3: '>5.0 – 20.0 × ULN if baseline was normal; >5.0 – 20.0 × baseline if baseline was abnormal',
      4: '>20.0 × ULN if baseline was normal; >20.0 × baseline if baseline was abnormal',
    },
  },
  // CTCAE v5.0, Investigations: Aspartate aminotransferase increased (same grades as ALT).
  'ast-increased': {
    kind: 'relative',
    name: 'Aspartate aminotransferase increased',
    quantity: 'enzyme',
    ulnMultiples: [1, 3, 5, 20],
    abnormalBaseline: { multiples: [1.5, 3, 5, 20], firstInclusive: true },
    criteria: {
      1: '>ULN – 3.0 × ULN if baseline was normal; 1.5 – 3.0 × baseline if baseline was abnormal',
      2: '>3.0 – 5.0 × ULN if baseline was normal; >3.0 – 5.0 × baseline if baseline was abnormal',
      3: '>5.0 – 20.0 × ULN if baseline was normal; >5.0 – 20.0 × baseline if baseline was abnormal',
      4: '>20.0 × ULN if baseline was normal; >20.0 × baseline if baseline was abnormal',
    },
  },
  // CTCAE v5.0, Investigations: Blood bilirubin increased.
  'blood-bilirubin-increased': {
    kind: 'relative',
    name: 'Blood bilirubin increased',
    quantity: 'bilirubin',
    ulnMultiples: [1, 1.5, 3, 10],
    abnormalBaseline: { multiples: [1, 1.5, 3, 10], firstInclusive: false },
    criteria: {
      1: '>ULN – 1.5 × ULN if baseline was normal; >1.0 – 1.5 × baseline if baseline was abnormal',
      2: '>1.5 – 3.0 × ULN if baseline was normal; >1.5 – 3.0 × baseline if baseline was abnormal',
      3: '>3.0 – 10.0 × ULN if baseline was normal; >3.0 – 10.0 × baseline if baseline was abnormal',
      4: '>10.0 × ULN if baseline was normal; >10.0 × baseline if baseline was abnormal',
    },
  },
  // CTCAE v5.0, Investigations: Creatinine increased. The baseline multiples apply whatever the baseline.
  'creatinine-increased': {
    kind: 'relative',
    name: 'Creatinine increased',
    quantity: 'creatinine',
    ulnMultiples: [1, 1.5, 3, 6],
    baselineRaises: [
      { limit: 1.5, grade: 2 },
      { limit: 3, grade: 3 },
    ],
    criteria: {
      1: '>ULN – 1.5 × ULN',
      2: '>1.5 – 3.0 × baseline; >1.5 – 3.0 × ULN',
      3: '>3.0 × baseline; >3.0 – 6.0 × ULN',
      4: '>6.0 × ULN',
    },
  },
  // CTCAE v5.0, Metabolism and nutrition disorders: Hypokalemia.
  hypokalemia: {
    kind: 'decreased',
    name: 'Hypokalemia',
    quantity: 'potassium',
    stepsByUnit: {
      'mmol/L': [
        { limit: 3.0, grade: 3 },
        { limit: 2.5, grade: 4 },
      ],
    },
    criteria: {
      1: '<LLN – 3.0 mmol/L',
      2: 'Symptomatic with <LLN – 3.0 mmol/L; intervention indicated',
      3: '<3.0 – 2.5 mmol/L; hospitalization indicated',
      4: '<2.5 mmol/L; life-threatening consequences',
    },
  },
  // CTCAE v5.0, Metabolism and nutrition disorders: Hyperkalemia.
  hyperkalemia: {
    kind: 'absolute-increase',
    name: 'Hyperkalemia',
    quantity: 'potassium',
    steps: [
      { limit: 5.5, grade: 2 },
      { limit: 6.0, grade: 3 },
      { limit: 7.0, grade: 4 },
    ],
    criteria: {
      1: '>ULN – 5.5 mmol/L',
      2: '>5.5 – 6.0 mmol/L; intervention initiated',
      3: '>6.0 – 7.0 mmol/L; hospitalization indicated',
      4: '>7.0 mmol/L; life-threatening consequences',
    },
  },
};

/** Every laboratory term this module grades. */
export const CTCAE_LAB_TERMS = Object.keys(DEFINITIONS) as CtcaeLabTerm[];

/** The printed CTCAE v5.0 term name, e.g. "Platelet count decreased". */
export function ctcaeTermName(term: CtcaeLabTerm): string {
  return definitionOf(term).name;
}

function definitionOf(term: unknown): Definition {
  const definition = typeof term === 'string' ? DEFINITIONS[term as CtcaeLabTerm] : undefined;
  if (!definition) {
    throw new DomainInputError('term', `unknown CTCAE laboratory term ${String(term)}`);
  }
  return definition;
}

function fmt(n: number): string {
  return Number.parseFloat(n.toPrecision(6)).toString();
}

function result(
  term: CtcaeLabTerm,
  definition: Definition,
  grade: CtcaeGrade,
  basis: CtcaeLabGrade['basis'],
  observed: string,
): CtcaeLabGrade {
  const criterion = definition.criteria[grade];
  const reason =
    grade === 0
      ? `${definition.name}: ${observed} — not graded (CTCAE v5.0)`
      : `${definition.name} grade ${grade}: ${observed} — ${criterion} (CTCAE v5.0)`;
  return { term, termName: definition.name, grade, basis, reason };
}

function gradeDecreased(term: CtcaeLabTerm, d: DecreasedDefinition, input: CtcaeLabInput): CtcaeLabGrade {
  const fallbackUnit = CANONICAL_UNIT[d.quantity];
  const gradingUnit = d.stepsByUnit[input.unit] ? input.unit : fallbackUnit;
  const steps = d.stepsByUnit[gradingUnit] ?? d.stepsByUnit[fallbackUnit]!;
  const value = convertUnit(
    d.quantity,
    requireNonNegative(input.value, 'value'),
    input.unit,
    gradingUnit,
    'value',
  );
  if (input.lln === undefined) throw new DomainInputError('lln', `required to grade ${d.name}`);
  const limitUnit = input.limitUnit ?? input.unit;
  const lln = convertUnit(d.quantity, requirePositive(input.lln, 'lln'), limitUnit, gradingUnit, 'lln');
  const observed = `${fmt(value)} ${gradingUnit} (LLN ${fmt(lln)})`;
  if (isAtLeast(value, lln)) return result(term, d, 0, 'normal', `${observed} is not below LLN`);
  let grade: CtcaeGrade = 1;
  for (const step of steps) if (isBelow(value, step.limit)) grade = step.grade;
  if (grade === 1 && term === 'hypokalemia' && input.symptomaticOrInterventionIndicated === true) grade = 2;
  return result(term, d, grade, grade === 1 || grade === 2 ? 'lln' : 'absolute', observed);
}

function countAbove(
  value: number,
  reference: number,
  multiples: readonly number[],
  firstInclusive: boolean,
): number {
  let grade = 0;
  multiples.forEach((multiple, index) => {
    const limit = multiple * reference;
    const met = index === 0 && firstInclusive ? isAtLeast(value, limit) : isAbove(value, limit);
    if (met) grade = index + 1;
  });
  return grade;
}

function gradeRelative(term: CtcaeLabTerm, d: RelativeDefinition, input: CtcaeLabInput): CtcaeLabGrade {
  const unit = CANONICAL_UNIT[d.quantity];
  const value = convertUnit(d.quantity, requireNonNegative(input.value, 'value'), input.unit, unit, 'value');
  if (input.uln === undefined) throw new DomainInputError('uln', `required to grade ${d.name}`);
  const uln = convertUnit(
    d.quantity,
    requirePositive(input.uln, 'uln'),
    input.limitUnit ?? input.unit,
    unit,
    'uln',
  );
  const baseline =
    input.baseline === undefined
      ? undefined
      : convertUnit(
          d.quantity,
          requirePositive(input.baseline, 'baseline'),
          input.baselineUnit ?? input.unit,
          unit,
          'baseline',
        );
  const ratio = `${fmt(value / uln)} × ULN`;
  const observed = `${fmt(value)} ${unit} = ${ratio}`;
  // "If baseline was abnormal" (CTCAE v5.0 liver terms): grade on multiples of the baseline instead of ULN.
  if (d.abnormalBaseline && baseline !== undefined && isAbove(baseline, uln)) {
    const grade = countAbove(
      value,
      baseline,
      d.abnormalBaseline.multiples,
      d.abnormalBaseline.firstInclusive,
    );
    return result(
      term,
      d,
      grade as CtcaeGrade,
      'baseline',
      `${fmt(value)} ${unit} = ${fmt(value / baseline)} × abnormal baseline ${fmt(baseline)}`,
    );
  }
  let grade = countAbove(value, uln, d.ulnMultiples, false) as CtcaeGrade;
  let basis: CtcaeLabGrade['basis'] = grade === 0 ? 'normal' : 'uln';
  let text = observed;
  if (d.baselineRaises && baseline !== undefined) {
    for (const step of d.baselineRaises) {
      if (isAbove(value, step.limit * baseline) && step.grade > grade) {
        grade = step.grade;
        basis = 'baseline';
        text = `${observed}; ${fmt(value / baseline)} × baseline ${fmt(baseline)}`;
      }
    }
  }
  return result(term, d, grade, basis, grade === 0 ? `${text} is not above ULN` : text);
}

function gradeAbsoluteIncrease(
  term: CtcaeLabTerm,
  d: AbsoluteIncreaseDefinition,
  input: CtcaeLabInput,
): CtcaeLabGrade {
  const unit = CANONICAL_UNIT[d.quantity];
  const value = convertUnit(d.quantity, requireNonNegative(input.value, 'value'), input.unit, unit, 'value');
  if (input.uln === undefined) throw new DomainInputError('uln', `required to grade ${d.name}`);
  const uln = convertUnit(
    d.quantity,
    requirePositive(input.uln, 'uln'),
    input.limitUnit ?? input.unit,
    unit,
    'uln',
  );
  const observed = `${fmt(value)} ${unit} (ULN ${fmt(uln)})`;
  if (!isAbove(value, uln)) return result(term, d, 0, 'normal', `${observed} is not above ULN`);
  let grade: CtcaeGrade = 1;
  for (const step of d.steps) if (isAbove(value, step.limit)) grade = step.grade;
  return result(term, d, grade, grade === 1 ? 'uln' : 'absolute', observed);
}

/**
 * Grades one laboratory value by CTCAE v5.0 for the given term. Values and limits may be given in any accepted
 * unit (see `units.ts`); missing limits, unknown units or impossible values throw a {@link DomainInputError}
 * naming the field.
 */
export function gradeCtcaeLab(input: CtcaeLabInput): CtcaeLabGrade {
  const definition = definitionOf(input?.term);
  requireFinite(input.value, 'value');
  if (typeof input.unit !== 'string' || !isUnitOf(definition.quantity, input.unit)) {
    // Let convertUnit produce the message listing accepted units.
    convertUnit(definition.quantity, input.value, input.unit, CANONICAL_UNIT[definition.quantity], 'value');
  }
  switch (definition.kind) {
    case 'decreased':
      return gradeDecreased(input.term, definition, input);
    case 'relative':
      return gradeRelative(input.term, definition, input);
    case 'absolute-increase':
      return gradeAbsoluteIncrease(input.term, definition, input);
  }
}

/** Whether a higher value of the term is worse (increased terms) or a lower value is (decreased terms). */
export function ctcaeDirection(term: CtcaeLabTerm): 'higher-is-worse' | 'lower-is-worse' {
  return definitionOf(term).kind === 'decreased' ? 'lower-is-worse' : 'higher-is-worse';
}
