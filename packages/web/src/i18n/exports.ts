/**
 * Translations of the evaluation exports screen (issue 9, item 4), mounted as the `exports` group of zh-CN.ts and
 * en.ts.
 */
export const exportsZhCN = {
  title: '数据导出（去标识化）',
  intro:
    '按备案导出去标识化的患者级数据集（真实世界证据）或移植登记最小数据集。申办方仅能导出其本身的备案；每次导出均记入审计追踪。',
  filing: '备案',
  chooseFiling: '选择备案',
  patients: '患者数',
  format: '格式',
  formats: {
    rwe: '真实世界证据数据集（CSV + 数据字典）',
    cibmtr: 'CIBMTR 式最小数据（第0天、第100天、6个月、每年）',
    ebmt: 'EBMT MED-A 式最小数据（第0天、第100天、每年）',
  },
  files: '包含文件',
  filesOf: {
    rwe: 'patients、transfusions、labs、adverse_events、visits、summary、dictionary、manifest',
    cibmtr: 'cibmtr_day0、cibmtr_followup、cibmtr_missing（缺失字段报告）、dictionary、manifest',
    ebmt: 'ebmt_day0、ebmt_followup、ebmt_missing（缺失字段报告）、dictionary、manifest',
  },
  download: '下载 ZIP',
  rules: '去标识化规则',
  ruleIdentifiers: '不含直接标识符（姓名、身份证号、电话），患者以不可回溯的受试者代码表示。',
  ruleDates: '每位患者的所有日期按同一天数偏移（±1–180 天，由密钥哈希决定），跨文件、跨次导出保持一致。',
  ruleSmallCells: '汇总计数小于 5 时留空；同一性别 × 年龄段 × 诊断组少于 5 人的患者不予导出。',
  none: '没有可导出的备案',
};

export const exportsEn: typeof exportsZhCN = {
  title: 'Data exports (de-identified)',
  intro:
    'Export a filing’s de-identified patient-level data set (real-world evidence) or the transplant registries’ minimum data. A sponsor exports only its own filings; every export is recorded in the audit trail.',
  filing: 'Filing',
  chooseFiling: 'Choose a filing',
  patients: 'Patients',
  format: 'Format',
  formats: {
    rwe: 'Real-world evidence data set (CSV + data dictionary)',
    cibmtr: 'CIBMTR-style minimum data (day 0, day 100, 6 months, yearly)',
    ebmt: 'EBMT MED-A-style minimum data (day 0, day 100, yearly)',
  },
  files: 'Files',
  filesOf: {
    rwe: 'patients, transfusions, labs, adverse_events, visits, summary, dictionary, manifest',
    cibmtr: 'cibmtr_day0, cibmtr_followup, cibmtr_missing (missing-field report), dictionary, manifest',
    ebmt: 'ebmt_day0, ebmt_followup, ebmt_missing (missing-field report), dictionary, manifest',
  },
  download: 'Download ZIP',
  rules: 'De-identification rules',
  ruleIdentifiers:
    'No direct identifier (name, national ID, phone); each patient appears as a non-reversible subject code.',
  ruleDates:
    'Every date of a patient moves by the same number of days (±1–180, from a keyed hash), consistently across files and exports.',
  ruleSmallCells:
    'Aggregate counts below 5 are blank; patients whose sex × age band × diagnosis group holds fewer than 5 are withheld.',
  none: 'No filing to export',
};
