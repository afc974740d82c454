import {
  type CjkFont,
  findCjkFont,
  NO_CJK_FONT_NOTICE,
  openPdf,
  type PdfCanvas,
  type PdfFontKind,
  tableLayout,
} from '../pdf/document';
import type { Report } from './evaluation.service';
import {
  ci,
  filtersText,
  meaningText,
  methodsOf,
  mscLines,
  pct,
  REPORT_TEXT,
  type ReportLang,
  type ReportText,
  roleText,
  statusText,
  tiFigure,
} from './report-text';
import type { CifSummary, SurvivalSummary } from './statistics';

export interface ReportPdfContext {
  generatedAt: Date;
}

const BLUE = '#1677ff';
const HEADER_FILL = '#eef2f7';
/** Until the reviewer signs, the report is not final, whatever the evaluator has signed. */
const WATERMARK = '草稿 / DRAFT';
const PLOT_HEIGHT = 130;
/** The plot, its axis labels and the at-risk row. */
const CHART_HEIGHT = PLOT_HEIGHT + 52;

/**
 * The Kaplan–Meier step curve with its 95% band, drawn as vector paths, and the numbers at risk beneath it:
 * the PDF twin of `kmSvg`, with the same scales (at least one year wide; at-risk counts yearly).
 */
function kmChart(canvas: PdfCanvas, s: SurvivalSummary, t: ReportText) {
  const { doc, show, left, width } = canvas;
  const plotLeft = left + 36;
  const plotRight = left + width - 10;
  const plotH = PLOT_HEIGHT;
  // The chart and its at-risk row stay on one page.
  if (doc.y + CHART_HEIGHT > canvas.bottom()) doc.addPage();
  const top = doc.y + 6;
  const maxT = Math.max(365, ...s.curve.map((p) => p.t), ...s.atRisk.map((r) => r.t));
  const x = (day: number) => plotLeft + ((plotRight - plotLeft) * day) / maxT;
  const y = (v: number) => top + plotH * (1 - v);

  doc.save();
  doc.fontSize(7).fillColor('#444444');
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    doc.moveTo(plotLeft, y(v)).lineTo(plotRight, y(v)).lineWidth(0.3).strokeColor('#dddddd').stroke();
    doc.text(`${v * 100}%`, left, y(v) - 3, { width: 32, align: 'right', lineBreak: false });
  }
  if (s.curve.length > 0) {
    const upper: [number, number][] = [];
    const lower: [number, number][] = [];
    s.curve.forEach((p, i) => {
      const next = s.curve[i + 1]?.t ?? maxT;
      upper.push([x(p.t), y(p.upper)], [x(next), y(p.upper)]);
      lower.unshift([x(next), y(p.lower)], [x(p.t), y(p.lower)]);
    });
    doc
      .polygon(...upper, ...lower)
      .fillColor(BLUE)
      .fillOpacity(0.15)
      .fill();
    doc.fillOpacity(1);
    const [first, ...rest] = s.curve;
    doc.moveTo(x(first!.t), y(first!.s));
    let level = first!.s;
    for (const p of rest) {
      doc.lineTo(x(p.t), y(level)).lineTo(x(p.t), y(p.s));
      level = p.s;
    }
    doc.lineTo(x(maxT), y(level)).lineWidth(1.2).strokeColor(BLUE).stroke();
  }
  doc
    .moveTo(plotLeft, top)
    .lineTo(plotLeft, top + plotH)
    .lineTo(plotRight, top + plotH)
    .lineWidth(0.5)
    .strokeColor('#333333')
    .stroke();
  doc.fillColor('#444444');
  for (let year = 0; year * 365.25 <= maxT; year++) {
    const at = x(year * 365.25);
    doc
      .moveTo(at, top + plotH)
      .lineTo(at, top + plotH + 3)
      .stroke();
    doc.text(String(year), at - 10, top + plotH + 4, { width: 20, align: 'center', lineBreak: false });
  }
  doc.text(show(t.yearsSinceInfusion), plotLeft, top + plotH + 13, {
    width: plotRight - plotLeft,
    align: 'center',
    lineBreak: false,
  });
  const riskY = top + plotH + 26;
  doc.fillColor('#000000');
  doc.text(show(t.atRisk), left, riskY, { width: 34, lineBreak: false });
  s.atRisk
    .filter((_, i) => i % 2 === 0)
    .forEach((r) => {
      doc.text(String(r.n), x(r.t) - 15, riskY, { width: 30, align: 'center', lineBreak: false });
    });
  doc.restore();
  doc.fontSize(9).fillColor('#000000');
  doc.x = left;
  doc.y = riskY + 18;
}

/**
 * The signed evaluation report as a PDF (issue 9): the same snapshot, words and formats as the printable page
 * (`report-html.ts`, `report-text.ts`), drawn by pdfkit with the CJK font of every server PDF. Every page carries
 * "filing · version · page n/N"; a report the reviewer has not signed is watermarked as a draft.
 *
 * `font: null` forces the Latin-1 fallback (as when no CJK font is installed).
 */
export async function renderReportPdf(
  report: Report,
  lang: ReportLang,
  context: ReportPdfContext,
  font: CjkFont | null = findCjkFont(),
): Promise<{ pdf: Buffer; font: PdfFontKind }> {
  const t = REPORT_TEXT[lang];
  const e = report.snapshot.evaluation;
  const f = report.snapshot.filing;
  const canvas = openPdf(
    {
      bufferPages: true,
      // Room under the body for the footer.
      margins: { top: 48, left: 48, right: 48, bottom: 64 },
      lang,
      info: {
        Title: `${t.title} ${f.reference} v${report.version}`,
        Subject: `${f.productName} — ${f.indication}`,
        Author: report.createdByName,
        Creator: 'CGTLink',
      },
    },
    font,
  );
  const { doc, show, left, width, bottom } = canvas;
  const { heading, row, pairs } = tableLayout(canvas);
  const para = (text: string, size = 9) => {
    doc.fontSize(size).text(show(text), left, doc.y, { width });
    doc.fontSize(9);
  };
  /** `keep`: the height of what follows, which the heading must not be parted from. */
  const subheading = (text: string, keep = 40) => {
    if (doc.y + 25 + keep > bottom()) doc.addPage();
    doc.moveDown(0.4).fontSize(10.5).text(show(text), left, doc.y, { width }).moveDown(0.2);
    doc.fontSize(9);
  };
  const table = (header: string[], fractions: number[], rows: string[][]) => {
    const widths = fractions.map((w) => w * width);
    row(header, widths, { fill: HEADER_FILL, rule: true });
    for (const cells of rows) row(cells, widths, { header, headerFill: HEADER_FILL, rule: true });
    doc.moveDown(0.3);
  };
  const survival = (s: SurvivalSummary) => {
    para(
      `n = ${s.n}, ${t.events} = ${s.events}; ${t.median}: ${s.median === null ? t.notReached : s.median}`,
    );
    table(
      ['', t.estimate, t.ci, t.atRisk],
      [0.2, 0.2, 0.3, 0.2],
      s.landmarks.map((l) => [
        `${l.years} ${t.years}`,
        pct(l.survival),
        ci(l.lower, l.upper),
        String(l.nRisk),
      ]),
    );
  };
  const cif = (c: CifSummary, name: string) => [
    name,
    `${c.events}/${c.n}`,
    String(c.medianDay ?? '—'),
    ...c.landmarks.map((l) => `${pct(l.cif)} (${ci(l.lower, l.upper)})`),
  ];

  doc.fontSize(16).text(show(t.title), left, doc.y, { width, align: 'center' });
  doc.fontSize(11).text(show(`${f.reference} · v${report.version}`), { width, align: 'center' });
  doc.moveDown(0.5);
  if (!font) para(NO_CJK_FONT_NOTICE, 8);
  if (!report.intact) {
    doc.fillColor('#cf1322');
    para(t.notIntact, 10);
    doc.fillColor('#000000');
  }
  doc.fontSize(9);
  pairs([
    [t.filing, `${f.reference} (${f.technology})`],
    [t.product, f.productName],
    [t.indication, f.indication],
    [t.version, `v${report.version}`],
    [t.status, statusText(report.status, t)],
    [t.cutoff, report.cutoff],
    [t.generated, `${report.createdAt} (${report.createdByName})`],
    [t.signedAt, report.signedAt ?? t.unsigned],
    [t.rendered, context.generatedAt.toISOString()],
    [t.hash, report.snapshotSha256],
    [
      t.cohort,
      `${e.cohort.n} ${t.patients}; ${e.cohort.patientYears} ${t.patientYears}; ${t.medianFollowUp}: ${e.cohort.medianFollowUpDays ?? '—'}`,
    ],
    [t.filters, filtersText(e.filters, t)],
  ]);

  heading(t.efficacy);
  const ti = e.efficacy.transfusionIndependence;
  para(`${t.ti}: ${tiFigure(e, t)}`, 10);
  para(
    `${t.tiAchieved} ${ti.achieved}; ${t.tiNotMet} ${ti.notMet}; ${t.tiInProgress} ${ti.inProgress}; ${t.tiNotAssessable} ${ti.notAssessable}. ${t.timeToTi}: ${ti.timeToTi.medianDays ?? '—'}`,
  );
  subheading(t.os, CHART_HEIGHT);
  kmChart(canvas, e.efficacy.overallSurvival, t);
  survival(e.efficacy.overallSurvival);
  subheading(t.efs, CHART_HEIGHT);
  kmChart(canvas, e.efficacy.eventFreeSurvival, t);
  survival(e.efficacy.eventFreeSurvival);
  subheading(t.engraftment);
  const days = e.efficacy.neutrophilEngraftment.landmarks.map((l) => t.day.replace('{d}', String(l.day)));
  const rest = days.length === 0 ? [] : days.map(() => 0.44 / days.length);
  table(
    ['', 'n', t.median, ...days],
    [0.26, 0.12, 0.18, ...rest],
    [cif(e.efficacy.neutrophilEngraftment, t.neutrophil), cif(e.efficacy.plateletEngraftment, t.platelet)],
  );
  for (const m of mscLines(e, t)) {
    subheading(m.heading);
    for (const line of m.lines) para(line);
  }

  heading(t.safety);
  table(
    [t.term, t.grade, t.events, t.perPatient, t.perPy, t.serious, t.unexpected],
    [0.3, 0.08, 0.1, 0.18, 0.12, 0.11, 0.11],
    e.safety.byTerm.map((r) => [
      r.term,
      r.grade === null ? '≥1' : String(r.grade),
      String(r.events),
      `${r.patients} (${pct(r.incidence.estimate)})`,
      String(r.rate.perPatientYear ?? '—'),
      String(r.serious),
      String(r.unexpected),
    ]),
  );
  const { serious, unexpected, deaths } = e.safety;
  para(
    `${t.seriousEvents}: ${serious.events} ${t.events}; ${serious.patients} ${t.patients} (${pct(serious.incidence.estimate)})`,
  );
  para(
    `${t.unexpectedEvents}: ${unexpected.events} ${t.events}; ${unexpected.patients} ${t.patients} (${pct(unexpected.incidence.estimate)})`,
  );
  para(
    `${t.deaths}: ${deaths.n} (${pct(deaths.incidence.estimate)})${deaths.causes.map((c) => `; ${c.cause} ${c.n}`).join('')}`,
  );

  heading(t.quality);
  table(
    [t.lab, t.oos, t.deviations],
    [0.5, 0.3, 0.2],
    e.quality.laboratories.map((l) => [
      l.name,
      `${l.oos}/${l.qcResults} (${pct(l.oosRate.estimate)})`,
      String(l.deviations),
    ]),
  );
  const { custody, followup, completeness } = e.quality;
  para(
    `${t.excursions}: ${custody.withExcursion}/${custody.temperatureLogs} (${pct(custody.excursionRate.estimate)})`,
  );
  para(
    `${t.followup}: ${followup.attended}/${followup.due} (${pct(followup.completeness.estimate)}); ${t.overdue}: ${followup.overdue}`,
  );
  para(
    `${t.completeness}: ${pct(completeness.errorRate)} — ${completeness.meets === null ? '—' : completeness.meets ? t.meets : t.notMeets}`,
  );

  heading(t.methods);
  doc.fontSize(8);
  for (const [figure, method] of methodsOf(e, t)) row([figure, method], [width * 0.28, width * 0.72]);

  heading(t.signatures);
  const signatures: [string, string][] = [
    ['authored', t.evaluator],
    ['reviewed', t.reviewer],
  ];
  const signatureHeader = [t.meaning, t.name, t.role, t.time];
  const signatureWidths = [0.3, 0.25, 0.15, 0.3].map((w) => w * width);
  row(signatureHeader, signatureWidths, { fill: HEADER_FILL, rule: true });
  for (const [meaning, label] of signatures) {
    const s = report.signatures.find((x) => x.meaning === meaning);
    row(
      s
        ? [`${label}: ${meaningText(s.meaning, t)}`, s.printedName, roleText(s.role, t), s.signedAt]
        : [label, t.unsigned, '', ''],
      signatureWidths,
      { header: signatureHeader, headerFill: HEADER_FILL, rule: !s },
    );
    if (s) {
      doc.fontSize(7);
      row([`SHA-256 ${s.contentHash}`], [width], { rule: true });
      doc.fontSize(9);
    }
  }
  doc.moveDown(0.8);
  para(t.printed, 8);

  const draft = report.status !== 'signed';
  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    // Writing in the bottom margin would otherwise make pdfkit start a new page.
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    if (draft) {
      doc.save();
      doc.rotate(-35, { origin: [doc.page.width / 2, doc.page.height / 2] });
      doc
        .fontSize(64)
        .fillColor('#cf1322')
        .fillOpacity(0.12)
        .text(show(WATERMARK), 0, doc.page.height / 2 - 32, {
          width: doc.page.width,
          align: 'center',
          lineBreak: false,
        });
      doc.restore();
    }
    doc
      .fontSize(7)
      .fillColor('#666666')
      .text(
        show(
          `${f.reference} · v${report.version} · ${t.page.replace('{n}', String(i + 1)).replace('{N}', String(range.count))}`,
        ),
        left,
        doc.page.height - 40,
        { width, align: 'center', lineBreak: false },
      );
    doc.page.margins.bottom = margin;
  }
  return { pdf: await canvas.finish(), font: canvas.font };
}
