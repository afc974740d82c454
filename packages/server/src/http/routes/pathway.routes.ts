import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../platform';
import { contextOf } from '../authenticate';
import {
  BedsideBody,
  ClinicalHistoryOut,
  ConsentCreate,
  ConsentDocumentCreate,
  ConsentDocumentOut,
  ConsentOut,
  ConsentWithdraw,
  CorrectionBody,
  CustodyBody,
  DeviationAssessBody,
  EligibilityBody,
  EligibilityOut,
  EnrolBody,
  EnrolmentOut,
  FilingCreate,
  FilingDecisionBody,
  FilingDetailOut,
  FilingOut,
  GenotypeBody,
  HistoryLineOut,
  NotificationOut,
  NotificationQuery,
  ReleaseBody,
  StepBody,
  TemperatureBody,
  TherapyDetailOut,
  TherapyQuery,
  TherapySummaryOut,
  TransfusionsBody,
  WeightsBody,
} from '../pathway.schemas';
import { IdParams } from '../schemas';

/** Filings, consent, eligibility, enrolment, the pathway, chain of custody and the bedside check (issue 6). */
export const pathwayRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  const tags = ['filings'];
  app.get(
    '/api/filings',
    { schema: { tags, summary: 'Filings in scope', response: { 200: z.array(FilingOut) } } },
    async (r) => platform.filings.list(contextOf(r)),
  );
  app.get(
    '/api/filings/:id',
    {
      schema: {
        tags,
        summary: 'A filing with its decision history and consent documents',
        params: IdParams,
        response: { 200: FilingDetailOut },
      },
    },
    async (r) => platform.filings.get(contextOf(r), r.params.id),
  );
  app.post(
    '/api/filings',
    {
      schema: {
        tags,
        summary: 'File a clinical application (hospital; signed)',
        body: FilingCreate,
        response: { 201: FilingDetailOut },
      },
    },
    async (r, reply) => reply.code(201).send(await platform.filings.create(contextOf(r), r.body, r.ip)),
  );
  app.post(
    '/api/filings/:id/decisions',
    {
      schema: {
        tags,
        summary:
          'Review decision (regulator: approve, return, suspend, reinstate, close) or resubmission (hospital); signed',
        params: IdParams,
        body: FilingDecisionBody,
        response: { 200: FilingDetailOut },
      },
    },
    async (r) => platform.filings.decide(contextOf(r), r.params.id, r.body, r.ip),
  );
  app.post(
    '/api/filings/:id/consent-documents',
    {
      schema: {
        tags,
        summary: 'New version of the consent document',
        params: IdParams,
        body: ConsentDocumentCreate,
        response: { 201: ConsentDocumentOut },
      },
    },
    async (r, reply) =>
      reply.code(201).send(await platform.filings.addConsentDocument(contextOf(r), r.params.id, r.body)),
  );

  const ptags = ['enrolment'];
  app.get(
    '/api/patients/:id/consents',
    {
      schema: {
        tags: ptags,
        summary: "A patient's consents",
        params: IdParams,
        response: { 200: z.array(ConsentOut) },
      },
    },
    async (r) => platform.enrolment.consents(contextOf(r), r.params.id),
  );
  app.post(
    '/api/patients/:id/consents',
    {
      schema: {
        tags: ptags,
        summary: 'Record signed consent (hospital; signed)',
        params: IdParams,
        body: ConsentCreate,
        response: { 201: ConsentOut },
      },
    },
    async (r, reply) =>
      reply.code(201).send(await platform.enrolment.recordConsent(contextOf(r), r.params.id, r.body, r.ip)),
  );
  app.post(
    '/api/consents/:id/withdrawal',
    {
      schema: {
        tags: ptags,
        summary: 'Record withdrawal of consent',
        params: IdParams,
        body: ConsentWithdraw,
        response: { 200: ConsentOut },
      },
    },
    async (r) => platform.enrolment.withdrawConsent(contextOf(r), r.params.id, r.body),
  );
  app.post(
    '/api/patients/:id/eligibility',
    {
      schema: {
        tags: ptags,
        summary: "Evaluate the filing's criteria",
        params: IdParams,
        body: EligibilityBody,
        response: { 201: EligibilityOut },
      },
    },
    async (r, reply) =>
      reply.code(201).send(await platform.enrolment.assessEligibility(contextOf(r), r.params.id, r.body)),
  );
  app.post(
    '/api/patients/:id/enrolment',
    {
      schema: {
        tags: ptags,
        summary: 'Enrol into an approved filing (signed)',
        params: IdParams,
        body: EnrolBody,
        response: { 201: EnrolmentOut },
      },
    },
    async (r, reply) =>
      reply.code(201).send(await platform.enrolment.enrol(contextOf(r), r.params.id, r.body, r.ip)),
  );

  app.get(
    '/api/patients/:id/history',
    {
      schema: {
        tags: ptags,
        summary: 'Genotype, weights and transfusions (audited read)',
        params: IdParams,
        response: { 200: ClinicalHistoryOut },
      },
    },
    async (r) => platform.clinicalHistory.get(contextOf(r), r.params.id),
  );
  app.post(
    '/api/patients/:id/genotype',
    {
      schema: {
        tags: ptags,
        summary: 'Record the HBB genotype with its variants',
        params: IdParams,
        body: GenotypeBody,
        response: { 201: ClinicalHistoryOut },
      },
    },
    async (r, reply) =>
      reply.code(201).send(await platform.clinicalHistory.recordGenotype(contextOf(r), r.params.id, r.body)),
  );
  app.post(
    '/api/patients/:id/weights',
    {
      schema: {
        tags: ptags,
        summary: 'Record body weights',
        params: IdParams,
        body: WeightsBody,
        response: { 201: ClinicalHistoryOut },
      },
    },
    async (r, reply) =>
      reply
        .code(201)
        .send(await platform.clinicalHistory.recordWeights(contextOf(r), r.params.id, r.body.weights)),
  );
  app.post(
    '/api/patients/:id/transfusions',
    {
      schema: {
        tags: ptags,
        summary: 'Record red-cell transfusions',
        params: IdParams,
        body: TransfusionsBody,
        response: { 201: ClinicalHistoryOut },
      },
    },
    async (r, reply) =>
      reply
        .code(201)
        .send(
          await platform.clinicalHistory.recordTransfusions(contextOf(r), r.params.id, r.body.transfusions),
        ),
  );

  const ttags = ['pathway'];
  app.get(
    '/api/therapies',
    {
      schema: {
        tags: ttags,
        summary: 'Therapies in scope',
        querystring: TherapyQuery,
        response: { 200: z.array(TherapySummaryOut) },
      },
    },
    async (r) => platform.pathway.list(contextOf(r), r.query),
  );
  app.get(
    '/api/therapies/:id',
    {
      schema: {
        tags: ttags,
        summary: 'Pathway timeline, chain of identity and custody',
        params: IdParams,
        response: { 200: TherapyDetailOut },
      },
    },
    async (r) => platform.pathway.get(contextOf(r), r.params.id),
  );
  app.post(
    '/api/therapies/:id/steps',
    {
      schema: {
        tags: ttags,
        summary: 'Record the next step (optimistic version check)',
        params: IdParams,
        body: StepBody,
        response: { 201: TherapyDetailOut },
      },
    },
    async (r, reply) =>
      reply.code(201).send(await platform.pathway.recordStep(contextOf(r), r.params.id, r.body)),
  );
  app.get(
    '/api/therapies/:id/history',
    {
      schema: {
        tags: ttags,
        summary:
          'Who changed this therapy and the records on it (donor, lot, collections, products, deviations), when, from what to what',
        params: IdParams,
        response: { 200: z.array(HistoryLineOut) },
      },
    },
    async (r) => platform.pathway.history(contextOf(r), r.params.id),
  );
  app.get(
    '/api/therapies/:id/attachments/:sha256',
    {
      schema: {
        tags: ttags,
        summary: 'A file attached to a pathway entry (audited read)',
        params: z.object({ id: z.uuid(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
        response: {
          200: z.object({
            name: z.string(),
            bytes: z.number().int(),
            sha256: z.string(),
            contentBase64: z.string(),
          }),
        },
      },
    },
    async (r) => platform.pathway.attachment(contextOf(r), r.params.id, r.params.sha256),
  );
  app.post(
    '/api/therapies/:id/corrections',
    {
      schema: {
        tags: ttags,
        summary: 'Correct an entry (a new entry referencing it)',
        params: IdParams,
        body: CorrectionBody,
        response: { 201: TherapyDetailOut },
      },
    },
    async (r, reply) =>
      reply.code(201).send(await platform.pathway.correct(contextOf(r), r.params.id, r.body)),
  );
  app.post(
    '/api/therapies/:id/release',
    {
      schema: {
        tags: ttags,
        summary: 'Release the product (qualified person; signed)',
        params: IdParams,
        body: ReleaseBody,
        response: { 201: TherapyDetailOut },
      },
    },
    async (r, reply) =>
      reply.code(201).send(await platform.pathway.release(contextOf(r), r.params.id, r.body, r.ip)),
  );
  app.post(
    '/api/therapies/:id/custody',
    {
      schema: {
        tags: ttags,
        summary: 'Scan a custody hand-off out or in',
        params: IdParams,
        body: CustodyBody,
        response: { 201: TherapyDetailOut },
      },
    },
    async (r, reply) =>
      reply.code(201).send(await platform.pathway.scanCustody(contextOf(r), r.params.id, r.body)),
  );
  app.post(
    '/api/therapies/:id/temperature-logs',
    {
      schema: {
        tags: ttags,
        summary: 'Upload shipment temperature logger data (CSV)',
        params: IdParams,
        body: TemperatureBody,
        response: { 201: TherapyDetailOut },
      },
    },
    async (r, reply) =>
      reply.code(201).send(await platform.pathway.uploadTemperatureLog(contextOf(r), r.params.id, r.body)),
  );
  app.post(
    '/api/therapies/:id/bedside-verification',
    {
      schema: {
        tags: ttags,
        summary: 'Bedside identity check and infusion (two staff; signed)',
        params: IdParams,
        body: BedsideBody,
        response: { 201: TherapyDetailOut },
      },
    },
    async (r, reply) =>
      reply.code(201).send(await platform.pathway.verifyBedside(contextOf(r), r.params.id, r.body, r.ip)),
  );
  app.post(
    '/api/deviations/:id/assessment',
    {
      schema: {
        tags: ttags,
        summary: 'Assess a deviation (signed)',
        params: IdParams,
        body: DeviationAssessBody,
        response: { 200: TherapyDetailOut },
      },
    },
    async (r) => platform.pathway.assessDeviation(contextOf(r), r.params.id, r.body, r.ip),
  );
  app.get(
    '/api/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: "Notifications to the caller's organization",
        querystring: NotificationQuery,
        response: { 200: z.array(NotificationOut) },
      },
    },
    async (r) => platform.pathway.notifications(contextOf(r), { unread: r.query.unread === 'true' }),
  );
  app.post(
    '/api/notifications/:id/read',
    {
      schema: {
        tags: ['notifications'],
        summary: "Mark one of the organization's notifications read",
        params: IdParams,
        response: { 200: NotificationOut },
      },
    },
    async (r) => platform.pathway.markNotificationRead(contextOf(r), r.params.id),
  );
};
