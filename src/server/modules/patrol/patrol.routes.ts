import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { Checkpoint, CheckpointInput, CheckpointPage, CheckinResult, PatrolListQuery, PatrolReport, PhoneCheckin, ReportQuery, Route, RouteInput, RoutePage, Tour, TourPage, TourQuery } from '../../../shared/patrol.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, IdParams, RefTo } from '../../http/schemas.ts';
import type { PatrolService } from './patrol.service.ts';

export function patrolRoutes(fastify: FastifyInstance, patrol: PatrolService, onPhoneCheckin: (actorId: string, r: Awaited<ReturnType<PatrolService['phoneCheckin']>>) => Promise<void>) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(Checkpoint);
  app.addSchema(Route);
  app.addSchema(Tour);
  const tags = ['patrol'];
  const read = { auth: { permission: 'patrol.read' as const } };
  const write = { auth: { permission: 'patrol.write' as const } };
  const self = { auth: { permission: 'patrol.checkin' as const } };
  const CheckpointRef = RefTo(Checkpoint);
  const RouteRef = RefTo(Route);

  app.get('/api/patrol/checkpoints', { config: read, schema: { tags, summary: '巡更点: the checkpoints, by name (the QR token only for those who set up patrols)', querystring: PatrolListQuery, response: { 200: CheckpointPage, ...errorResponses } } }, async (req) =>
    patrol.listCheckpoints(actorOf(req), req.query),
  );
  app.get('/api/patrol/checkpoints/:id', { config: read, schema: { tags, summary: 'One checkpoint', params: IdParams, response: { 200: CheckpointRef, ...errorResponses } } }, async (req) => patrol.getCheckpoint(actorOf(req), req.params.id));
  app.post('/api/patrol/checkpoints', { config: write, schema: { tags, summary: 'A new checkpoint with a new QR token; audited', body: CheckpointInput, response: { 201: CheckpointRef, ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await patrol.createCheckpoint(actorOf(req), req.body)),
  );
  app.put('/api/patrol/checkpoints/:id', { config: write, schema: { tags, summary: 'Change a checkpoint (its QR token stays); audited', params: IdParams, body: CheckpointInput, response: { 200: CheckpointRef, ...errorResponses } } }, async (req) =>
    patrol.updateCheckpoint(actorOf(req), req.params.id, req.body),
  );
  app.post('/api/patrol/checkpoints/:id/token', { config: write, schema: { tags, summary: 'A new QR token (reprint the code: the old one stops working); audited', params: IdParams, response: { 200: CheckpointRef, ...errorResponses } } }, async (req) =>
    patrol.reissueToken(actorOf(req), req.params.id),
  );
  app.delete('/api/patrol/checkpoints/:id', { config: write, schema: { tags, summary: 'Remove a checkpoint that no route uses; audited', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (req, reply) => {
    await patrol.deleteCheckpoint(actorOf(req), req.params.id);
    return reply.status(204).send(null);
  });

  app.get('/api/patrol/routes', { config: read, schema: { tags, summary: '巡更路线: routes with their checkpoints, windows and schedule', querystring: PatrolListQuery, response: { 200: RoutePage, ...errorResponses } } }, async (req) =>
    patrol.listRoutes(actorOf(req), req.query),
  );
  app.get('/api/patrol/routes/:id', { config: read, schema: { tags, summary: 'One route', params: IdParams, response: { 200: RouteRef, ...errorResponses } } }, async (req) => patrol.getRoute(actorOf(req), req.params.id));
  app.post('/api/patrol/routes', { config: write, schema: { tags, summary: 'A new route; its tours start at its times on its days; audited', body: RouteInput, response: { 201: RouteRef, ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await patrol.createRoute(actorOf(req), req.body)),
  );
  app.put('/api/patrol/routes/:id', { config: write, schema: { tags, summary: 'Change a route (tours already made keep it as it was); audited', params: IdParams, body: RouteInput, response: { 200: RouteRef, ...errorResponses } } }, async (req) =>
    patrol.updateRoute(actorOf(req), req.params.id, req.body),
  );
  app.delete('/api/patrol/routes/:id', { config: write, schema: { tags, summary: 'Remove a route (its past tours stay in the report); audited', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (req, reply) => {
    await patrol.deleteRoute(actorOf(req), req.params.id);
    return reply.status(204).send(null);
  });

  app.get('/api/patrol/tours', { config: read, schema: { tags, summary: 'The tours of a day (Beijing) with each checkpoint’s state', querystring: TourQuery, response: { 200: TourPage, ...errorResponses } } }, async (req) => patrol.tours(actorOf(req), req.query));
  app.get('/api/patrol/report', { config: read, schema: { tags, summary: '巡更报表: per guard, route and day — planned and done checkpoints, completion, late, missed', querystring: ReportQuery, response: { 200: PatrolReport, ...errorResponses } } }, async (req) =>
    patrol.report(actorOf(req), req.query),
  );

  app.get('/api/my/patrol', { config: self, schema: { tags, summary: 'The guard’s phone: tours running now or starting within the hour, the guard’s own first', response: { 200: Type.Array(RefTo(Tour)), ...errorResponses } } }, async (req) =>
    patrol.myTours(actorOf(req)),
  );
  app.post('/api/my/patrol/checkins', { config: self, schema: { tags, summary: '扫码打卡 / 定位打卡: check in at a checkpoint by its QR token or by position inside its fence', body: PhoneCheckin, response: { 200: CheckinResult, ...errorResponses } } }, async (req) => {
    const actor = actorOf(req);
    const r = await patrol.phoneCheckin(actor, req.body);
    await onPhoneCheckin(actor.id, r);
    return r.result;
  });
}
