import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../platform';
import { contextOf } from '../authenticate';
import {
  IdParams,
  OrganizationCreate,
  OrganizationOut,
  OrganizationPatch,
  UserCreate,
  UserOut,
  UserPatch,
} from '../schemas';

/** Organizations and users: the platform administrator's screens. */
export const adminRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.get(
    '/api/organizations',
    {
      schema: {
        tags: ['administration'],
        summary: 'List organizations',
        response: { 200: z.array(OrganizationOut) },
      },
    },
    async (request) => platform.organizations.list(contextOf(request)),
  );
  app.post(
    '/api/organizations',
    {
      schema: {
        tags: ['administration'],
        summary: 'Add an organization',
        body: OrganizationCreate,
        response: { 201: OrganizationOut },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await platform.organizations.create(contextOf(request), request.body)),
  );
  app.patch(
    '/api/organizations/:id',
    {
      schema: {
        tags: ['administration'],
        summary: 'Edit an organization (optimistic version check)',
        params: IdParams,
        body: OrganizationPatch,
        response: { 200: OrganizationOut },
      },
    },
    async (request) => platform.organizations.update(contextOf(request), request.params.id, request.body),
  );

  app.get(
    '/api/users',
    {
      schema: {
        tags: ['administration'],
        summary: 'List users in scope',
        response: { 200: z.array(UserOut) },
      },
    },
    async (request) => platform.users.list(contextOf(request)),
  );
  app.post(
    '/api/users',
    {
      schema: {
        tags: ['administration'],
        summary: 'Add a user',
        body: UserCreate,
        response: { 201: UserOut },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await platform.users.create(contextOf(request), request.body)),
  );
  app.patch(
    '/api/users/:id',
    {
      schema: {
        tags: ['administration'],
        summary: 'Edit, disable or reset the password of a user',
        params: IdParams,
        body: UserPatch,
        response: { 200: UserOut },
      },
    },
    async (request) => platform.users.update(contextOf(request), request.params.id, request.body),
  );
};
