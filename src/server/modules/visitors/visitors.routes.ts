import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { GateMove, PassScan, PassVerdict, Visit, VisitDecision, VisitGate, VisitInput, VisitLogEntry, VisitPage, VisitPass, VisitQuery } from '../../../shared/visitors.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, IdParams, RefTo } from '../../http/schemas.ts';
import type { VisitorsService } from './visitors.service.ts';

export function visitorsRoutes(fastify: FastifyInstance, visitors: VisitorsService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(Visit);
  const VisitRef = RefTo(Visit);
  const tags = ['visitors'];
  const read = { auth: { permission: 'visitor.read' as const } };
  const write = { auth: { permission: 'visitor.write' as const } };
  const approve = { auth: { permission: 'visitor.approve' as const } };

  app.get(
    '/api/visits',
    { config: read, schema: { tags, summary: '访客: visits by view (today, pending, on campus), state or text; phone and id number masked', querystring: VisitQuery, response: { 200: VisitPage, ...errorResponses } } },
    async (req) => visitors.list(actorOf(req), req.query),
  );
  app.get(
    '/api/visits/gates',
    {
      config: read,
      schema: {
        tags,
        summary: 'The turnstiles, barrier gates and doors in service a visit may name, entrances first',
        querystring: Type.Object({ universityId: Type.Optional(Type.String({ description: 'City-wide accounts: the university (otherwise none are listed); others always get their own' })) }, { additionalProperties: false }),
        response: { 200: Type.Array(VisitGate), ...errorResponses },
      },
    },
    async (req) => visitors.gates(actorOf(req), req.query.universityId),
  );
  app.get('/api/visits/:id', { config: read, schema: { tags, summary: 'One visit', params: IdParams, response: { 200: VisitRef, ...errorResponses } } }, async (req) => visitors.get(actorOf(req), req.params.id));
  app.get(
    '/api/visits/:id/log',
    { config: read, schema: { tags, summary: 'What happened to a visit: registration, decision, check-in/out and refused passes with the reason', params: IdParams, response: { 200: Type.Array(VisitLogEntry), ...errorResponses } } },
    async (req) => visitors.log(actorOf(req), req.params.id),
  );
  app.get(
    '/api/visits/:id/pass',
    { config: read, schema: { tags, summary: 'The pass of an approved visit: the token its QR code carries, the window and the gates', params: IdParams, response: { 200: VisitPass, ...errorResponses } } },
    async (req) => visitors.pass(actorOf(req), req.params.id),
  );
  app.post(
    '/api/visits',
    { config: write, schema: { tags, summary: '访客预约: register a visit as its host; it waits for the security office’s approval; audited', body: VisitInput, response: { 201: VisitRef, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await visitors.create(actorOf(req), req.body)),
  );
  app.post(
    '/api/visits/:id/approve',
    { config: approve, schema: { tags, summary: '审批: approve a pending visit; its pass is valid from then on, within its window at its gates; audited', params: IdParams, body: VisitDecision, response: { 200: VisitRef, ...errorResponses } } },
    async (req) => visitors.approve(actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/visits/:id/reject',
    { config: approve, schema: { tags, summary: 'Reject a pending (or revoke an approved) visit; audited', params: IdParams, body: VisitDecision, response: { 200: VisitRef, ...errorResponses } } },
    async (req) => visitors.reject(actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/visits/:id/cancel',
    { config: write, schema: { tags, summary: 'The host (or the security office) calls a visit off before the visitor came; audited', params: IdParams, response: { 200: VisitRef, ...errorResponses } } },
    async (req) => visitors.cancel(actorOf(req), req.params.id),
  );
  for (const direction of ['in', 'out'] as const) {
    app.post(
      `/api/visits/:id/check-${direction}`,
      {
        config: write,
        schema: { tags, summary: `A guard checks the visitor ${direction} at a gate, the visit picked from the list; a refused pass answers 200 with the reason`, params: IdParams, body: GateMove, response: { 200: PassVerdict, ...errorResponses } },
      },
      async (req) => visitors.move(actorOf(req), req.params.id, direction, req.body),
    );
  }
  app.post(
    '/api/visit-passes/scan',
    {
      config: write,
      schema: { tags, summary: 'A guard scans a visitor’s QR pass at a gate: checked in or out, or refused with the reason (logged either way)', body: PassScan, response: { 200: PassVerdict, ...errorResponses } },
    },
    async (req) => visitors.scan(actorOf(req), req.body),
  );
}
