import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DeadLetterPage, DeadLettersByDevice } from '../../../shared/dead-letters.ts';
import { IssuedDeviceCredentials } from '../../../shared/device-credentials.ts';
import type { ErrorBody, FieldProblem } from '../../../shared/error-codes.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { AppError } from '../../http/errors.ts';
import { ErrorResponse, errorResponses, IdParams, Nullable } from '../../http/schemas.ts';
import type { DeviceCredentialsService } from './device-credentials.service.ts';
import type { IngestResult, IngestService } from './ingest.service.ts';
import type { DeviceHealthService } from '../health/index.ts';

const MAX_BATCH = 1000;

/** `Authorization: Basic base64(deviceId:secret)` — the same pair the device uses for MQTT. */
function basicAuth(req: FastifyRequest): { deviceId: string; secret: string } | null {
  const h = req.headers.authorization;
  if (!h?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(h.slice(6), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i > 0 ? { deviceId: decoded.slice(0, i), secret: decoded.slice(i + 1) } : null;
}

const ResultSchema = Type.Object({
  index: Type.Integer(),
  status: Type.Union([Type.Literal('stored'), Type.Literal('duplicate'), Type.Literal('rejected')]),
  id: Type.Optional(Type.String({ description: 'Id of the stored event' })),
  reason: Type.Optional(Type.String()),
  field: Type.Optional(Nullable(Type.String())),
});

export interface IngestRouteDeps {
  ingest: IngestService;
  credentials: DeviceCredentialsService;
  health: DeviceHealthService;
}

export function ingestRoutes(fastify: FastifyInstance, deps: IngestRouteDeps) {
  const { ingest, credentials } = deps;
  const guard = ingest.guard;
  /** The device each request authenticated as (set before the body is read). */
  const devices = new WeakMap<FastifyRequest, { deviceId: string; universityId: string }>();
  const deviceOf = (req: FastifyRequest) => devices.get(req) ?? null;

  /**
   * Before the body is read: an unauthenticated sender gets 401 and leaves nothing but a counter
   * (its body, up to 5 MB, is never stored), and an address that keeps failing gets 429 unheard.
   */
  const authenticateDevice = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!guard.mayTry(req.ip)) {
      reply.header('retry-after', '60');
      throw new AppError('XIAOAN_AUTH_RATE_LIMITED', 'too many failed device authentications from this address; try again in a minute', [
        { field: 'authorization', reason: 'too many failures from this address', rule: 'rate' },
      ]);
    }
    const auth = basicAuth(req);
    const identity = auth ? await credentials.authenticate(auth.deviceId, auth.secret) : null;
    if (!identity) {
      guard.failedAuthentication(req.ip);
      throw new AppError('XIAOAN_AUTH_REQUIRED', auth ? 'device authentication failed (unknown device or wrong secret)' : 'no device credentials: send HTTP Basic deviceId:secret');
    }
    devices.set(req, identity);
  };

  // Own plugin scope: this route takes the raw body, so even a body that is not JSON is kept as
  // a dead letter with its bytes.
  fastify.register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 5 * 1024 * 1024 }, (_req, body, done) => done(null, body));
    scope.withTypeProvider<TypeBoxTypeProvider>().post(
      '/api/ingest/events',
      {
        logLevel: 'warn', // one line per device request would drown the log
        config: { auth: { access: 'public' } }, // devices authenticate with their own credentials below
        onRequest: authenticateDevice,
        schema: {
          tags: ['ingest'],
          summary: 'Device event batch (HTTP push). 200 only after every accepted event is committed.',
          description:
            'Body: `{"events":[{"kind":"plate.read","sourceEventId":"…","occurredAt":"…","payload":{…}}]}` (at most 1000). ' +
            'Authenticate with HTTP Basic `deviceId:secret` (POST /api/devices/{id}/credentials issues them). ' +
            'Each item is answered in `results`; items already stored (same sourceEventId) answer `duplicate`. ' +
            'Any rejected item makes the answer 400 with its field; the valid items of the batch are stored all the same.',
          security: [{ deviceBasic: [] }],
          response: {
            ...errorResponses,
            200: Type.Object({ results: Type.Array(ResultSchema) }),
            400: Type.Object({ ...ErrorResponse.properties, results: Type.Optional(Type.Array(ResultSchema)) }, { description: 'Error; for a batch, `results` answers each item' }),
          },
        },
      },
      async (req, reply) => {
        const raw = req.body as unknown as Buffer;
        const ctx = { source: 'http' as const, deviceId: deviceOf(req)?.deviceId ?? null, topic: null };
        let body: unknown;
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch (e) {
          const r = await ingest.ingestRaw(raw, ctx); // stores the dead letter with the parse error
          throw new AppError('XIAOAN_VALIDATION_FAILED', r.status === 'rejected' ? r.reason : `body is not JSON: ${(e as Error).message}`, [{ field: 'body', reason: 'is not valid JSON' }]);
        }
        const items = (body as { events?: unknown })?.events;
        if (!Array.isArray(items) || items.length === 0 || items.length > MAX_BATCH || Object.keys(body as object).length !== 1) {
          await ingest.recordRefused(raw, ctx, `body must be {"events":[…]} with 1–${MAX_BATCH} items`, 'events');
          throw new AppError('XIAOAN_VALIDATION_FAILED', `body must be {"events": [...]} with 1 to ${MAX_BATCH} events`, [{ field: 'events', reason: `must be an array of 1–${MAX_BATCH} events` }]);
        }
        // Items are validated one by one so one bad item does not cost the others.
        const outcomes: IngestResult[] = await Promise.all(items.map((item) => ingest.ingestParsed(item, ctx)));
        const results = outcomes.map((r, index) =>
          r.status === 'rejected' ? { index, status: r.status, reason: r.reason, field: r.field } : r.status === 'stored' ? { index, status: r.status, id: r.id } : { index, status: r.status },
        );
        const problems: FieldProblem[] = outcomes.flatMap((r, index) =>
          r.status === 'rejected' ? [{ field: `events[${index}]${r.field ? '.' + r.field : ''}`, reason: r.reason, rule: 'event' }] : [],
        );
        if (problems.length) {
          const errorBody: ErrorBody & { results: typeof results } = {
            statusCode: 400,
            code: 'XIAOAN_VALIDATION_FAILED',
            error: 'Bad Request',
            message: `${problems.length} of ${items.length} events rejected (kept as dead letters); the others were stored`,
            details: problems,
            results,
          };
          return reply.status(400).send(errorBody);
        }
        return { results };
      },
    );
  });

  fastify.post(
    '/api/ingest/heartbeat',
    {
      logLevel: 'warn',
      config: { auth: { access: 'public' } },
      onRequest: authenticateDevice,
      schema: {
        tags: ['ingest'],
        summary: 'Device heartbeat over HTTP (HTTP Basic deviceId:secret); marks the device online',
        security: [{ deviceBasic: [] }],
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const { deviceId, universityId } = deviceOf(req)!;
      deps.health.markSeen(deviceId, universityId);
      return reply.status(204).send(null);
    },
  );

  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/api/devices/:id/credentials',
    {
      config: { auth: { permission: 'device.write' } },
      schema: {
        tags: ['ingest'],
        summary: 'Issue (or replace) the MQTT / HTTP credentials of a device; the password is shown only in this answer',
        params: IdParams,
        response: {
          201: IssuedDeviceCredentials,
          ...errorResponses,
        },
      },
    },
    async (req, reply) => reply.status(201).send(await credentials.issue(actorOf(req), req.params.id)),
  );

  app.get(
    '/api/dead-letters',
    {
      config: { auth: { permission: 'device.read' } },
      schema: {
        tags: ['ingest'],
        summary: 'Messages refused on ingest, newest first, with the reason and the raw bytes',
        querystring: Type.Object(
          { deviceId: Type.Optional(Type.String()), beforeId: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) },
          { additionalProperties: false },
        ),
        response: { 200: DeadLetterPage, ...errorResponses },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 100;
      const rows = await ingest.listDeadLetters(actorOf(req), { deviceId: req.query.deviceId, beforeId: req.query.beforeId, limit });
      return {
        items: rows.map((d) => ({ ...d, rawText: d.raw.subarray(0, 4096).toString('utf8'), rawBase64: d.raw.subarray(0, 65536).toString('base64'), size: d.raw.length })),
        nextBeforeId: rows.length === limit ? rows[rows.length - 1].id : null,
      };
    },
  );

  app.get(
    '/api/dead-letters/by-device',
    {
      config: { auth: { permission: 'device.read' } },
      schema: {
        tags: ['ingest'],
        summary: 'Dead-letter counts per device, most first',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) }, { additionalProperties: false }),
        response: { 200: Type.Array(DeadLettersByDevice), ...errorResponses },
      },
    },
    async (req) => ingest.deadLettersByDevice(actorOf(req), req.query.limit ?? 100),
  );
}
