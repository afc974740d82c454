import {
  DomainInputError,
  requireFinite,
  requireIntegerInRange,
  requireNonNegative,
  requireOneOf,
} from '../grading/input';

/**
 * ASTCT consensus grading of cytokine release syndrome (CRS) and immune effector cell-associated
 * neurotoxicity syndrome (ICANS): Lee DW et al., Biol Blood Marrow Transplant 2019;25:625–638, Tables 3 and 5.
 */
export type CrsGrade = 0 | 1 | 2 | 3 | 4;
export type IcansGrade = 0 | 1 | 2 | 3 | 4;

export type OxygenDevice =
  | 'none'
  | 'blow-by'
  | 'low-flow-nasal-cannula'
  | 'high-flow-nasal-cannula'
  | 'facemask'
  | 'nonrebreather-mask'
  | 'venturi-mask'
  | 'cpap'
  | 'bipap'
  | 'mechanical-ventilation';

const OXYGEN_DEVICES: readonly OxygenDevice[] = [
  'none',
  'blow-by',
  'low-flow-nasal-cannula',
  'high-flow-nasal-cannula',
  'facemask',
  'nonrebreather-mask',
  'venturi-mask',
  'cpap',
  'bipap',
  'mechanical-ventilation',
];

export interface CrsInput {
  /** Highest temperature in °C over the assessment period. */
  readonly maxTemperatureC: number;
  /**
   * Fever suppressed by antipyretic or anticytokine treatment (tocilizumab, steroids) given for CRS: ASTCT
   * then no longer requires fever to grade subsequent CRS.
   */
  readonly feverMaskedByTreatment?: boolean;
  /** Hypotension present (with or without vasopressors). */
  readonly hypotension: boolean;
  /** Vasopressors running, by name (e.g. `norepinephrine`, `vasopressin`). */
  readonly vasopressors?: readonly string[];
  readonly oxygen: { readonly device: OxygenDevice; readonly flowLPerMin?: number };
}

export interface CrsAssessment {
  readonly grade: CrsGrade;
  readonly hypotensionGrade: CrsGrade;
  readonly hypoxiaGrade: CrsGrade;
  readonly reason: string;
}

/** Low-flow nasal cannula is ≤ 6 L/min (ASTCT 2019, Table 3 footnote). */
export const LOW_FLOW_MAX_L_PER_MIN = 6;

function hypoxiaGrade(oxygen: CrsInput['oxygen']): { grade: CrsGrade; text: string } {
  const device = requireOneOf(oxygen?.device, 'oxygen.device', OXYGEN_DEVICES);
  switch (device) {
    case 'none':
      return { grade: 0, text: 'no oxygen requirement' };
    case 'blow-by':
      return { grade: 2, text: 'blow-by oxygen' };
    case 'low-flow-nasal-cannula': {
      if (oxygen.flowLPerMin === undefined) {
        throw new DomainInputError(
          'oxygen.flowLPerMin',
          'required for a nasal cannula (≤ 6 L/min is low flow)',
        );
      }
      const flow = requireNonNegative(oxygen.flowLPerMin, 'oxygen.flowLPerMin');
      return flow > LOW_FLOW_MAX_L_PER_MIN
        ? { grade: 3, text: `nasal cannula at ${flow} L/min (> 6 L/min is high flow)` }
        : { grade: 2, text: `low-flow nasal cannula at ${flow} L/min` };
    }
    case 'high-flow-nasal-cannula':
    case 'facemask':
    case 'nonrebreather-mask':
    case 'venturi-mask':
      return { grade: 3, text: `oxygen by ${device}` };
    case 'cpap':
    case 'bipap':
    case 'mechanical-ventilation':
      return { grade: 4, text: `positive pressure (${device})` };
  }
}

function hypotensionGrade(
  hypotension: boolean,
  vasopressors: readonly string[],
): { grade: CrsGrade; text: string } {
  const names = vasopressors.map((v) => v.trim().toLowerCase()).filter((v) => v !== '');
  // ASTCT counts vasopressors "excluding vasopressin": vasopressin alone is still one vasopressor.
  const nonVasopressin = new Set(names.filter((n) => n !== 'vasopressin'));
  const count = nonVasopressin.size > 0 ? nonVasopressin.size : names.length > 0 ? 1 : 0;
  if (count >= 2)
    return { grade: 4, text: `hypotension needing ${count} vasopressors (excluding vasopressin)` };
  if (count === 1)
    return { grade: 3, text: 'hypotension needing one vasopressor (with or without vasopressin)' };
  if (hypotension) return { grade: 2, text: 'hypotension not needing vasopressors' };
  return { grade: 0, text: 'no hypotension' };
}

/**
 * ASTCT CRS grade (Lee 2019, Table 3): fever ≥ 38 °C is required (unless masked by treatment for CRS); the
 * grade is the worse of the hypotension and hypoxia grades, at least 1. Grade 5 (death) is not graded here.
 */
export function gradeCrs(input: CrsInput): CrsAssessment {
  const temperature = requireFinite(input?.maxTemperatureC, 'maxTemperatureC');
  if (temperature < 25 || temperature > 45) {
    throw new DomainInputError('maxTemperatureC', `expected °C between 25 and 45, got ${temperature}`);
  }
  if (typeof input.hypotension !== 'boolean')
    throw new DomainInputError('hypotension', 'must be true or false');
  const hypoxia = hypoxiaGrade(input.oxygen);
  const pressure = hypotensionGrade(input.hypotension, input.vasopressors ?? []);
  const fever = temperature >= 38;
  if (!fever && input.feverMaskedByTreatment !== true) {
    return {
      grade: 0,
      hypotensionGrade: pressure.grade,
      hypoxiaGrade: hypoxia.grade,
      reason: `no CRS: fever ≥ 38 °C is required (max ${temperature} °C) (ASTCT 2019)`,
    };
  }
  const grade = Math.max(1, hypoxia.grade, pressure.grade) as CrsGrade;
  const feverText = fever ? `fever ${temperature} °C` : 'fever masked by treatment';
  return {
    grade,
    hypotensionGrade: pressure.grade,
    hypoxiaGrade: hypoxia.grade,
    reason: `CRS grade ${grade}: ${feverText}; ${pressure.text}; ${hypoxia.text} (ASTCT 2019, worse of hypotension and hypoxia)`,
  };
}

export type Consciousness =
  | 'normal'
  | 'awakens-spontaneously'
  | 'awakens-to-voice'
  | 'awakens-to-tactile-stimulus'
  | 'unarousable';

export type SeizureFinding = 'none' | 'rapidly-resolving' | 'prolonged-or-repetitive';
export type CerebralEdemaFinding = 'none' | 'focal' | 'diffuse';

export interface IcansInput {
  /** Immune Effector Cell-associated Encephalopathy score, 0–10; omit only when the patient is unarousable. */
  readonly iceScore?: number;
  readonly consciousness: Consciousness;
  /** `rapidly-resolving`: any clinical seizure that resolves rapidly, or non-convulsive seizures on EEG that
   * resolve with intervention; `prolonged-or-repetitive`: > 5 min, or repetitive without return to baseline. */
  readonly seizure: SeizureFinding;
  /** Deep focal motor weakness such as hemiparesis or paraparesis. */
  readonly deepFocalMotorWeakness: boolean;
  /** `focal`: focal/local oedema on neuroimaging; `diffuse`: diffuse oedema, decerebrate/decorticate posturing,
   * cranial nerve VI palsy, papilloedema or Cushing's triad. */
  readonly cerebralEdema: CerebralEdemaFinding;
}

export interface IcansAssessment {
  readonly grade: IcansGrade;
  readonly domainGrades: Readonly<
    Record<'ice' | 'consciousness' | 'seizure' | 'motor' | 'edema', IcansGrade>
  >;
  readonly reason: string;
}

/**
 * ASTCT ICANS grade for adults (Lee 2019, Table 5): the most severe domain — ICE 7–9 → 1, 3–6 → 2, 0–2 → 3,
 * unarousable → 4; consciousness; seizures (3 or 4); deep focal motor weakness (4); raised intracranial
 * pressure / cerebral oedema (3 or 4). Children under 12 are graded with the CAPD instead (not implemented).
 */
export function gradeIcans(input: IcansInput): IcansAssessment {
  const consciousness = requireOneOf(input?.consciousness, 'consciousness', [
    'normal',
    'awakens-spontaneously',
    'awakens-to-voice',
    'awakens-to-tactile-stimulus',
    'unarousable',
  ] as const);
  const seizure = requireOneOf(input.seizure, 'seizure', [
    'none',
    'rapidly-resolving',
    'prolonged-or-repetitive',
  ] as const);
  const edema = requireOneOf(input.cerebralEdema, 'cerebralEdema', ['none', 'focal', 'diffuse'] as const);
  if (typeof input.deepFocalMotorWeakness !== 'boolean') {
    throw new DomainInputError('deepFocalMotorWeakness', 'must be true or false');
  }
  let ice: IcansGrade;
  if (consciousness === 'unarousable') {
    // An unarousable patient cannot perform the ICE assessment: grade 4 in the ICE domain (Lee 2019, Table 5).
    ice = 4;
  } else {
    if (input.iceScore === undefined)
      throw new DomainInputError('iceScore', 'required unless the patient is unarousable');
    const score = requireIntegerInRange(input.iceScore, 'iceScore', 0, 10);
    ice = score === 10 ? 0 : score >= 7 ? 1 : score >= 3 ? 2 : 3;
  }
  const domainGrades = {
    ice,
    consciousness: (
      {
        normal: 0,
        'awakens-spontaneously': 1,
        'awakens-to-voice': 2,
        'awakens-to-tactile-stimulus': 3,
        unarousable: 4,
      } as const
    )[consciousness],
    seizure: ({ none: 0, 'rapidly-resolving': 3, 'prolonged-or-repetitive': 4 } as const)[seizure],
    motor: input.deepFocalMotorWeakness ? 4 : 0,
    edema: ({ none: 0, focal: 3, diffuse: 4 } as const)[edema],
  } satisfies IcansAssessment['domainGrades'];
  const grade = Math.max(...Object.values(domainGrades)) as IcansGrade;
  const drivers = Object.entries(domainGrades)
    .filter(([, g]) => g === grade && grade > 0)
    .map(([domain]) => domain);
  return {
    grade,
    domainGrades,
    reason:
      grade === 0
        ? 'no ICANS: ICE score 10 and no other neurological finding (ASTCT 2019)'
        : `ICANS grade ${grade}, decided by ${drivers.join(', ')} (ASTCT 2019, most severe domain)`,
  };
}
