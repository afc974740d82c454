import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../platform';
import { contextOf } from '../authenticate';
import {
  AuditQuery,
  AuditRecordOut,
  ChangeLineOut,
  SignatureOut,
  SignatureQuery,
  SignBody,
  VerifyOut,
} from '../schemas';

export const auditRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.get(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Search the audit trail (newest first)',
        querystring: AuditQuery,
        response: { 200: z.array(AuditRecordOut) },
      },
    },
    async (request) => platform.audit.search(contextOf(request), request.query),
  );
  app.get(
    '/api/audit/history/:entityType/:entityId',
    {
      schema: {
        tags: ['audit'],
        summary: 'Who changed this record, when, from what to what',
        params: z.object({ entityType: z.string().min(1).max(64), entityId: z.string().min(1).max(128) }),
        response: { 200: z.array(ChangeLineOut) },
      },
    },
    async (request) =>
      platform.audit.history(contextOf(request), request.params.entityType, request.params.entityId),
  );
  app.get(
    '/api/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: 'Verify the hash chain; names the first broken entry',
        response: { 200: VerifyOut },
      },
    },
    async (request) => {
      const ctx = contextOf(request);
      await platform.sealer.flush();
      return platform.audit.verify(ctx);
    },
  );

  app.post(
    '/api/signatures',
    {
      schema: {
        tags: ['signatures'],
        summary: 'Sign a record (re-enter the password)',
        body: SignBody,
        response: { 201: SignatureOut },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await platform.signatures.sign(contextOf(request), { ...request.body, ip: request.ip })),
  );
  app.get(
    '/api/signatures',
    {
      schema: {
        tags: ['signatures'],
        summary: "A record's signatures, each checked against its current content",
        querystring: SignatureQuery,
        response: { 200: z.array(SignatureOut) },
      },
    },
    async (request) =>
      platform.signatures.forRecord(contextOf(request), request.query.entityType, request.query.entityId),
  );
};
