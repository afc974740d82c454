import type { Principal } from '@cgtlink/domain/access/index';
import type { RequestContext } from '../context';
import type { SpecificationCreateInput } from '../laboratory/contract';
import type { Platform } from '../platform';

/**
 * The laboratory's demo data at GBA-SCB: an approved specification for umbilical-cord MSC (ISCT minimal
 * criteria, DESIGN.md §3.5), a cell line with a master and a working bank and their vials, and one
 * allogeneic batch in process with part of its QC entered — so the laboratory screens have something to show.
 */
export const MSC_SPECIFICATION_TESTS: SpecificationCreateInput['tests'] = [
  { kind: 'quantitative', analyte: 'CD73', method: 'Flow cytometry', unit: '%', comparator: '>=', limit: 95 },
  { kind: 'quantitative', analyte: 'CD90', method: 'Flow cytometry', unit: '%', comparator: '>=', limit: 95 },
  {
    kind: 'quantitative',
    analyte: 'CD105',
    method: 'Flow cytometry',
    unit: '%',
    comparator: '>=',
    limit: 95,
  },
  { kind: 'quantitative', analyte: 'CD34', method: 'Flow cytometry', unit: '%', comparator: '<=', limit: 2 },
  { kind: 'quantitative', analyte: 'CD45', method: 'Flow cytometry', unit: '%', comparator: '<=', limit: 2 },
  {
    kind: 'quantitative',
    analyte: 'HLA-DR',
    method: 'Flow cytometry',
    unit: '%',
    comparator: '<=',
    limit: 2,
  },
  {
    kind: 'quantitative',
    analyte: 'Viability',
    method: '7-AAD flow cytometry',
    unit: '%',
    comparator: '>=',
    limit: 80,
  },
  {
    kind: 'quantitative',
    analyte: 'Endotoxin',
    method: 'LAL kinetic chromogenic',
    unit: 'EU/kg',
    comparator: '<=',
    limit: 5,
  },
  { kind: 'qualitative', analyte: 'Sterility', method: 'Ph. Eur. 2.6.27, 14 days', expected: ['negative'] },
  { kind: 'qualitative', analyte: 'Mycoplasma', method: 'qPCR', expected: ['negative'] },
];

async function principalOf(platform: Platform, username: string): Promise<RequestContext> {
  const { db } = platform.database;
  const user = await db
    .selectFrom('app_user')
    .innerJoin('organization', 'organization.id', 'app_user.organization_id')
    .select([
      'app_user.id',
      'app_user.username',
      'app_user.display_name',
      'app_user.role',
      'app_user.organization_id',
      'organization.kind',
    ])
    .where('app_user.username', '=', username)
    .executeTakeFirstOrThrow();
  const principal: Principal = {
    userId: user.id,
    username: user.username,
    displayName: user.display_name,
    role: user.role as Principal['role'],
    organizationId: user.organization_id,
    organizationKind: user.kind as Principal['organizationKind'],
    patientId: null,
  };
  return { principal, requestId: 'demo-seed' };
}

export async function seedLaboratory(platform: Platform, password: string): Promise<void> {
  const qc = await principalOf(platform, 'qc.liang');
  const analyst = await principalOf(platform, 'analyst.wu');
  const spec = await platform.specifications.create(qc, {
    productCode: 'MSC-UC',
    productName: '人脐带间充质干细胞注射液 Human umbilical-cord MSC injection',
    tests: MSC_SPECIFICATION_TESTS,
  });
  await platform.specifications.approve(qc, spec.id, password, 'demo-seed');
  const line = await platform.cellBank.createLine(analyst, {
    code: 'UC-MSC-07',
    name: '脐带间充质干细胞 07 Umbilical-cord MSC line 07',
    tissueSource: 'Umbilical cord (Wharton’s jelly), term caesarean delivery',
    donorCode: 'D-2025-0107',
    donorEligibility: 'eligible',
    consentReference: 'GBA-SCB-ICF-2025-0107',
    donorTesting: [
      { test: 'HBsAg', result: 'negative' },
      { test: 'Anti-HCV', result: 'negative' },
      { test: 'Anti-HIV-1/2', result: 'negative' },
      { test: 'Syphilis (TPPA)', result: 'negative' },
      { test: 'CMV IgM', result: 'negative' },
    ],
  });
  const vials = (prefix: string, box: string, count: number) =>
    Array.from({ length: count }, (_, i) => ({
      label: `${prefix}-${String(i + 1).padStart(3, '0')}`,
      tank: 'LN2-01',
      rack: 'R3',
      box,
      position: i + 1,
    }));
  const master = await platform.cellBank.createBank(analyst, {
    cellLineId: line.id,
    kind: 'master',
    lot: 'MCB-UC07-2025',
    passage: 2,
    frozenOn: '2025-03-10',
    expiresOn: '2035-03-10',
    vials: vials('MCB07', 'B01', 10),
  });
  const working = await platform.cellBank.createBank(analyst, {
    cellLineId: line.id,
    kind: 'working',
    parentBankId: master.id,
    lot: 'WCB-UC07-2026A',
    passage: 4,
    frozenOn: '2026-01-15',
    expiresOn: '2031-01-15',
    vials: vials('WCB07A', 'B02', 20),
  });
  const batch = await platform.batches.create(analyst, {
    kind: 'allogeneic',
    reference: 'MSC-2026-001',
    productCode: 'MSC-UC',
    workingBankId: working.id,
    excursion: 'none',
  });
  await platform.cellBank.issue(analyst, working.id, { batchId: batch.id, count: 2 });
  await platform.batches.addStep(analyst, batch.id, {
    step: 'Thaw and seed (P5)',
    parameters: { vialsThawed: 2, viableCells: 1.1e7, viabilityPercent: 94.2 },
    startedAt: '2026-11-02T01:30:00.000Z',
    endedAt: '2026-11-02T02:10:00.000Z',
  });
  await platform.batches.addStep(analyst, batch.id, {
    step: 'Harvest and formulation',
    parameters: { totalCells: 1.02e9, viabilityPercent: 93.1, volumeMl: 100 },
    startedAt: '2026-11-16T06:00:00.000Z',
    endedAt: '2026-11-16T08:45:00.000Z',
  });
  for (const [analyte, value, unit] of [
    ['CD73', 99.1, '%'],
    ['CD90', 98.7, '%'],
    ['CD105', 97.9, '%'],
    ['CD34', 0.4, '%'],
    ['Viability', 93.1, '%'],
  ] as const) {
    await platform.batches.addResult(analyst, batch.id, { analyte, value, unit });
  }
  // An endotoxin assay control (LAL, control standard endotoxin 0.5 EU/mL; target SD 0.05) over 20 runs:
  // run 9 breaks 1-3s, runs 12–13 break 2-2s — the chart shows both.
  const control = await platform.charts.createMaterial(qc, {
    analyte: 'Endotoxin',
    material: 'Control standard endotoxin (CSE) 0.5 EU/mL',
    lot: 'CSE-2026-03',
    unit: 'EU/mL',
    targetMean: 0.5,
    targetSd: 0.05,
  });
  for (const [i, value] of DEMO_CONTROL_RUNS.entries()) {
    const day = String(i + 1).padStart(2, '0');
    await platform.charts.addRun(qc, control.id, value, `2026-10-${day}T02:00:00.000Z`);
  }
}

export const DEMO_CONTROL_RUNS = [
  0.51, 0.49, 0.52, 0.48, 0.5, 0.53, 0.47, 0.51, 0.66, 0.5, 0.49, 0.61, 0.62, 0.5, 0.52, 0.48, 0.51, 0.49,
  0.5, 0.52,
];
