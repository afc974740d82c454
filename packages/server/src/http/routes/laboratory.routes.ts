import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  BankCreate,
  BankOut,
  BatchCreate,
  BatchOut,
  BatchRecordOut,
  CellLineCreate,
  CellLineOut,
  ControlMaterialCreate,
  ControlMaterialOut,
  ControlRunCreate,
  DispatchBody,
  Disposition,
  ExcursionAssessment,
  FreezeBody,
  ImportBody,
  ImportOut,
  InvestigationOut,
  InvestigationPatch,
  IssueBody,
  LeveyJenningsOut,
  PasswordBody,
  RecallOut,
  ResultCreate,
  ResultOut,
  SpecificationCreate,
  SpecificationOut,
  StepCreate,
  TrendOut,
  TrendQuery,
  UpstreamOut,
  VialEventBody,
  VialOut,
} from '../../laboratory/contract';
import type { Platform } from '../../platform';
import { contextOf } from '../authenticate';
import { IdParams } from '../schemas';

/** The laboratory end: specifications, batches, QC, investigations, release, the seed cell bank. */
export const laboratoryRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  const tags = ['laboratory'];
  app.get(
    '/api/specifications',
    {
      schema: {
        tags,
        summary: 'Release specifications, every version',
        response: { 200: z.array(SpecificationOut) },
      },
    },
    async (request) => platform.specifications.list(contextOf(request)),
  );
  app.post(
    '/api/specifications',
    {
      schema: {
        tags,
        summary: 'Draft the next version of a product specification (QC manager)',
        body: SpecificationCreate,
        response: { 201: SpecificationOut },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await platform.specifications.create(contextOf(request), request.body)),
  );
  app.post(
    '/api/specifications/:id/approve',
    {
      schema: {
        tags,
        summary: 'Approve a draft with an electronic signature; it becomes the version in force',
        params: IdParams,
        body: PasswordBody,
        response: { 200: SpecificationOut },
      },
    },
    async (request) =>
      platform.specifications.approve(
        contextOf(request),
        request.params.id,
        request.body.password,
        request.ip,
      ),
  );

  app.get(
    '/api/batches',
    { schema: { tags, summary: 'Batches in scope', response: { 200: z.array(BatchOut) } } },
    async (request) => platform.batches.list(contextOf(request)),
  );
  app.post(
    '/api/batches',
    {
      schema: {
        tags,
        summary: 'Receive and start a batch against the specification in force',
        body: BatchCreate,
        response: { 201: BatchOut },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await platform.batches.create(contextOf(request), request.body)),
  );
  app.get(
    '/api/batches/:id',
    {
      schema: {
        tags,
        summary: 'The batch record (also the certificate of analysis data)',
        params: IdParams,
        response: { 200: BatchRecordOut },
      },
    },
    async (request) => platform.batches.record(contextOf(request), request.params.id),
  );
  app.get(
    '/api/batches/:id/certificate.pdf',
    {
      schema: {
        tags,
        summary:
          'The certificate of analysis as a PDF: results against limits, signatures, chain of identity (CJK font read at run time)',
        params: IdParams,
      },
    },
    async (request, reply) => {
      const { pdf, font } = await platform.batches.certificatePdf(contextOf(request), request.params.id);
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `inline; filename="certificate-${request.params.id}.pdf"`)
        .header('x-cgtlink-pdf-font', font)
        .send(pdf);
    },
  );
  app.post(
    '/api/batches/:id/steps',
    {
      schema: {
        tags,
        summary: 'Record a manufacturing step',
        params: IdParams,
        body: StepCreate,
        response: { 201: z.object({ id: z.string() }) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await platform.batches.addStep(contextOf(request), request.params.id, request.body)),
  );
  app.post(
    '/api/batches/:id/results',
    {
      schema: {
        tags,
        summary: 'Enter a QC result; it is judged at once and an OOS opens an investigation',
        params: IdParams,
        body: ResultCreate,
        response: { 201: z.object({ result: ResultOut, investigation: InvestigationOut.nullable() }) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await platform.batches.addResult(contextOf(request), request.params.id, request.body)),
  );
  app.post(
    '/api/batches/:id/import',
    {
      schema: {
        tags,
        summary: 'Preview or commit QC results from an instrument CSV',
        params: IdParams,
        body: ImportBody,
        response: { 200: ImportOut },
      },
    },
    async (request) => platform.batches.importResults(contextOf(request), request.params.id, request.body),
  );
  app.get(
    '/api/instrument-mappings',
    {
      schema: {
        tags,
        summary: 'Saved instrument mappings',
        response: { 200: z.array(z.object({ instrument: z.string(), mapping: z.unknown() })) },
      },
    },
    async (request) => platform.batches.mappings(contextOf(request)),
  );
  app.post(
    '/api/batches/:id/excursion-assessment',
    {
      schema: {
        tags,
        summary: 'Assess the shipment temperature excursion',
        params: IdParams,
        body: ExcursionAssessment,
        response: { 200: BatchOut },
      },
    },
    async (request) =>
      platform.batches.assessExcursion(
        contextOf(request),
        request.params.id,
        request.body.assessment,
        request.body.version,
      ),
  );
  app.post(
    '/api/batches/:id/disposition',
    {
      schema: {
        tags,
        summary: 'Release or reject with the qualified person’s electronic signature',
        params: IdParams,
        body: Disposition,
        response: { 200: BatchRecordOut },
      },
    },
    async (request) =>
      platform.batches.dispose(contextOf(request), request.params.id, request.body, request.ip),
  );
  app.post(
    '/api/batches/:id/dispatch',
    {
      schema: {
        tags,
        summary: 'Dispatch a released allogeneic batch for a patient',
        params: IdParams,
        body: DispatchBody,
        response: { 201: z.object({ id: z.string() }) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await platform.batches.dispatch(
            contextOf(request),
            request.params.id,
            request.body.patientPseudonym,
          ),
        ),
  );
  app.patch(
    '/api/investigations/:id',
    {
      schema: {
        tags,
        summary: 'Record an OOS investigation’s phase, root cause, CAPA, conclusion; close it',
        params: IdParams,
        body: InvestigationPatch,
        response: { 200: InvestigationOut },
      },
    },
    async (request) =>
      platform.batches.updateInvestigation(contextOf(request), request.params.id, request.body),
  );

  app.get(
    '/api/cell-lines',
    {
      schema: { tags, summary: 'Cell lines of the seed cell bank', response: { 200: z.array(CellLineOut) } },
    },
    async (request) => platform.cellBank.lines(contextOf(request)),
  );
  app.post(
    '/api/cell-lines',
    {
      schema: { tags, summary: 'Register a cell line', body: CellLineCreate, response: { 201: CellLineOut } },
    },
    async (request, reply) =>
      reply.code(201).send(await platform.cellBank.createLine(contextOf(request), request.body)),
  );
  app.get(
    '/api/cell-banks',
    {
      schema: {
        tags,
        summary: 'Master and working banks with vial counts',
        response: { 200: z.array(BankOut) },
      },
    },
    async (request) => platform.cellBank.banks(contextOf(request)),
  );
  app.post(
    '/api/cell-banks',
    {
      schema: { tags, summary: 'Freeze a bank with its vials', body: BankCreate, response: { 201: BankOut } },
    },
    async (request, reply) =>
      reply.code(201).send(await platform.cellBank.createBank(contextOf(request), request.body)),
  );
  app.post(
    '/api/cell-banks/:id/issue',
    {
      schema: {
        tags,
        summary: 'Issue vials of a working bank to a batch (never below zero)',
        params: IdParams,
        body: IssueBody,
        response: { 200: z.array(VialOut) },
      },
    },
    async (request) => platform.cellBank.issue(contextOf(request), request.params.id, request.body),
  );
  app.get(
    '/api/vials',
    {
      schema: {
        tags,
        summary: 'Vials of a bank or of one box',
        querystring: z.object({
          bankId: z.uuid().optional(),
          tank: z.string().max(40).optional(),
          rack: z.string().max(40).optional(),
          box: z.string().max(40).optional(),
        }),
        response: { 200: z.array(VialOut) },
      },
    },
    async (request) => platform.cellBank.vials(contextOf(request), request.query),
  );
  app.post(
    '/api/vials/:id/events',
    {
      schema: {
        tags,
        summary: 'Thaw, discard or issue (to a batch of its working bank) one stored vial',
        params: IdParams,
        body: VialEventBody,
        response: { 200: VialOut },
      },
    },
    async (request) => platform.cellBank.vialEvent(contextOf(request), request.params.id, request.body),
  );
  app.post(
    '/api/cell-banks/:id/vials',
    {
      schema: {
        tags,
        summary: 'Freeze more vials of a lot into empty box positions',
        params: IdParams,
        body: FreezeBody,
        response: { 201: z.array(VialOut) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await platform.cellBank.freeze(contextOf(request), request.params.id, request.body)),
  );
  app.get(
    '/api/traceability/recall',
    {
      schema: {
        tags,
        summary: 'Recall list: a vial or bank → batches → patients',
        querystring: z.object({ bankId: z.uuid().optional(), vialId: z.uuid().optional() }),
        response: { 200: RecallOut },
      },
    },
    async (request) => platform.cellBank.recall(contextOf(request), request.query),
  );
  app.get(
    '/api/traceability/patients/:id',
    {
      schema: {
        tags,
        summary: 'Upstream of a patient: batches, banks, lots and vials',
        params: IdParams,
        response: { 200: UpstreamOut },
      },
    },
    async (request) => platform.cellBank.upstream(contextOf(request), request.params.id),
  );

  app.get(
    '/api/control-materials',
    { schema: { tags, summary: 'Assay control materials', response: { 200: z.array(ControlMaterialOut) } } },
    async (request) => platform.charts.materials(contextOf(request)),
  );
  app.post(
    '/api/control-materials',
    {
      schema: {
        tags,
        summary: 'Register a control material with its target mean and SD',
        body: ControlMaterialCreate,
        response: { 201: ControlMaterialOut },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await platform.charts.createMaterial(contextOf(request), request.body)),
  );
  app.get(
    '/api/control-materials/:id/levey-jennings',
    {
      schema: {
        tags,
        summary: 'Levey–Jennings chart with Westgard rule violations',
        params: IdParams,
        response: { 200: LeveyJenningsOut },
      },
    },
    async (request) => platform.charts.leveyJennings(contextOf(request), request.params.id),
  );
  app.post(
    '/api/control-materials/:id/runs',
    {
      schema: {
        tags,
        summary: 'Enter a control run; answers the updated chart',
        params: IdParams,
        body: ControlRunCreate,
        response: { 200: LeveyJenningsOut },
      },
    },
    async (request) =>
      platform.charts.addRun(contextOf(request), request.params.id, request.body.value, request.body.runAt),
  );
  app.get(
    '/api/trends',
    {
      schema: {
        tags,
        summary: 'A release parameter (analyte or dosePerKg) across a product’s batches, with its limits',
        querystring: TrendQuery,
        response: { 200: TrendOut },
      },
    },
    async (request) =>
      platform.charts.trend(contextOf(request), request.query.productCode, request.query.parameter),
  );
};
