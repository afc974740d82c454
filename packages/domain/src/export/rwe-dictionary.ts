import type { FieldType } from './registry-forms';

/**
 * The data dictionary of the de-identified real-world-evidence data set: every column of every file with its
 * type, unit, code system and a description in Simplified Chinese and English. The export writes it as
 * `dictionary.csv`; a column the export writes and the dictionary lacks is a bug (a test checks both ways).
 */
export interface DictionaryEntry {
  readonly file: string;
  readonly field: string;
  readonly type: FieldType;
  readonly unit: string;
  readonly codeSystem: string;
  readonly zh: string;
  readonly en: string;
}

type Row = [field: string, type: FieldType, unit: string, codeSystem: string, zh: string, en: string];

const SUBJECT: Row = [
  'subject_id',
  'string',
  '',
  'keyed HMAC-SHA-256 of the platform id (export-subject-v1)',
  '受试者代码（假名，不可回溯）',
  'Subject code (pseudonym; not reversible without the platform secret)',
];
const SHIFTED = '按患者一致偏移的日期';
const SHIFTED_EN = 'date shifted by the patient’s constant offset';

const FILES: Record<string, Row[]> = {
  'patients.csv': [
    SUBJECT,
    [
      'site',
      'code',
      '',
      'CGTLink organization code',
      '治疗医院代码',
      'Treating hospital (organization code)',
    ],
    ['sex', 'code', '', 'female|male|unknown', '性别', 'Sex'],
    ['birth_year', 'integer', 'year', '', '出生年份', 'Year of birth'],
    ['age_at_day0', 'integer', 'year', '', '第0天年龄（按年份）', 'Age at day 0 (by calendar year)'],
    ['age_band', 'code', 'year', '0-5|6-11|12-17|18-34|35+|unknown', '年龄段', 'Age band at day 0'],
    ['diagnosis', 'string', '', '', '诊断', 'Diagnosis'],
    [
      'beta_genotype',
      'string',
      '',
      'HBB allele classes β0/β+/βE',
      'β-珠蛋白基因型',
      'β-globin (HBB) genotype',
    ],
    ['alpha_genotype', 'string', '', '', 'α-珠蛋白基因型', 'α-globin genotype'],
    [
      'technology',
      'code',
      '',
      'autologous_gene_hsc|allogeneic_hsct|haploidentical_hsct|msc',
      '技术类别',
      'Technology of the filing',
    ],
    ['product_name', 'string', '', '', '产品名称', 'Product name'],
    [
      'graft_source',
      'code',
      '',
      'gene-therapy|bone-marrow|peripheral-blood|cord-blood',
      '移植物来源',
      'Graft source',
    ],
    ['day0_date', 'date', '', 'ISO 8601', `回输日（${SHIFTED}）`, `Day 0, infusion (${SHIFTED_EN})`],
    [
      'followup_status',
      'code',
      '',
      'active|lost-to-follow-up|completed|withdrawn|deceased',
      '随访状态',
      'Follow-up status',
    ],
    ['death_date', 'date', '', 'ISO 8601', `死亡日期（${SHIFTED}）`, `Date of death (${SHIFTED_EN})`],
    [
      'cause_of_death',
      'string',
      '',
      'CTCAE v5.0 term',
      '死亡原因',
      'Cause of death (term of the fatal event)',
    ],
    [
      'last_contact_date',
      'date',
      '',
      'ISO 8601',
      `最后一次记录日期（${SHIFTED}）`,
      `Date of the last record (${SHIFTED_EN})`,
    ],
  ],
  'transfusions.csv': [
    SUBJECT,
    ['given_on', 'date', '', 'ISO 8601', `输注日期（${SHIFTED}）`, `Date given (${SHIFTED_EN})`],
    ['day', 'integer', 'day', '', '距第0天天数', 'Days from day 0'],
    ['product', 'code', '', 'red-cells|platelets|plasma|other', '血液制品', 'Blood product'],
    ['volume_ml', 'number', 'mL', 'UCUM mL', '输注量', 'Volume'],
    ['units', 'integer', 'unit', '', '单位数', 'Units given'],
  ],
  'labs.csv': [
    SUBJECT,
    ['observed_on', 'date', '', 'ISO 8601', `检测日期（${SHIFTED}）`, `Date observed (${SHIFTED_EN})`],
    ['day', 'integer', 'day', '', '距第0天天数', 'Days from day 0'],
    ['code', 'code', '', 'CGTLink laboratory codes', '检验项目代码', 'Laboratory code'],
    ['loinc', 'code', '', 'LOINC', 'LOINC 代码', 'LOINC code'],
    ['value', 'number', 'see unit', '', '结果（标准单位）', 'Result in the canonical unit'],
    ['unit', 'code', '', 'UCUM', '单位', 'Canonical unit'],
  ],
  'adverse_events.csv': [
    SUBJECT,
    ['onset_date', 'date', '', 'ISO 8601', `发生日期（${SHIFTED}）`, `Onset (${SHIFTED_EN})`],
    ['onset_day', 'integer', 'day', '', '距第0天天数', 'Days from day 0 to onset'],
    ['resolution_date', 'date', '', 'ISO 8601', `转归日期（${SHIFTED}）`, `Resolution (${SHIFTED_EN})`],
    ['term', 'string', '', '', '不良事件名称（报告）', 'Adverse event term as reported'],
    ['ctcae_term', 'code', '', 'CTCAE v5.0', 'CTCAE 术语', 'CTCAE v5.0 term'],
    ['grade', 'integer', '', 'CTCAE v5.0 grade 1–5 (GVHD: MAGIC I–IV)', '分级', 'Grade'],
    ['serious', 'boolean', '', '', '严重', 'Serious'],
    ['expected', 'boolean', '', '', '预期', 'Expected (in the reference list)'],
    [
      'outcome',
      'code',
      '',
      'recovered|recovering|not-recovered|recovered-with-sequelae|fatal|unknown',
      '转归',
      'Outcome',
    ],
    ['causality_product', 'code', '', '', '与产品的相关性', 'Causality to the product'],
  ],
  'visits.csv': [
    SUBJECT,
    ['label', 'code', '', 'follow-up schedule labels', '访视', 'Visit'],
    ['due_date', 'date', '', 'ISO 8601', `计划日期（${SHIFTED}）`, `Due (${SHIFTED_EN})`],
    ['attended_on', 'date', '', 'ISO 8601', `实际日期（${SHIFTED}）`, `Attended (${SHIFTED_EN})`],
    ['overdue', 'boolean', '', '', '超窗未访', 'Past its window and not attended at the cut-off'],
  ],
  'summary.csv': [
    ['measure', 'code', '', 'patients|ae_patients', '指标', 'Measure'],
    ['stratum', 'string', '', '', '分层', 'Stratum (sex/age band, or CTCAE term/grade)'],
    [
      'count',
      'integer',
      'patients',
      '',
      '人数（小于5时留空）',
      'Number of patients (blank when below 5: small-cell suppression)',
    ],
  ],
};

export const RWE_FILES = Object.keys(FILES);

export function rweColumns(file: string): string[] {
  const rows = FILES[file];
  if (!rows) throw new RangeError(`file: no such export file ${file}`);
  return rows.map((r) => r[0]);
}

export function rweDictionary(): DictionaryEntry[] {
  return Object.entries(FILES).flatMap(([file, rows]) =>
    rows.map(([field, type, unit, codeSystem, zh, en]) => ({ file, field, type, unit, codeSystem, zh, en })),
  );
}
