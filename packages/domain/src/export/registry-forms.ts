/**
 * Minimum transplant data in the shape of the two registries the platform must feed (DESIGN.md §3.6), written
 * from the registries' public descriptions rather than copied forms:
 *
 * - CIBMTR-style: a pre-treatment report at day 0 (as form 2400, pre-TED), then post-treatment reports at day
 *   100, 6 months and every year (as form 2450, post-TED); hemoglobinopathies add the β- and α-globin genotype.
 * - EBMT MED-A-style: day 0 (the HSCT), day 100, then every year.
 *
 * A field applies to a time point and, for some, only to allogeneic transplants (donor, HLA match, GVHD). The
 * missing-field report lists, per patient and time point, every applicable field without a value; FACT-JACIE
 * audits the critical ones (disease, cell source, donor type, engraftment, survival).
 */
export type RegistryFormat = 'cibmtr' | 'ebmt';
export const REGISTRY_FORMATS: readonly RegistryFormat[] = ['cibmtr', 'ebmt'];

export type TimePointKind = 'day0' | 'day100' | 'month6' | 'year';

export interface TimePoint {
  /** `day0`, `day100`, `month6`, `year1`, `year2` … */
  readonly label: string;
  readonly kind: TimePointKind;
  /** Days after day 0 at which the report falls due. */
  readonly day: number;
}

export type FieldType = 'string' | 'integer' | 'number' | 'date' | 'boolean' | 'code';

export interface RegistryField {
  readonly name: string;
  readonly type: FieldType;
  readonly unit?: string;
  readonly codeSystem?: string;
  readonly zh: string;
  readonly en: string;
  readonly at: readonly TimePointKind[];
  readonly allogeneicOnly?: boolean;
  /** Audited by FACT-JACIE as a critical field. */
  readonly critical?: boolean;
}

const DAY0: readonly TimePointKind[] = ['day0'];
const POST: readonly TimePointKind[] = ['day100', 'month6', 'year'];

const COMMON_DAY0: RegistryField[] = [
  { name: 'sex', type: 'code', codeSystem: 'female|male|unknown', zh: '性别', en: 'Sex', at: DAY0 },
  { name: 'birth_year', type: 'integer', unit: 'year', zh: '出生年份', en: 'Year of birth', at: DAY0 },
  {
    name: 'disease',
    type: 'string',
    zh: '移植的主要疾病',
    en: 'Primary disease for transplant',
    at: DAY0,
    critical: true,
  },
  {
    name: 'hct_type',
    type: 'code',
    codeSystem: 'autologous-gene-modified|allogeneic|haploidentical',
    zh: '移植类型',
    en: 'Type of transplant',
    at: DAY0,
  },
  {
    name: 'donor_type',
    type: 'code',
    codeSystem: 'autologous|matched-sibling|other-related|haploidentical|unrelated',
    zh: '供者类型',
    en: 'Donor type',
    at: DAY0,
    critical: true,
  },
  {
    name: 'hla_match',
    type: 'string',
    codeSystem: 'alleles matched / typed (e.g. 10/10, 5/10)',
    zh: 'HLA 配合度',
    en: 'HLA match',
    at: DAY0,
    allogeneicOnly: true,
  },
  {
    name: 'graft_source',
    type: 'code',
    codeSystem: 'gene-therapy|bone-marrow|peripheral-blood|cord-blood',
    zh: '移植物来源',
    en: 'Graft (stem cell) source',
    at: DAY0,
    critical: true,
  },
  {
    name: 'conditioning',
    type: 'string',
    zh: '预处理方案',
    en: 'Conditioning regimen',
    at: DAY0,
  },
  { name: 'day0_date', type: 'date', zh: '回输日（第0天，已偏移）', en: 'Day 0 (shifted)', at: DAY0 },
];

const COMMON_POST: RegistryField[] = [
  {
    name: 'survival_status',
    type: 'code',
    codeSystem: 'alive|dead',
    zh: '生存状态',
    en: 'Survival status',
    at: POST,
    critical: true,
  },
  {
    name: 'last_contact_date',
    type: 'date',
    zh: '最后随访日（已偏移）',
    en: 'Date of last contact (shifted)',
    at: POST,
  },
  {
    name: 'cause_of_death',
    type: 'string',
    zh: '死亡原因',
    en: 'Cause of death (dead only)',
    at: POST,
  },
  {
    name: 'neutrophil_engraftment_date',
    type: 'date',
    zh: '中性粒细胞植入日（已偏移）',
    en: 'Neutrophil engraftment date (shifted; ANC ≥ 0.5 × 10⁹/L × 3 days)',
    at: ['day100'],
    critical: true,
  },
  {
    name: 'platelet_engraftment_date',
    type: 'date',
    zh: '血小板植入日（已偏移）',
    en: 'Platelet engraftment date (shifted; ≥ 20 × 10⁹/L × 3 days, no transfusion 7 days)',
    at: ['day100'],
    critical: true,
  },
  {
    name: 'acute_gvhd_max_grade',
    type: 'integer',
    codeSystem: 'MAGIC 0–IV as 0–4',
    zh: '急性 GVHD 最高分级',
    en: 'Acute GVHD maximum grade',
    at: ['day100', 'month6'],
    allogeneicOnly: true,
  },
  {
    name: 'chronic_gvhd',
    type: 'code',
    codeSystem: 'none|mild|moderate|severe (NIH global severity)',
    zh: '慢性 GVHD',
    en: 'Chronic GVHD (NIH severity)',
    at: ['month6', 'year'],
    allogeneicOnly: true,
  },
  {
    name: 'red_cell_transfusions',
    type: 'integer',
    unit: 'events',
    zh: '本期红细胞输注次数',
    en: 'Red-cell transfusions in the period',
    at: POST,
  },
  {
    name: 'latest_hb',
    type: 'number',
    unit: 'g/dL',
    codeSystem: 'LOINC 718-7',
    zh: '本期最近血红蛋白',
    en: 'Latest haemoglobin in the period',
    at: POST,
  },
];

const FIELDS: Record<RegistryFormat, readonly RegistryField[]> = {
  cibmtr: [
    ...COMMON_DAY0,
    {
      name: 'beta_genotype',
      type: 'string',
      codeSystem: 'HBB allele classes β0/β+/βE (HGVS)',
      zh: 'β-珠蛋白基因型',
      en: 'β-globin (HBB) genotype',
      at: DAY0,
    },
    {
      name: 'alpha_genotype',
      type: 'string',
      zh: 'α-珠蛋白基因型',
      en: 'α-globin genotype',
      at: DAY0,
    },
    {
      name: 'pre_ferritin',
      type: 'number',
      unit: 'ng/mL',
      codeSystem: 'LOINC 2276-4',
      zh: '移植前铁蛋白',
      en: 'Ferritin before day 0',
      at: DAY0,
    },
    ...COMMON_POST,
    {
      name: 'latest_ferritin',
      type: 'number',
      unit: 'ng/mL',
      codeSystem: 'LOINC 2276-4',
      zh: '本期最近铁蛋白',
      en: 'Latest ferritin in the period',
      at: ['month6', 'year'],
    },
  ],
  ebmt: [...COMMON_DAY0, ...COMMON_POST],
};

export function registryFields(format: RegistryFormat): readonly RegistryField[] {
  return FIELDS[format];
}

/**
 * The time points due by `asOfDay` (days after day 0): day 0 always; each later one once its day has passed;
 * none that starts after the patient's death (the report covering the death is still due).
 */
export function dueTimePoints(format: RegistryFormat, asOfDay: number, deathDay: number | null): TimePoint[] {
  const points: TimePoint[] = [{ label: 'day0', kind: 'day0', day: 0 }];
  const candidates: TimePoint[] = [{ label: 'day100', kind: 'day100', day: 100 }];
  if (format === 'cibmtr') candidates.push({ label: 'month6', kind: 'month6', day: 183 });
  for (let year = 1; year * 365 <= Math.max(asOfDay, 0); year++)
    candidates.push({ label: `year${year}`, kind: 'year', day: year * 365 });
  let previous = 0;
  for (const p of candidates) {
    if (p.day > asOfDay) break;
    if (deathDay !== null && deathDay < previous) break;
    points.push(p);
    previous = p.day;
  }
  return points;
}

/** The window a time point reports on: (previous time point, this one], day 0 being [−∞, 0]. */
export function periodOf(points: readonly TimePoint[], index: number): { from: number; to: number } {
  const point = points[index];
  if (!point) throw new RangeError('index: no such time point');
  if (point.kind === 'day0') return { from: Number.NEGATIVE_INFINITY, to: 0 };
  return { from: (points[index - 1]?.day ?? 0) + 1, to: point.day };
}

export type FieldValue = string | number | boolean | null;

export interface MissingField {
  readonly timePoint: string;
  readonly field: string;
  readonly critical: boolean;
}

/**
 * The applicable fields of one time point that carry no value. `cause_of_death` applies only when the patient
 * is dead; allogeneic-only fields only to allogeneic transplants.
 */
export function missingFields(
  format: RegistryFormat,
  point: TimePoint,
  values: Readonly<Record<string, FieldValue>>,
  allogeneic: boolean,
): MissingField[] {
  const missing: MissingField[] = [];
  for (const f of FIELDS[format]) {
    if (!f.at.includes(point.kind)) continue;
    if (f.allogeneicOnly && !allogeneic) continue;
    if (f.name === 'cause_of_death' && values.survival_status !== 'dead') continue;
    const v = values[f.name];
    if (v === null || v === undefined || v === '')
      missing.push({ timePoint: point.label, field: f.name, critical: f.critical === true });
  }
  return missing;
}

/** The field names of one time point kind, in form order (the CSV columns for that report). */
export function fieldsAt(format: RegistryFormat, kind: TimePointKind): string[] {
  return FIELDS[format].filter((f) => f.at.includes(kind)).map((f) => f.name);
}
