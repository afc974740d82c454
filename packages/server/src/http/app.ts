import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Platform } from '../platform';
import { installAuthentication } from './authenticate';
import { installInputSafety } from './input-safety';
import { installProblemHandlers } from './problem';
import { adminRoutes } from './routes/admin.routes';
import { auditRoutes } from './routes/audit.routes';
import { authRoutes } from './routes/auth.routes';
import { evaluationRoutes } from './routes/evaluation.routes';
import { exportRoutes } from './routes/export.routes';
import { followupRoutes } from './routes/followup.routes';
import { hlaRoutes } from './routes/hla.routes';
import { laboratoryRoutes } from './routes/laboratory.routes';
import { pathwayRoutes } from './routes/pathway.routes';
import { patientRoutes } from './routes/patient.routes';

export interface AppOptions {
  /** The built web app to serve at `/`; omitted in API-only tests. */
  webDir?: string | undefined;
  logLevel?: string;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

export async function buildApp(platform: Platform, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: options.logLevel ?? platform.config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
    bodyLimit: 1024 * 1024,
    // A caller's request id is kept when well-formed, so a problem report can be traced across systems.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    trustProxy: false,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', String(request.id));
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
  });
  // Every request may have appended audit entries (reads of patient records do): let the sealer catch up.
  app.addHook('onResponse', async (request) => {
    if (request.url.startsWith('/api/')) platform.sealer.poke();
  });

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'CGTLink API',
        version: '0.1.0',
        description:
          'Regulator – hospital – laboratory – patient linkage platform for cell and gene therapy. Every route except sign-in and health needs a session cookie (with the x-csrf-token header on unsafe methods) or a bearer token. Errors are RFC 9457 problem+json.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'cgtlink_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } });
  let spaFallback = false;
  installProblemHandlers(app, () => spaFallback);
  // Before authentication, which reads the cookie or token: unsafe text never reaches a query.
  installInputSafety(app);
  installAuthentication(app, platform);

  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({
      status: 'ok' as const,
    }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: the database answers',
        response: { 200: z.object({ status: z.literal('ready'), database: z.string() }) },
      },
    },
    async () => {
      await sql`select 1`.execute(platform.database.db);
      return { status: 'ready' as const, database: platform.database.kind };
    },
  );

  await app.register(authRoutes, { platform });
  await app.register(adminRoutes, { platform });
  await app.register(patientRoutes, { platform });
  await app.register(auditRoutes, { platform });
  await app.register(pathwayRoutes, { platform });
  await app.register(laboratoryRoutes, { platform });
  await app.register(followupRoutes, { platform });
  await app.register(hlaRoutes, { platform });
  await app.register(evaluationRoutes, { platform });
  await app.register(exportRoutes, { platform });

  if (options.webDir && existsSync(options.webDir)) {
    await app.register(fastifyStatic, { root: options.webDir, wildcard: false });
    // Client-side routes of the single-page app fall back to index.html; API paths keep problem+json 404s.
    spaFallback = true;
  }
  return app;
}
