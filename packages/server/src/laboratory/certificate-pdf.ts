import {
  type CjkFont,
  findCjkFont,
  NO_CJK_FONT_NOTICE,
  openPdf,
  type PdfFontKind,
  tableLayout,
} from '../pdf/document';
import type { BatchRecord } from './contract';

export interface CertificateContext {
  laboratoryName: string;
  generatedAt: Date;
}

const MEANING: Record<string, string> = {
  released: '放行 Released',
  reviewed: '审核（拒绝放行）Reviewed (rejected)',
  approved: '批准 Approved',
};
const STATUS: Record<string, string> = {
  in_process: '生产中 In process',
  released: '已放行 Released',
  rejected: '已拒绝 Rejected',
};
const OUTCOME: Record<string, string> = {
  pass: '符合 Pass',
  fail: '不符合 OOS',
  missing: '缺失 Missing',
};
const CUSTODY: Record<string, string> = {
  collection: '采集 Collection',
  courier_to_lab: '运往实验室 Courier to laboratory',
  laboratory: '实验室 Laboratory',
};

/**
 * The certificate of analysis as a PDF (issue 7): every current result against its limit, the investigations,
 * the inbound temperature assessment, the signatures and the chain of identity — the same data as the printable
 * page, drawn on the server with pdfkit so that it needs no browser at run time. The CJK font and its Latin-1
 * fallback are those of every server PDF (`pdf/document.ts`).
 *
 * `font: null` forces the Latin-1 fallback (as when no CJK font is installed).
 */
export async function renderCertificatePdf(
  record: BatchRecord,
  context: CertificateContext,
  font: CjkFont | null = findCjkFont(),
): Promise<{ pdf: Buffer; font: PdfFontKind }> {
  const canvas = openPdf(
    {
      info: {
        Title: `Certificate of analysis ${record.batch.reference}`,
        Subject: `${record.specification.productName} (${record.batch.productCode})`,
        Creator: 'CGTLink',
      },
    },
    font,
  );
  const { doc, show, left, width } = canvas;
  const { heading, row, pairs } = tableLayout(canvas);
  const { batch } = record;

  doc.fontSize(16).text(show('检验报告书 Certificate of analysis'), left, doc.y, { width, align: 'center' });
  doc.fontSize(10).text(show(context.laboratoryName), { width, align: 'center' }).moveDown(0.5);
  if (!font) doc.fontSize(8).text(NO_CJK_FONT_NOTICE, { width });

  heading('批次 Batch');
  pairs([
    ['批号 Batch', batch.reference],
    ['产品 Product', `${record.specification.productName} (${batch.productCode})`],
    [
      '质量标准 Specification',
      `v${record.specification.version}${record.specification.approvedAt ? `, ${record.specification.approvedAt.slice(0, 10)}` : ''}`,
    ],
    ['状态 Status', STATUS[batch.status] ?? batch.status],
    ['开始 Started', batch.startedAt],
    ...(batch.disposedAt ? [['处置 Disposed', batch.disposedAt] as [string, string]] : []),
    ...(batch.dispositionReason ? [['理由 Reason', batch.dispositionReason] as [string, string]] : []),
  ]);

  heading('身份链 Chain of identity');
  if (batch.kind === 'autologous') {
    pairs([
      ['类型 Kind', '自体 Autologous'],
      ['患者（假名）Patient (pseudonym)', batch.patientPseudonym ?? '—'],
      ['身份链编号 Chain of identity', batch.chainOfIdentity ?? '—'],
      [
        'DIN（ISBT 128）',
        `${batch.din ?? '—'}${batch.dinVerifiedAt ? `  (验证 verified ${batch.dinVerifiedAt})` : ''}`,
      ],
    ]);
    for (const c of record.inbound?.custody ?? []) {
      pairs([
        [
          `${CUSTODY[c.stage] ?? c.stage} ${c.direction === 'in' ? '接收 in' : '交出 out'}`,
          `${c.actorName}, ${c.scannedAt}`,
        ],
      ]);
    }
  } else {
    pairs([
      ['类型 Kind', '异体 Allogeneic'],
      ['工作细胞库 Working bank', batch.workingBankId ?? '—'],
    ]);
  }
  const excursions = record.inbound?.excursions ?? [];
  pairs([
    [
      '运输温度 Shipment temperature',
      excursions.length === 0
        ? batch.excursion === 'none'
          ? '无偏离 No excursion'
          : `${batch.excursion}${batch.excursionAssessment ? `: ${batch.excursionAssessment}` : ''}`
        : excursions
            .map(
              (x) =>
                `max ${x.maxCelsius ?? '—'} °C > ${x.limitCelsius} °C — ${x.status === 'open' ? '未评估 not assessed' : `已评估 assessed: ${x.assessment ?? ''}`}`,
            )
            .join('\n'),
    ],
  ]);

  heading('检验结果 Results against the specification');
  const widths = [0.2, 0.22, 0.2, 0.2, 0.18].map((f) => f * width);
  const header = ['项目 Test', '方法 Method', '标准 Limit', '结果 Result', '结论 Outcome'];
  row(header, widths);
  const current = new Map(record.results.filter((r) => r.current).map((r) => [r.analyte, r]));
  for (const o of record.evaluation.outcomes) {
    const test = record.specification.tests.find((t) => t.analyte === o.analyte);
    const r = current.get(o.analyte);
    row(
      [
        o.analyte,
        test?.method ?? '',
        o.criterion,
        r ? `${r.value}${r.unit ? ` ${r.unit}` : ''}` : '—',
        OUTCOME[o.status] ?? o.status,
      ],
      widths,
      { header },
    );
  }

  if (record.investigations.length > 0) {
    heading('OOS 调查 Investigations');
    for (const i of record.investigations) {
      pairs([
        [
          `${i.analyte} (${i.status === 'open' ? '进行中 open' : '已关闭 closed'})`,
          [i.rootCause, i.capa && `CAPA: ${i.capa}`, i.conclusion].filter(Boolean).join('\n') || '—',
        ],
      ]);
    }
  }

  heading('电子签名 Electronic signatures');
  if (record.signatures.length === 0) doc.text(show('尚无签名 Not yet signed'), left, doc.y, { width });
  for (const s of record.signatures) {
    pairs([
      [
        `${MEANING[s.meaning] ?? s.meaning}`,
        `${s.printedName} (${s.role}), ${s.signedAt}\n${s.valid ? '有效 Valid' : '无效：记录已更改 INVALID: record changed'} · SHA-256 ${s.contentHash}`,
      ],
    ]);
  }

  doc
    .moveDown(1)
    .fontSize(7)
    .text(
      show(
        `记录摘要 Record SHA-256 ${record.contentHash} · 生成 Generated ${context.generatedAt.toISOString()} · CGTLink`,
      ),
      left,
      doc.y,
      { width },
    );
  return { pdf: await canvas.finish(), font: canvas.font };
}
