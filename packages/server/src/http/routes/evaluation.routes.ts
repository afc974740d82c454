import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { METRICS } from '../../evaluation/evaluate';
import {
  comparisonSchema,
  evaluationFilterFields,
  evaluationFiltersSchema,
  periodInOrder,
  periodMessage,
} from '../../evaluation/filters';
import { renderReportHtml } from '../../evaluation/report-html';
import { renderReportPdf } from '../../evaluation/report-pdf';
import type { Platform } from '../../platform';
import { contextOf } from '../authenticate';
import { IdParams } from '../schemas';

const Section = z.record(z.string(), z.unknown());
const EvaluationOut = z.object({
  cutoff: z.object({ at: z.string(), date: z.string() }),
  filters: z.record(z.string(), z.unknown()),
  cohort: Section,
  efficacy: Section,
  safety: Section,
  quality: Section,
  breakdown: Section,
  patientView: z.enum(['identified', 'pseudonymous']),
});
const PatientsQuery = z
  .object({ ...evaluationFilterFields, metric: z.enum(METRICS), term: z.string().min(1).max(200).optional() })
  .strict()
  .refine(periodInOrder, periodMessage)
  .refine((q) => q.metric !== 'ae.term' || q.term, {
    message: 'term is required for ae.term',
    path: ['term'],
  });
const PatientRefOut = z.object({
  pseudonym: z.string(),
  patientId: z.string().nullable(),
  hospitalId: z.string(),
  infusion: z.string(),
});
const FilingOut = z.object({
  id: z.string(),
  reference: z.string(),
  technology: z.string(),
  indication: z.string(),
  productName: z.string(),
  status: z.string(),
  patients: z.number(),
});
const ReportSummaryOut = z.object({
  id: z.string(),
  filingId: z.string(),
  version: z.number(),
  title: z.string(),
  cutoff: z.string(),
  status: z.string(),
  snapshotSha256: z.string(),
  createdAt: z.string(),
  createdByName: z.string(),
  signedAt: z.string().nullable(),
});
const ReportOut = ReportSummaryOut.extend({
  snapshot: z.record(z.string(), z.unknown()),
  signatures: z.array(
    z.object({
      meaning: z.string(),
      printedName: z.string(),
      role: z.string(),
      signedAt: z.string(),
      contentHash: z.string(),
    }),
  ),
  intact: z.boolean(),
});
const ReportCreate = z
  .object({
    filingId: z.string().uuid(),
    cutoff: z.string().datetime({ offset: true }).optional(),
    title: z.string().min(1).max(300).optional(),
  })
  .strict();
const ReportSign = z
  .object({ meaning: z.enum(['authored', 'reviewed']), password: z.string().min(1).max(200) })
  .strict();
const ReportQuery = z.object({ filingId: z.string().uuid().optional() }).strict();
const PrintQuery = z
  .object({ lang: z.enum(['zh-CN', 'en']).default('zh-CN'), download: z.enum(['0', '1']).default('0') })
  .strict();
const PdfQuery = z.object({ lang: z.enum(['zh-CN', 'en']).default('zh-CN') }).strict();
const ReproduceOut = z.object({
  matches: z.boolean(),
  storedSha256: z.string(),
  recomputedSha256: z.string(),
  differences: z.array(z.string()),
});

/** The evaluation centre (issue 9): views, the patients behind a figure, comparisons and signed reports. */
export const evaluationRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  const { evaluation } = platform;
  const tags = ['evaluation'];

  app.get(
    '/api/evaluation/filings',
    {
      schema: {
        tags,
        summary: 'Filings the caller may evaluate, with enrolled patients',
        response: { 200: z.array(FilingOut) },
      },
    },
    async (request) => evaluation.filings(contextOf(request)),
  );
  app.get(
    '/api/evaluation',
    {
      schema: {
        tags,
        summary:
          'Efficacy, safety and quality of a cohort (filing, technology, hospital, period, age, sex, genotype)',
        querystring: evaluationFiltersSchema,
        response: { 200: EvaluationOut },
      },
    },
    async (request) => evaluation.evaluate(contextOf(request), request.query),
  );
  app.get(
    '/api/evaluation/patients',
    {
      schema: {
        tags,
        summary: 'The patients behind one figure (pseudonyms; record links for the treating hospital only)',
        querystring: PatientsQuery,
        response: { 200: z.array(PatientRefOut) },
      },
    },
    async (request) => {
      const { metric, term, ...filters } = request.query;
      return evaluation.patients(contextOf(request), filters, metric, term);
    },
  );
  app.post(
    '/api/evaluation/compare',
    {
      schema: {
        tags,
        summary:
          'Compare two cohorts, or a cohort with an external control: log-rank, Cox HR, rate difference, forest plot',
        body: comparisonSchema,
        response: { 200: z.record(z.string(), z.unknown()) },
      },
    },
    async (request) =>
      evaluation.compare(contextOf(request), request.body) as unknown as Record<string, unknown>,
  );
  app.get(
    '/api/evaluation/reports',
    {
      schema: {
        tags,
        summary: 'Evaluation reports',
        querystring: ReportQuery,
        response: { 200: z.array(ReportSummaryOut) },
      },
    },
    async (request) => evaluation.reports(contextOf(request), request.query.filingId),
  );
  app.post(
    '/api/evaluation/reports',
    {
      schema: {
        tags,
        summary: 'Compute a new version of a filing’s evaluation report at a data cut-off',
        body: ReportCreate,
        response: { 201: ReportOut },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await evaluation.createReport(contextOf(request), request.body)),
  );
  app.get(
    '/api/evaluation/reports/:id',
    {
      schema: {
        tags,
        summary: 'One evaluation report with its snapshot and signatures',
        params: IdParams,
        response: { 200: ReportOut },
      },
    },
    async (request) => evaluation.report(contextOf(request), request.params.id),
  );
  app.post(
    '/api/evaluation/reports/:id/sign',
    {
      schema: {
        tags,
        summary: 'Sign a report as evaluator (authored) or reviewer (reviewed); signed reports are immutable',
        params: IdParams,
        body: ReportSign,
        response: { 200: ReportOut },
      },
    },
    async (request) =>
      evaluation.sign(contextOf(request), request.params.id, { ...request.body, ip: request.ip }),
  );
  app.post(
    '/api/evaluation/reports/:id/reproduce',
    {
      schema: {
        tags,
        summary: 'Recompute a report from the records as they stood at its cut-off and compare the hashes',
        params: IdParams,
        response: { 200: ReproduceOut },
      },
    },
    async (request) => evaluation.reproduce(contextOf(request), request.params.id),
  );
  app.get(
    '/api/evaluation/reports/:id/print',
    {
      schema: {
        tags,
        summary:
          'The printable report (HTML with print CSS), in Chinese or English; download=1 as an attachment',
        params: IdParams,
        querystring: PrintQuery,
      },
    },
    async (request, reply) => {
      const report = await evaluation.report(contextOf(request), request.params.id);
      const html = renderReportHtml(report, request.query.lang);
      reply.header('content-type', 'text/html; charset=utf-8');
      if (request.query.download === '1') {
        const name = `evaluation-report-${report.snapshot.filing.reference}-v${report.version}-${request.query.lang}.html`;
        reply.header('content-disposition', `attachment; filename="${name}"`);
      }
      return reply.send(html);
    },
  );
  app.get(
    '/api/evaluation/reports/:id/pdf',
    {
      schema: {
        tags,
        summary:
          'The report as a PDF (attachment) in Chinese or English: charts, tables, methods, cut-off and signatures; drafts watermarked; audited as a print',
        params: IdParams,
        querystring: PdfQuery,
      },
    },
    async (request, reply) => {
      const { lang } = request.query;
      const report = await evaluation.printReport(
        contextOf(request),
        request.params.id,
        `evaluation report (PDF, ${lang})`,
      );
      const { pdf, font } = await renderReportPdf(report, lang, { generatedAt: new Date() });
      // The filing reference is typed by people; nothing of it may break out of the quoted header value.
      const reference = report.snapshot.filing.reference.replace(/[^A-Za-z0-9._-]/g, '_');
      const name = `evaluation-report-${reference}-v${report.version}-${lang}.pdf`;
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('x-cgtlink-pdf-font', font)
        .send(pdf);
    },
  );
};
