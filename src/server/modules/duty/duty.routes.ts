import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { Certificate, CertificateInput, CertificatePage, CertificateQuery, CoverageGap, CoverageQuery, DutyAssignment, DutyAssignmentInput, DutyPost, DutyPostInput, DutyRoster, PublishInput, RosterQuery } from '../../../shared/duty.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, IdParams, RefTo } from '../../http/schemas.ts';
import { DutySwap, SwapDecision, SwapInput, SwapPage, SwapQuery } from '../../../shared/duty-swaps.ts';
import type { DutySwapService } from './duty-swaps.service.ts';
import { MAX_SCAN_BYTES, SCAN_TYPES, type DutyService } from './duty.service.ts';

export function dutyRoutes(fastify: FastifyInstance, duty: DutyService, swaps: DutySwapService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(DutyPost);
  app.addSchema(Certificate);
  app.addSchema(DutySwap);
  const tags = ['duty'];
  const read = { auth: { permission: 'duty.read' as const } };
  const write = { auth: { permission: 'duty.write' as const } };
  const swap = { auth: { permission: 'duty.swap' as const } };
  const UniversityQuery = Type.Object({ universityId: Type.Optional(Type.String({ description: 'City-wide accounts: the university (otherwise none are listed)' })) }, { additionalProperties: false });

  app.get('/api/duty/posts', { config: read, schema: { tags, summary: '岗位: the duty posts and their shifts', querystring: UniversityQuery, response: { 200: Type.Array(RefTo(DutyPost)), ...errorResponses } } }, async (req) =>
    duty.posts(actorOf(req), req.query.universityId),
  );
  app.post('/api/duty/posts', { config: write, schema: { tags, summary: 'A new post (3×8, 2×12 or custom shifts); audited', body: DutyPostInput, response: { 201: RefTo(DutyPost), ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await duty.createPost(actorOf(req), req.body)),
  );
  app.put('/api/duty/posts/:id', { config: write, schema: { tags, summary: 'Change a post; audited', params: IdParams, body: DutyPostInput, response: { 200: RefTo(DutyPost), ...errorResponses } } }, async (req) =>
    duty.updatePost(actorOf(req), req.params.id, req.body),
  );
  app.get(
    '/api/duty/roster',
    { config: read, schema: { tags, summary: '排班: a month’s roster with posts, holidays, staff (certified or not) and the command centre’s coverage gaps', querystring: RosterQuery, response: { 200: DutyRoster, ...errorResponses } } },
    async (req) => duty.roster(actorOf(req), req.query),
  );
  app.get(
    '/api/duty/coverage',
    { config: read, schema: { tags, summary: 'Coverage gaps of command-centre posts in a window (at most 62 days), Beijing-time shifts, exact instants', querystring: CoverageQuery, response: { 200: Type.Array(CoverageGap), ...errorResponses } } },
    async (req) => duty.coverage(actorOf(req), req.query),
  );
  app.post(
    '/api/duty/assignments',
    { config: write, schema: { tags, summary: 'Put an account on a post’s shift; a command-centre post needs a certificate valid that day; audited once the month is published', body: DutyAssignmentInput, response: { 201: DutyAssignment, ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await duty.assign(actorOf(req), req.body)),
  );
  app.delete('/api/duty/assignments/:id', { config: write, schema: { tags, summary: 'Take an account off a shift; audited once the month is published', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (req, reply) => {
    await duty.unassign(actorOf(req), req.params.id);
    return reply.status(204).send(null);
  });
  app.post('/api/duty/publish', { config: write, schema: { tags, summary: '发布排班: publish a month’s roster; audited', body: PublishInput, response: { 200: DutyRoster, ...errorResponses } } }, async (req) =>
    duty.publish(actorOf(req), req.body),
  );
  app.get('/api/duty/certificates', { config: read, schema: { tags, summary: '上岗证: operators’ certificates, soonest ending first', querystring: CertificateQuery, response: { 200: CertificatePage, ...errorResponses } } }, async (req) =>
    duty.certificates(actorOf(req), req.query),
  );
  app.post('/api/duty/certificates', { config: write, schema: { tags, summary: 'Record an operator’s certificate; audited', body: CertificateInput, response: { 201: RefTo(Certificate), ...errorResponses } } }, async (req, reply) =>
    reply.status(201).send(await duty.createCertificate(actorOf(req), req.body)),
  );
  app.put('/api/duty/certificates/:id', { config: write, schema: { tags, summary: 'Change (renew) a certificate; audited', params: IdParams, body: CertificateInput, response: { 200: RefTo(Certificate), ...errorResponses } } }, async (req) =>
    duty.updateCertificate(actorOf(req), req.params.id, req.body),
  );
  // The scan arrives as the raw image body (a phone's camera or a scanner's file), in its own scope.
  fastify.register(async (scope) => {
    for (const type of SCAN_TYPES) scope.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: MAX_SCAN_BYTES }, (_req, body, done) => done(null, body));
    scope.put(
      '/api/duty/certificates/:id/scan',
      { config: write, schema: { tags, summary: 'The certificate’s scan (image/jpeg, png or webp body, ≤ 5 MB; checked by content, stored as JPEG); audited', params: IdParams, response: { 200: RefTo(Certificate), ...errorResponses } } },
      async (req) => duty.putScan(actorOf(req), (req.params as { id: string }).id, String(req.headers['content-type'] ?? '').split(';')[0]!, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)),
    );
  });
  app.get('/api/duty/certificates/:id/scan', { config: read, schema: { tags, summary: 'The certificate’s scan (JPEG)', params: IdParams } }, async (req, reply) =>
    reply.header('content-type', 'image/jpeg').header('cache-control', 'private, max-age=300').send(await duty.scan(actorOf(req), req.params.id)),
  );
  app.delete('/api/duty/certificates/:id', { config: write, schema: { tags, summary: 'Remove a certificate recorded by mistake; audited', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (req, reply) => {
    await duty.removeCertificate(actorOf(req), req.params.id);
    return reply.status(204).send(null);
  });

  // ---- 换班 ----
  app.get('/api/duty/swaps', { config: swap, schema: { tags, summary: '换班: swaps, newest first (approvers see the university’s, others their own)', querystring: SwapQuery, response: { 200: SwapPage, ...errorResponses } } }, async (req) =>
    swaps.list(actorOf(req), req.query),
  );
  app.post(
    '/api/duty/swaps',
    { config: swap, schema: { tags, summary: '申请换班: give one’s shift to another person, or exchange it for one of theirs; certificate and double-booking checked; audited', body: SwapInput, response: { 201: RefTo(DutySwap), ...errorResponses } } },
    async (req, reply) => reply.status(201).send(await swaps.request(actorOf(req), req.body)),
  );
  const Decision = { params: IdParams, body: SwapDecision, response: { 200: RefTo(DutySwap), ...errorResponses } };
  app.post('/api/duty/swaps/:id/agree', { config: swap, schema: { tags, summary: 'The person asked agrees; the swap waits for approval; audited', params: IdParams, response: { 200: RefTo(DutySwap), ...errorResponses } } }, async (req) =>
    swaps.agree(actorOf(req), req.params.id),
  );
  app.post('/api/duty/swaps/:id/decline', { config: swap, schema: { tags, summary: 'The person asked declines; audited', ...Decision } }, async (req) => swaps.decline(actorOf(req), req.params.id, req.body));
  app.post('/api/duty/swaps/:id/cancel', { config: swap, schema: { tags, summary: 'The requester withdraws the swap; audited', params: IdParams, response: { 200: RefTo(DutySwap), ...errorResponses } } }, async (req) =>
    swaps.cancel(actorOf(req), req.params.id),
  );
  app.post(
    '/api/duty/swaps/:id/approve',
    { config: swap, schema: { tags, summary: '批准换班 (security director or the duty leader on duty): checked again, the roster changes in one audited transaction; a published month stays published', ...Decision } },
    async (req) => swaps.approve(actorOf(req), req.params.id, req.body),
  );
  app.post('/api/duty/swaps/:id/reject', { config: swap, schema: { tags, summary: '驳回换班 (security director or the duty leader on duty); audited', ...Decision } }, async (req) => swaps.reject(actorOf(req), req.params.id, req.body));
}
