import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../platform';
import { contextOf, SESSION_COOKIE } from '../authenticate';
import { LoginBody, SessionOut, TokenOut } from '../schemas';

export const authRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: platform.config.cookieSecure,
  };

  app.post(
    '/api/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Sign in (browser): sets the session cookie, returns the CSRF token',
        body: LoginBody,
        response: { 200: SessionOut },
      },
    },
    async (request, reply) => {
      const session = await platform.auth.login(
        { ...request.body, ip: request.ip, userAgent: request.headers['user-agent'] },
        'cookie',
      );
      reply.setCookie(SESSION_COOKIE, session.token, cookieOptions);
      return {
        principal: session.principal,
        organization: session.organization,
        csrfToken: session.csrfToken,
        expiresAt: session.expiresAt.toISOString(),
      };
    },
  );

  app.post(
    '/api/auth/token',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Issue a bearer token for an API client',
        body: LoginBody,
        response: { 200: TokenOut },
      },
    },
    async (request) => {
      const session = await platform.auth.login(
        { ...request.body, ip: request.ip, userAgent: request.headers['user-agent'] },
        'bearer',
      );
      return {
        token: session.token,
        tokenType: 'Bearer' as const,
        expiresAt: session.expiresAt.toISOString(),
        principal: session.principal,
        organization: session.organization,
      };
    },
  );

  app.get(
    '/api/auth/session',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in principal and CSRF token',
        response: { 200: SessionOut },
      },
    },
    async (request) => {
      const ctx = contextOf(request);
      return {
        principal: ctx.principal,
        organization: request.auth!.organization,
        csrfToken: request.auth?.csrfToken ?? null,
        expiresAt: (request.auth?.expiresAt ?? new Date()).toISOString(),
      };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out: revokes the session or token',
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      if (request.auth) await platform.auth.logout(request.auth.sessionId);
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.code(204).send(null);
    },
  );
};
