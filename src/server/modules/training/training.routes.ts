import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { Drill, DrillStartInput, PersonTraining, TrainingQuery, TrainingRecords, TrainingSession, TrainingSessionInput } from '../../../shared/training.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, IdParams, RefTo } from '../../http/schemas.ts';
import type { TrainingService } from './training.service.ts';

export function trainingRoutes(fastify: FastifyInstance, training: TrainingService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(TrainingSession);
  app.addSchema(Drill);
  const tags = ['training'];
  const read = { auth: { permission: 'training.read' as const } };
  const write = { auth: { permission: 'training.write' as const } };
  const UniversityQuery = Type.Object({ universityId: Type.Optional(Type.String({ description: 'City-wide accounts: the university (otherwise none are listed)' })) }, { additionalProperties: false });
  const YearQuery = Type.Object({ year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })) }, { additionalProperties: false });

  app.get('/api/training/sessions', { config: read, schema: { tags, summary: '培训记录: a year’s training sessions (理论培训, 实操培训, 演练) with attendance, newest first', querystring: TrainingQuery, response: { 200: Type.Array(RefTo(TrainingSession)), ...errorResponses } } }, async (req) =>
    training.sessions(actorOf(req), req.query),
  );
  app.get('/api/training/sessions/:id', { config: read, schema: { tags, summary: 'One training session with its attendance', params: IdParams, response: { 200: RefTo(TrainingSession), ...errorResponses } } }, async (req) =>
    training.session(actorOf(req), req.params.id),
  );
  app.post('/api/training/sessions', { config: write, schema: { tags, summary: 'Record a training session and who attended (score, remark); audited', body: TrainingSessionInput, response: { 201: RefTo(TrainingSession), ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await training.createSession(actorOf(req), req.body)),
  );
  app.put('/api/training/sessions/:id', { config: write, schema: { tags, summary: 'Change a session and its attendance (not a drill’s); audited', params: IdParams, body: TrainingSessionInput, response: { 200: RefTo(TrainingSession), ...errorResponses } } }, async (req) =>
    training.updateSession(actorOf(req), req.params.id, req.body),
  );
  app.delete('/api/training/sessions/:id', { config: write, schema: { tags, summary: 'Remove a session recorded by mistake (not a drill’s); audited', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (req, reply) => {
    await training.removeSession(actorOf(req), req.params.id);
    return reply.status(204).send(null);
  });
  app.get('/api/training/records', { config: read, schema: { tags, summary: '培训档案: each security staff member’s hours, sessions and drills in a year', querystring: TrainingQuery, response: { 200: TrainingRecords, ...errorResponses } } }, async (req) =>
    training.records(actorOf(req), req.query),
  );
  app.get('/api/training/records/:id', { config: read, schema: { tags, summary: 'One person’s training record in a year (id: the account)', params: IdParams, querystring: YearQuery, response: { 200: PersonTraining, ...errorResponses } } }, async (req) =>
    training.person(actorOf(req), req.params.id, req.query),
  );
  app.get('/api/training/drills', { config: read, schema: { tags, summary: '演练: the university’s drills, newest first, with their results', querystring: UniversityQuery, response: { 200: Type.Array(RefTo(Drill)), ...errorResponses } } }, async (req) =>
    training.drills(actorOf(req), req.query),
  );
  app.get('/api/training/drills/:id', { config: read, schema: { tags, summary: 'One drill and its result', params: IdParams, response: { 200: RefTo(Drill), ...errorResponses } } }, async (req) =>
    training.drill(actorOf(req), req.params.id),
  );
  app.post(
    '/api/training/drills',
    { config: write, schema: { tags, summary: '开始演练: injects the scenario’s events through the event path, marked as drill (source drill, alarm drillId); audited', body: DrillStartInput, response: { 201: RefTo(Drill), ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await training.startDrill(actorOf(req), req.body)),
  );
  app.post('/api/training/drills/:id/finish', { config: write, schema: { tags, summary: '结束演练: compute the result now from what was done; audited', params: IdParams, response: { 200: RefTo(Drill), ...errorResponses } } }, async (req) =>
    training.finishDrill(actorOf(req), req.params.id),
  );
}
