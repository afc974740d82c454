import { describe, expect, it } from 'vitest';
import { renderCertificatePdf } from '../src/laboratory/certificate-pdf';
import type { BatchRecord } from '../src/laboratory/contract';
import { CJK_FONT_CANDIDATES, findCjkFont } from '../src/pdf/document';
import { pdfText } from './support/pdf-text';

// A rejected allogeneic batch with an OOS, its closed investigation and an invalidated signature.
const RECORD = {
  batch: {
    id: 'b1',
    laboratoryId: 'l1',
    reference: 'MSC-2026-077',
    kind: 'allogeneic',
    productCode: 'MSC-UC',
    specificationId: 's1',
    specificationVersion: 3,
    patientPseudonym: null,
    hospitalId: null,
    chainOfIdentity: null,
    din: null,
    dinVerifiedAt: null,
    patientWeightKg: null,
    workingBankId: 'WCB-UC07-2026A',
    therapyId: null,
    excursion: 'none',
    excursionAssessment: null,
    status: 'rejected',
    dispositionReason: '内毒素超标 Endotoxin OOS confirmed',
    disposedAt: '2026-11-20T08:00:00.000Z',
    startedAt: '2026-11-01T08:00:00.000Z',
    version: 4,
  },
  specification: {
    id: 's1',
    laboratoryId: 'l1',
    productCode: 'MSC-UC',
    productName: '人脐带间充质干细胞注射液',
    version: 3,
    tests: [
      {
        kind: 'quantitative',
        analyte: 'Endotoxin',
        method: 'LAL',
        unit: 'EU/kg',
        comparator: '<=',
        limit: 5,
      },
    ],
    status: 'approved',
    approvalSignatureId: 'x',
    approvedAt: '2026-10-01T00:00:00.000Z',
    createdAt: '2026-10-01T00:00:00.000Z',
  },
  steps: [],
  results: [
    {
      id: 'r1',
      analyte: 'Endotoxin',
      value: 7.2,
      unit: 'EU/kg',
      outcome: 'fail',
      criterion: '≤ 5 EU/kg',
      source: 'manual',
      instrument: null,
      current: true,
      enteredBy: 'x',
      enteredAt: '2026-11-10T00:00:00.000Z',
    },
  ],
  investigations: [
    {
      id: 'i1',
      batchId: 'b1',
      resultId: 'r1',
      analyte: 'Endotoxin',
      phase: 'phase_2',
      rootCause: 'Confirmed on re-assay',
      capa: 'Supplier audit',
      conclusion: 'confirmed_oos',
      status: 'closed',
      openedAt: '2026-11-10T00:00:00.000Z',
      closedAt: '2026-11-12T00:00:00.000Z',
      version: 3,
    },
  ],
  evaluation: {
    status: 'fail',
    outcomes: [{ analyte: 'Endotoxin', status: 'fail', criterion: '≤ 5 EU/kg', reason: '7.2 > 5' }],
    missing: [],
    outOfSpecification: ['Endotoxin'],
  },
  inbound: null,
  releaseBlockers: [],
  contentHash: 'f'.repeat(64),
  signatures: [
    {
      id: 'sig1',
      meaning: 'reviewed',
      printedName: '唐振华 Tang Zhenhua',
      role: 'qualified_person',
      signedAt: '2026-11-20T08:00:00.000Z',
      contentHash: 'e'.repeat(64),
      valid: false,
    },
  ],
} satisfies BatchRecord;
const CONTEXT = {
  laboratoryName: '大湾区干细胞库 GBA seed cell bank',
  generatedAt: new Date('2026-11-21T00:00:00Z'),
};

describe('certificate of analysis PDF', () => {
  it('embeds a CJK font when one is installed and keeps the Chinese text extractable', async () => {
    const font = findCjkFont({});
    expect(font, `install one of ${CJK_FONT_CANDIDATES.map((c) => c.path).join(', ')}`).not.toBeNull();
    const { pdf, font: used } = await renderCertificatePdf(RECORD, CONTEXT, font);
    expect(used).toBe('cjk');
    const text = (await pdfText(pdf)).pages.join(' ');
    expect(text).toContain('人脐带间充质干细胞注射液 (MSC-UC)');
    expect(text).toContain('已拒绝 Rejected');
    expect(text).toContain('理由 Reason 内毒素超标 Endotoxin OOS confirmed');
    expect(text).toContain('Endotoxin LAL ≤ 5 EU/kg 7.2 EU/kg 不符合 OOS');
    expect(text).toContain('工作细胞库 Working bank WCB-UC07-2026A');
    expect(text).toContain('审核（拒绝放行）Reviewed (rejected) 唐振华 Tang Zhenhua');
    // A signature whose content changed is printed as invalid, never silently as valid.
    expect(text).toContain('无效：记录已更改 INVALID: record changed');
    expect(text).not.toContain('有效 Valid');
  });

  it('falls back to Latin-1 text, saying so, when no CJK font is available', async () => {
    expect(findCjkFont({ CGTLINK_CJK_FONT: '/nonexistent/font.ttf' })).toBeNull();
    const { pdf, font } = await renderCertificatePdf(RECORD, CONTEXT, null);
    expect(font).toBe('fallback');
    const text = (await pdfText(pdf)).pages.join(' ');
    expect(text).toContain('no CJK font is installed on the server');
    // The limits keep their meaning; Chinese characters become "?".
    expect(text).toContain('Endotoxin LAL <= 5 EU/kg 7.2 EU/kg ??? OOS');
    expect(text).toContain('??? Tang Zhenhua');
    expect(text).not.toMatch(/[\u4e00-\u9fff]/);
  });
});
