import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthenticatedSession } from '../auth/auth.service';
import type { RequestContext } from '../context';
import { Forbidden, Unauthorized } from '../errors';
import type { Platform } from '../platform';

export const SESSION_COOKIE = 'cgtlink_session';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthenticatedSession | null;
  }
  interface FastifyContextConfig {
    /** Routes reachable without a session (sign-in, health, the OpenAPI document). */
    public?: boolean;
  }
}

/**
 * Every /api route is authenticated unless marked public: by the session cookie (browser, with a CSRF token
 * header on every unsafe method) or by a bearer token (API clients, no cookie, so no CSRF exposure).
 */
export function installAuthentication(app: FastifyInstance, platform: Platform): void {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/') || request.routeOptions.config?.public) return;
    // The API documentation page and its assets are public, like the OpenAPI document they render.
    if (request.url === '/api/docs' || request.url.startsWith('/api/docs/')) return;
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const result = await platform.auth.authenticate(header.slice(7).trim());
      if (result.kind !== 'bearer')
        throw new Unauthorized('a browser session cannot be used as a bearer token');
      request.auth = result;
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    if (!cookie) throw new Unauthorized();
    const result = await platform.auth.authenticate(cookie);
    if (result.kind !== 'cookie') throw new Unauthorized();
    if (UNSAFE.has(request.method) && request.headers['x-csrf-token'] !== result.csrfToken) {
      throw new Forbidden('missing or wrong CSRF token (x-csrf-token header)');
    }
    request.auth = result;
  });
}

/** The service context of an authenticated request. */
export function contextOf(request: FastifyRequest): RequestContext {
  if (!request.auth) throw new Unauthorized();
  return { principal: request.auth.principal, requestId: String(request.id) };
}
