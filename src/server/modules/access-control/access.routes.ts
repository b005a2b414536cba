import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { AccessCheck, AccessCheckResult, AccessDoor, AccessDoorSettings, AccessGroup, AccessGroupCreate, AccessGroupInput } from '../../../shared/access-control.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, IdParams, RefTo } from '../../http/schemas.ts';
import type { AccessControlService } from './access.service.ts';

export function accessRoutes(fastify: FastifyInstance, access: AccessControlService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(AccessGroup);
  app.addSchema(AccessDoor);
  const GroupRef = RefTo(AccessGroup);
  const DoorRef = RefTo(AccessDoor);
  const tags = ['access-control'];
  const read = { auth: { permission: 'access.read' as const } };
  const write = { auth: { permission: 'access.write' as const } };
  const UniversityQuery = Type.Object({ universityId: Type.Optional(Type.String({ description: 'Required for city-wide accounts' })) }, { additionalProperties: false });

  app.get(
    '/api/access/groups',
    { config: read, schema: { tags, summary: '门禁权限组: who (people, kinds, departments) may open which doors at which hours, with how many people each covers now', querystring: UniversityQuery, response: { 200: Type.Array(GroupRef), ...errorResponses } } },
    async (req) => access.groups(actorOf(req), req.query),
  );
  app.post(
    '/api/access/groups',
    { config: write, schema: { tags, summary: 'Create an access group; doors and people must be the university’s; audited', body: AccessGroupCreate, response: { 201: GroupRef, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await access.createGroup(actorOf(req), req.body)),
  );
  app.put(
    '/api/access/groups/:id',
    { config: write, schema: { tags, summary: 'Change an access group; online doors follow at once, offline doors get a new list; audited', params: IdParams, body: AccessGroupInput, response: { 200: GroupRef, ...errorResponses } } },
    async (req) => access.updateGroup(actorOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/access/groups/:id',
    { config: write, schema: { tags, summary: 'Delete an access group; audited', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      await access.deleteGroup(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/access/doors',
    { config: read, schema: { tags, summary: '门禁点: every door and turnstile with how it decides (online/offline), what it reads, anti-passback, first-card unlock, and its list’s acknowledgement', querystring: UniversityQuery, response: { 200: Type.Array(DoorRef), ...errorResponses } } },
    async (req) => access.doors(actorOf(req), req.query),
  );
  app.put(
    '/api/access/doors/:id',
    { config: write, schema: { tags, summary: 'Set how a door decides and what it reads (face never alone); audited', params: IdParams, body: AccessDoorSettings, response: { 200: DoorRef, ...errorResponses } } },
    async (req) => access.setDoor(actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/access/doors/:id/push',
    { config: write, schema: { tags, summary: '立即下发: send an offline door its permission list now and wait for the controller’s acknowledgement', params: IdParams, response: { 200: DoorRef, ...errorResponses } } },
    async (req) => access.pushList(actorOf(req), req.params.id),
  );
  app.post(
    '/api/access/check',
    { config: read, schema: { tags, summary: '模拟刷卡: what a door answers a credential now (or at `at`), and why; records nothing', body: AccessCheck, response: { 200: AccessCheckResult, ...errorResponses } } },
    async (req) => access.check(actorOf(req), req.body),
  );
}
