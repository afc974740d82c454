import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../platform';
import { contextOf } from '../authenticate';
import { IdParams, Paging, PatientCreate, PatientOut } from '../schemas';

export const patientRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.get(
    '/api/patients',
    {
      schema: {
        tags: ['patients'],
        summary: 'Patients in scope (regulator: de-identified)',
        querystring: Paging,
        response: { 200: z.array(PatientOut) },
      },
    },
    async (request) => platform.patients.list(contextOf(request), request.query),
  );
  app.get(
    '/api/patients/:id',
    {
      schema: {
        tags: ['patients'],
        summary: 'One patient record (every read is audited)',
        params: IdParams,
        response: { 200: PatientOut },
      },
    },
    async (request) => platform.patients.get(contextOf(request), request.params.id),
  );
  app.post(
    '/api/patients',
    {
      schema: {
        tags: ['patients'],
        summary: 'Register a patient (hospital staff)',
        body: PatientCreate,
        response: { 201: PatientOut },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await platform.patients.create(contextOf(request), request.body)),
  );
};
