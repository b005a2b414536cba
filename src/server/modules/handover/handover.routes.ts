import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Handover, HandoverCurrent, HandoverPage, HandoverQuery, HandoverSign, HandoverStart } from '../../../shared/handover.ts';
import { Type } from 'typebox';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, IdParams } from '../../http/schemas.ts';
import type { HandoverService } from './handover.service.ts';

export function handoverRoutes(fastify: FastifyInstance, handover: HandoverService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['duty'];
  const read = { auth: { permission: 'duty.read' as const } };
  const write = { auth: { permission: 'duty.handover' as const } };
  const conflictResponse = { 409: Type.Ref('ErrorResponse') };

  app.get(
    '/api/handover/current',
    { config: read, schema: { tags, summary: '交接班: my command-centre shift, the next shift, its handover, those waiting for me, and the duty log the server pre-fills', querystring: Type.Object({ universityId: Type.Optional(Type.String()) }, { additionalProperties: false }), response: { 200: HandoverCurrent, ...errorResponses } } },
    async (req) => handover.current(actorOf(req), req.query.universityId),
  );
  app.get('/api/handover', { config: read, schema: { tags, summary: 'Handovers, latest change of shift first', querystring: HandoverQuery, response: { 200: HandoverPage, ...errorResponses } } }, async (req) =>
    handover.list(actorOf(req), req.query),
  );
  app.get('/api/handover/:id', { config: read, schema: { tags, summary: 'One handover with its duty log and checklist', params: IdParams, response: { 200: Handover, ...errorResponses } } }, async (req) =>
    handover.get(actorOf(req), req.params.id),
  );
  app.post(
    '/api/handover',
    { config: write, schema: { tags, summary: 'Start the handover of my command-centre shift (the duty log is pre-filled: open alarms, device faults); audited', body: HandoverStart, response: { 201: Handover, ...conflictResponse, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await handover.start(actorOf(req), req.body)),
  );
  app.post(
    '/api/handover/:id/sign',
    { config: write, schema: { tags, summary: '交班签字: the outgoing operator signs the checklist (unchecked items need a remark) and notes; audited', params: IdParams, body: HandoverSign, response: { 200: Handover, ...conflictResponse, ...errorResponses } } },
    async (req) => handover.sign(actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/api/handover/:id/accept',
    { config: write, schema: { tags, summary: '接班确认: an operator rostered (and certified) on the next shift accepts; the open alarms move to the new shift; audited', params: IdParams, response: { 200: Handover, ...conflictResponse, ...errorResponses } } },
    async (req) => handover.accept(actorOf(req), req.params.id),
  );
}
