import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../platform';
import { contextOf } from '../authenticate';
import {
  DonorIdParams,
  DonorOut,
  DonorPatch,
  MatchBody,
  MatchOut,
  PatientIdParams,
  ReferenceStatusOut,
  RelatedDonorCreate,
  SearchBody,
  SearchOut,
  TypingBody,
  TypingCorrection,
  TypingIdParams,
  TypingOut,
  UnrelatedDonorCreate,
  WorkupOut,
  WorkupQuery,
} from '../hla.schemas';

/** HLA typings of patients and donors, donor records, the family work-up and the registry search (issue 5). */
export const hlaRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  const { donors, registry, hlaReference } = platform;
  const tags = ['hla'];

  // The registry index is built from the donor records when the server starts (in the background: the first
  // search waits for it), and a build in progress is let finish before the app closes.
  app.addHook('onReady', async () => {
    registry.warm().catch((error) => app.log.error({ err: error }, 'registry index build failed'));
  });
  app.addHook('onClose', async () => {
    await registry.settled();
  });

  app.get(
    '/api/hla/status',
    {
      schema: {
        tags,
        summary:
          'Whether the IPD-IMGT/HLA reference data is loaded (release, folder) and the registry index size',
        response: { 200: ReferenceStatusOut },
      },
    },
    async (request) => {
      contextOf(request);
      return { ...hlaReference.status(), indexedDonors: registry.indexedDonors };
    },
  );

  app.get(
    '/api/patients/:patientId/hla-typings',
    {
      schema: {
        tags,
        summary: 'A patient’s HLA typings, current first',
        params: PatientIdParams,
        response: { 200: z.array(TypingOut) },
      },
    },
    async (request) => donors.patientTypings(contextOf(request), request.params.patientId),
  );
  app.post(
    '/api/patients/:patientId/hla-typings',
    {
      schema: {
        tags,
        summary:
          'Record a patient’s HLA typing (GL String validated against the loaded release; supersedes the current one)',
        params: PatientIdParams,
        body: TypingBody,
        response: { 201: TypingOut },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await donors.addPatientTyping(contextOf(request), request.params.patientId, request.body)),
  );
  app.put(
    '/api/hla-typings/:typingId',
    {
      schema: {
        tags,
        summary: 'Correct a typing in place (with the reason; old values kept in the audit trail)',
        params: TypingIdParams,
        body: TypingCorrection,
        response: { 200: TypingOut },
      },
    },
    async (request) => donors.correctTyping(contextOf(request), request.params.typingId, request.body),
  );

  app.get(
    '/api/patients/:patientId/donors',
    {
      schema: {
        tags,
        summary: 'The related donors (family members) of a patient, with their current typings',
        params: PatientIdParams,
        response: { 200: z.array(DonorOut) },
      },
    },
    async (request) => donors.listForPatient(contextOf(request), request.params.patientId),
  );
  app.post(
    '/api/patients/:patientId/donors',
    {
      schema: {
        tags,
        summary:
          'Record a related donor of a patient (relationship, sex, birth date, ABO, CMV, DSA; optional typing)',
        params: PatientIdParams,
        body: RelatedDonorCreate,
        response: { 201: DonorOut },
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        await donors.addRelatedDonor(contextOf(request), {
          ...request.body,
          patientId: request.params.patientId,
        }),
      ),
  );
  app.post(
    '/api/registry-donors',
    {
      schema: {
        tags,
        summary:
          'Record an unrelated registry donor (registry and donor id, facts, optional typing); indexed at once',
        body: UnrelatedDonorCreate,
        response: { 201: DonorOut },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await donors.addUnrelatedDonor(contextOf(request), request.body)),
  );
  app.get(
    '/api/donors/:donorId',
    {
      schema: {
        tags,
        summary: 'One donor with its current typing',
        params: DonorIdParams,
        response: { 200: DonorOut },
      },
    },
    async (request) => donors.get(contextOf(request), request.params.donorId),
  );
  app.patch(
    '/api/donors/:donorId',
    {
      schema: {
        tags,
        summary: 'Change a donor’s facts (version-checked)',
        params: DonorIdParams,
        body: DonorPatch,
        response: { 200: DonorOut },
      },
    },
    async (request) => donors.updateDonor(contextOf(request), request.params.donorId, request.body),
  );
  app.post(
    '/api/donors/:donorId/hla-typings',
    {
      schema: {
        tags,
        summary: 'Record a donor’s HLA typing (supersedes the current one)',
        params: DonorIdParams,
        body: TypingBody,
        response: { 201: TypingOut },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await donors.addDonorTyping(contextOf(request), request.params.donorId, request.body)),
  );

  app.get(
    '/api/patients/:patientId/family-workup',
    {
      schema: {
        tags,
        summary:
          'Family work-up: haplotypes where inferable, each relative identical/haploidentical/mismatched, ranking with each criterion',
        params: PatientIdParams,
        querystring: WorkupQuery,
        response: { 200: WorkupOut },
      },
    },
    async (request) => registry.familyWorkup(contextOf(request), request.params.patientId, request.query),
  );
  app.post(
    '/api/hla/registry/search',
    {
      schema: {
        tags,
        summary: 'Search the registry index: donors with at most k mismatches at the chosen loci, ranked',
        body: SearchBody,
        response: { 200: SearchOut },
      },
    },
    async (request) => registry.search(contextOf(request), request.body),
  );
  app.post(
    '/api/hla/match',
    {
      schema: {
        tags,
        summary:
          'Per-locus explanation of a patient–donor pair: allele/antigen mismatch, GvH/HvG direction, DPB1 TCE, grade x/8 x/10 x/12',
        body: MatchBody,
        response: { 200: MatchOut },
      },
    },
    async (request) => registry.explain(contextOf(request), request.body),
  );
};
