import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../platform';
import { contextOf } from '../authenticate';
import {
  AdverseEventCreate,
  AdverseEventFollowUpBody,
  AdverseEventOut,
  AdverseEventQuery,
  AlertAcknowledge,
  AlertClose,
  AlertOut,
  AlertQuery,
  EnrolmentCreate,
  EnrolmentOut,
  ExpectedRateBody,
  ExpectedRateOut,
  ExpeditedSubmission,
  FollowupOut,
  GradeProposalOut,
  ImportOut,
  KoosCreate,
  KoosOut,
  MonitoringBody,
  MonitoringOut,
  ObservationBatch,
  ObservationCreate,
  ObservationImport,
  ObservationOut,
  ObservationPatch,
  OverdueVisitOut,
  PatientIdParams,
  Retraction,
  SymptomQuery,
  SymptomReportCreate,
  SymptomReportOut,
  TransfusionCreate,
  TransfusionOut,
  VersionBody,
  VisitAttend,
  VisitOut,
} from '../followup.schemas';
import { IdParams } from '../schemas';

/** Follow-up, adverse events, the patient's symptom reports and the alert inbox (issue 8). */
export const followupRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  const { followup, symptoms, alerts } = platform;
  const tags = ['follow-up'];

  app.post(
    '/api/patients/:patientId/followup/enrolment',
    {
      schema: {
        tags,
        summary: 'Enrol a patient in follow-up (infusion day 0, protocol; plans the visits)',
        params: PatientIdParams,
        body: EnrolmentCreate,
        response: { 201: EnrolmentOut },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await followup.enrol(contextOf(request), request.params.patientId, request.body)),
  );
  app.get(
    '/api/patients/:patientId/followup',
    {
      schema: {
        tags,
        summary: 'A patient’s follow-up: raw records, visits, adverse events and end points computed now',
        params: PatientIdParams,
        response: { 200: FollowupOut },
      },
    },
    async (request) => followup.summary(contextOf(request), request.params.patientId),
  );
  app.post(
    '/api/patients/:patientId/observations',
    {
      schema: {
        tags,
        summary: 'Record a laboratory result (unit checked and converted; LOINC attached)',
        params: PatientIdParams,
        body: ObservationCreate,
        response: { 201: ObservationOut },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await followup.addObservation(contextOf(request), request.params.patientId, request.body, 'api'),
        ),
  );
  app.patch(
    '/api/observations/:id',
    {
      schema: {
        tags,
        summary: 'Correct a laboratory result, with a reason (end points recompute)',
        params: IdParams,
        body: ObservationPatch,
        response: { 200: ObservationOut },
      },
    },
    async (request) => followup.correctObservation(contextOf(request), request.params.id, request.body),
  );
  app.get(
    '/api/observations/:id/grade-proposal',
    {
      schema: {
        tags,
        summary: 'The automatic CTCAE v5.0 grade proposed from a laboratory result',
        params: IdParams,
        response: { 200: GradeProposalOut },
      },
    },
    async (request) => followup.proposeGrade(contextOf(request), request.params.id),
  );
  app.post(
    '/api/patients/:patientId/followup/transfusions',
    {
      schema: {
        tags,
        summary: 'Record a transfusion',
        params: PatientIdParams,
        body: TransfusionCreate,
        response: { 201: TransfusionOut },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await followup.addTransfusion(contextOf(request), request.params.patientId, request.body, 'api'),
        ),
  );
  app.post(
    '/api/transfusions/:id/retract',
    {
      schema: {
        tags,
        summary: 'Mark a transfusion entered in error, with a reason',
        params: IdParams,
        body: Retraction,
        response: { 200: TransfusionOut },
      },
    },
    async (request) => followup.retractTransfusion(contextOf(request), request.params.id, request.body),
  );
  app.post(
    '/api/patients/:patientId/adverse-events',
    {
      schema: {
        tags: ['safety'],
        summary:
          'Report an adverse event (CTCAE grade, seriousness, causality, expectedness; expedited clock)',
        params: PatientIdParams,
        body: AdverseEventCreate,
        response: { 201: AdverseEventOut },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await followup.reportAdverseEvent(contextOf(request), request.params.patientId, request.body)),
  );
  app.get(
    '/api/adverse-events',
    {
      schema: {
        tags: ['safety'],
        summary:
          'Adverse events in scope (regulator: all, de-identified); expedited=true for expedited reports',
        querystring: AdverseEventQuery,
        response: { 200: z.array(AdverseEventOut) },
      },
    },
    async (request) =>
      followup.listAdverseEvents(contextOf(request), { expeditedOnly: request.query.expedited === 'true' }),
  );
  app.post(
    '/api/adverse-events/:id/follow-ups',
    {
      schema: {
        tags: ['safety'],
        summary: 'A follow-up report of an adverse event',
        params: IdParams,
        body: AdverseEventFollowUpBody,
        response: { 200: AdverseEventOut },
      },
    },
    async (request) => followup.followUpAdverseEvent(contextOf(request), request.params.id, request.body),
  );
  app.post(
    '/api/adverse-events/:id/expedited-submission',
    {
      schema: {
        tags: ['safety'],
        summary: 'Record the submission of the expedited report',
        params: IdParams,
        body: ExpeditedSubmission,
        response: { 200: AdverseEventOut },
      },
    },
    async (request) => followup.submitExpedited(contextOf(request), request.params.id, request.body),
  );
  app.post(
    '/api/symptom-reports',
    {
      schema: {
        tags: ['patient end'],
        summary: 'Report symptoms (PRO-CTCAE items) — patient or guardian, for their own record',
        body: SymptomReportCreate,
        response: { 201: SymptomReportOut },
      },
    },
    async (request, reply) => reply.code(201).send(await symptoms.report(contextOf(request), request.body)),
  );
  app.get(
    '/api/symptom-reports',
    {
      schema: {
        tags: ['patient end'],
        summary: 'Symptom reports: the patient’s own, or the hospital’s inbox',
        querystring: SymptomQuery,
        response: { 200: z.array(SymptomReportOut) },
      },
    },
    async (request) => symptoms.list(contextOf(request), request.query),
  );
  app.get(
    '/api/alerts',
    {
      schema: {
        tags: ['safety'],
        summary: 'Alert inbox (hospital: its patients’ early warnings; regulator: all)',
        querystring: AlertQuery,
        response: { 200: z.array(AlertOut) },
      },
    },
    async (request) => alerts.list(contextOf(request), request.query),
  );
  app.post(
    '/api/alerts/:id/acknowledge',
    {
      schema: {
        tags: ['safety'],
        summary: 'Acknowledge (and assign) an alert',
        params: IdParams,
        body: AlertAcknowledge,
        response: { 200: AlertOut },
      },
    },
    async (request) => alerts.acknowledge(contextOf(request), request.params.id, request.body),
  );
  app.post(
    '/api/alerts/:id/close',
    {
      schema: {
        tags: ['safety'],
        summary: 'Close an alert with a note',
        params: IdParams,
        body: AlertClose,
        response: { 200: AlertOut },
      },
    },
    async (request) => alerts.close(contextOf(request), request.params.id, request.body),
  );
  app.get(
    '/api/safety/monitoring',
    {
      schema: {
        tags: ['safety'],
        summary:
          'Latest registry monitoring result (regulator), computed in the background after writes and daily; raises nothing',
        response: { 200: MonitoringOut },
      },
    },
    async (request) => platform.safetyMonitor.latest(contextOf(request)),
  );
  app.post(
    '/api/safety/monitoring',
    {
      schema: {
        tags: ['safety'],
        summary:
          'Run the registry monitoring now (regulator): disproportionality signals, CUSUM and MaxSPRT per product; raises registry alerts once per signal and stores the result',
        body: MonitoringBody,
        response: { 200: MonitoringOut },
      },
    },
    async (request) => platform.safetyMonitor.run(contextOf(request), request.body),
  );
  app.get(
    '/api/followup/overdue-visits',
    {
      schema: {
        tags,
        summary:
          'Visits past their window (hospital: own patients; regulator: all, de-identified), lost to follow-up flagged',
        response: { 200: z.array(OverdueVisitOut) },
      },
    },
    async (request) => followup.overdueVisits(contextOf(request)),
  );
  app.post(
    '/api/followup/visits/:id/attended',
    {
      schema: {
        tags,
        summary: 'Record that a planned visit took place',
        params: IdParams,
        body: VisitAttend,
        response: { 200: VisitOut },
      },
    },
    async (request) => followup.attendVisit(contextOf(request), request.params.id, request.body),
  );
  app.post(
    '/api/patients/:patientId/observations/import',
    {
      schema: {
        tags,
        summary:
          'Import observations from CSV (code,value,unit,observedOn[,lln,uln,limitUnit,method]): laboratory results, vitals, imaging and scores; all or nothing',
        params: PatientIdParams,
        body: ObservationImport,
        response: { 201: ImportOut },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await followup.importObservationsCsv(
            contextOf(request),
            request.params.patientId,
            request.body.csv,
          ),
        ),
  );
  app.post(
    '/api/transfusion-diary',
    {
      schema: {
        tags: ['patient end'],
        summary:
          'A transfusion-diary entry by the patient or guardian (counted once the hospital confirms it)',
        body: TransfusionCreate,
        response: { 201: TransfusionOut },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await followup.reportTransfusion(contextOf(request), request.body)),
  );
  app.post(
    '/api/transfusions/:id/confirm',
    {
      schema: {
        tags,
        summary: 'Confirm a patient-reported transfusion',
        params: IdParams,
        body: VersionBody,
        response: { 200: TransfusionOut },
      },
    },
    async (request) => followup.confirmTransfusion(contextOf(request), request.params.id, request.body),
  );
  // ---- measures (0013): vitals, imaging and scores in sets; KOOS questionnaires; expected serious-event rate ----
  app.post(
    '/api/patients/:patientId/observations/batch',
    {
      schema: {
        tags,
        summary:
          'Record several observations at once (a set of vital signs; bilirubin, creatinine and INR for MELD); all or nothing',
        params: PatientIdParams,
        body: ObservationBatch,
        response: { 201: z.array(ObservationOut) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await followup.addObservations(
            contextOf(request),
            request.params.patientId,
            request.body.observations,
            'api',
          ),
        ),
  );
  app.post(
    '/api/patients/:patientId/koos',
    {
      schema: {
        tags,
        summary: 'Enter a KOOS questionnaire answered on paper (42 items scored 0–4; subscales computed)',
        params: PatientIdParams,
        body: KoosCreate,
        response: { 201: KoosOut },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await platform.koos.record(contextOf(request), request.params.patientId, request.body)),
  );
  app.get(
    '/api/patients/:patientId/koos',
    {
      schema: {
        tags,
        summary: 'A patient’s KOOS questionnaires with their subscale scores, newest first',
        params: PatientIdParams,
        response: { 200: z.array(KoosOut) },
      },
    },
    async (request) => platform.koos.list(contextOf(request), request.params.patientId),
  );
  app.post(
    '/api/koos-responses',
    {
      schema: {
        tags: ['patient end'],
        summary: 'The patient’s own KOOS questionnaire (knee osteoarthritis); reaches the hospital’s view',
        body: KoosCreate,
        response: { 201: KoosOut },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await platform.koos.report(contextOf(request), request.body)),
  );
  app.put(
    '/api/filings/:id/expected-serious-rate',
    {
      schema: {
        tags: ['safety'],
        summary:
          'The serious-event rate per patient-year the filing expects; registry monitoring compares the product with it',
        params: IdParams,
        body: ExpectedRateBody,
        response: { 200: ExpectedRateOut },
      },
    },
    async (request) =>
      platform.safetyMonitor.setExpectedRate(contextOf(request), request.params.id, request.body),
  );
};
