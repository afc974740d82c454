import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ServiceError } from '../errors';

/** RFC 9457 problem details: one shape for every error the API returns. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId: string;
  errors?: { field: string; message: string }[];
  [extra: string]: unknown;
}

export interface ProblemInput {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
  [extra: string]: unknown;
}

const BASE = 'https://cgtlink.dev/problems/';

export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: ProblemInput) {
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send({ ...problem, instance: request.url, requestId: String(request.id) });
}

function fieldPath(instancePath: string, missing?: unknown): string {
  const path = instancePath.replace(/^\//, '').replaceAll('/', '.');
  return typeof missing === 'string' && missing ? (path ? `${path}.${missing}` : missing) : path || '(body)';
}

/** `serveWebApp` says whether unknown GET paths outside /api/ belong to the single-page app (index.html). */
export function installProblemHandlers(app: FastifyInstance, serveWebApp: () => boolean = () => false): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const errors = error.validation.map((v) => ({
        field:
          `${error.validationContext ?? 'body'}.${fieldPath(v.instancePath, (v.params as { missingProperty?: unknown })?.missingProperty)}`.replace(
            /\.\(body\)$/,
            '',
          ),
        message: v.message ?? 'invalid',
      }));
      return sendProblem(reply, request, {
        type: `${BASE}invalid-input`,
        title: 'Invalid input',
        status: 400,
        detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
        errors,
      });
    }
    if (error instanceof ServiceError) {
      if (error.status === 429 && typeof error.extra.retryAfterSeconds === 'number') {
        reply.header('retry-after', String(error.extra.retryAfterSeconds));
      }
      return sendProblem(reply, request, {
        type: error.type,
        title: error.title,
        status: error.status,
        detail: error.message,
        ...error.extra,
      });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own refusals: malformed JSON, body too large, unsupported media type.
      return sendProblem(reply, request, {
        type: `${BASE}${status === 413 ? 'payload-too-large' : status === 415 ? 'unsupported-media-type' : 'bad-request'}`,
        title:
          status === 413 ? 'Payload too large' : status === 415 ? 'Unsupported media type' : 'Bad request',
        status,
        detail: error.message,
      });
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, request, {
      type: `${BASE}internal`,
      title: 'Internal error',
      status: 500,
      detail:
        'an unexpected error occurred; the request changed nothing. Quote the request id when reporting it.',
    });
  });

  app.setNotFoundHandler((request, reply) => {
    if (serveWebApp() && request.method === 'GET' && !request.url.startsWith('/api/')) {
      return reply.sendFile('index.html');
    }
    return sendProblem(reply, request, {
      type: `${BASE}not-found`,
      title: 'Not found',
      status: 404,
      detail: `no route ${request.method} ${request.url}`,
    });
  });
}
