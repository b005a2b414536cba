import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { GatePassage, GatePassageQuery, Vehicle, VehicleCreate, VehicleInput, VehiclePage, VehicleQuery, VehiclesOnCampus } from '../../../shared/vehicles.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, IdParams, RefTo } from '../../http/schemas.ts';
import type { VehiclesService } from './vehicles.service.ts';

export function vehiclesRoutes(fastify: FastifyInstance, vehicles: VehiclesService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(Vehicle);
  app.addSchema(GatePassage);
  const VehicleRef = RefTo(Vehicle);
  const tags = ['vehicles'];
  const read = { auth: { permission: 'vehicle.read' as const } };
  const write = { auth: { permission: 'vehicle.write' as const } };

  app.get(
    '/api/vehicles',
    { config: read, schema: { tags, summary: '车辆名单: registered plates by plate, with list, pass, hours and whether inside now; the owner’s phone masked', querystring: VehicleQuery, response: { 200: VehiclePage, ...errorResponses } } },
    async (req) => vehicles.list(actorOf(req), req.query),
  );
  app.get(
    '/api/vehicles/on-campus',
    { config: read, schema: { tags, summary: '在校车辆: listed vehicles inside now by list, guests and contractors past their pass, today’s entries, exits and refusals per hour (Beijing)', response: { 200: VehiclesOnCampus, ...errorResponses } } },
    async (req) => vehicles.onCampus(actorOf(req)),
  );
  app.get('/api/vehicles/:id', { config: read, schema: { tags, summary: 'One registered vehicle', params: IdParams, response: { 200: VehicleRef, ...errorResponses } } }, async (req) => vehicles.get(actorOf(req), req.params.id));
  app.post(
    '/api/vehicles',
    {
      config: write,
      schema: {
        tags,
        summary: 'Register a plate on a list (staff, student, contractor — weekdays 18–22 h unless given hours —, guest with a pass that a director approves, banned); audited',
        body: VehicleCreate,
        response: { 201: VehicleRef, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await vehicles.create(actorOf(req), req.body)),
  );
  app.put(
    '/api/vehicles/:id',
    { config: write, schema: { tags, summary: 'Change an entry (a guest’s changed pass needs approving again); audited', params: IdParams, body: VehicleInput, response: { 200: VehicleRef, ...errorResponses } } },
    async (req) => vehicles.update(actorOf(req), req.params.id, req.body),
  );
  app.delete(
    '/api/vehicles/:id',
    { config: write, schema: { tags, summary: 'Revoke an entry (kept, so its passages stay explained); audited', params: IdParams, response: { 200: VehicleRef, ...errorResponses } } },
    async (req) => vehicles.revoke(actorOf(req), req.params.id),
  );
  app.post(
    '/api/vehicles/:id/approve',
    { config: { auth: { permission: 'vehicle.approve' } }, schema: { tags, summary: '审批: approve a guest vehicle’s pass; audited', params: IdParams, response: { 200: VehicleRef, ...errorResponses } } },
    async (req) => vehicles.approve(actorOf(req), req.params.id),
  );
  app.get(
    '/api/gate-passages',
    {
      config: read,
      schema: {
        tags,
        summary: '通行记录: each plate read at a gate lane, newest first, with the decision, its reason and the barrier’s acknowledgement',
        querystring: GatePassageQuery,
        response: { 200: Type.Array(RefTo(GatePassage)), ...errorResponses },
      },
    },
    async (req) => vehicles.passages(actorOf(req), req.query),
  );
}
