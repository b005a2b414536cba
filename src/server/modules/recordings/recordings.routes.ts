import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CompletenessPage, RecordingDay, RecordingPlan, RecordingPlanInput, RecordingSegment, SegmentList, StoragePlan } from '../../../shared/recordings.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { sendVideoFile } from '../../http/data-file.ts';
import { errorResponses, IdParams, IsoDate, PagingQuery, RefTo } from '../../http/schemas.ts';
import type { RecordingsService } from './recordings.service.ts';

const DateTime = (description: string) => Type.String({ format: 'date-time', description });
const Scope = {
  universityId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'City-wide roles: one university' })),
  campusId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
};

/** Recording plans, segments and their files, a day's completeness, storage planning. Thin: the service holds the rules. */
export function recordingsRoutes(fastify: FastifyInstance, recordings: RecordingsService, dataDir: string) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  for (const s of [RecordingPlan, RecordingSegment, RecordingDay, CompletenessPage, StoragePlan]) app.addSchema(s);

  app.get(
    '/api/recordings/completeness',
    {
      config: { auth: { permission: 'device.read' } },
      schema: {
        tags: ['recordings'],
        summary: "Each camera's recording on a Beijing day against its plan (expected, recorded, gaps, share complete) and the oldest recording it holds against its retention; paged",
        querystring: Type.Object({ date: IsoDate, ...Scope, ...PagingQuery }, { additionalProperties: false }),
        response: { 200: RefTo(CompletenessPage), ...errorResponses },
      },
    },
    async (req) => recordings.completeness(actorOf(req), { ...req.query, page: req.query.page ?? 1, pageSize: req.query.pageSize ?? 50 }),
  );

  app.get(
    '/api/recordings/storage-plan',
    {
      config: { auth: { permission: 'device.read' } },
      schema: {
        tags: ['recordings'],
        summary: 'Storage the retention rules need per campus (cameras by resolution × assumed bitrate × retention days, stated in the answer) against the recordings volume, and what is held now',
        querystring: Type.Object(Scope, { additionalProperties: false }),
        response: { 200: RefTo(StoragePlan), ...errorResponses },
      },
    },
    async (req) => recordings.storagePlan(actorOf(req), req.query),
  );

  app.get(
    '/api/recordings/segments/:id/file',
    {
      config: { auth: { permission: 'video.view' } },
      schema: {
        tags: ['recordings'],
        summary: 'A recorded segment as fragmented MP4 (video/mp4, byte ranges supported: plays in a <video> element). Playing is audited as video.playback (once per playback, not per range)',
        params: IdParams,
      },
    },
    async (req, reply) => {
      // A player asks for byte ranges as it seeks: the first request of a playback (no range, or from byte 0) is the one audited.
      const range = req.headers.range;
      const firstRequest = !range || /^bytes=0-/.test(range);
      const { relativePath } = await recordings.segmentFile(actorOf(req), req.params.id, firstRequest);
      return sendVideoFile(req, reply, dataDir, relativePath, 'recording file');
    },
  );

  app.get(
    '/api/recordings/:id/plan',
    {
      config: { auth: { permission: 'video.view' } },
      schema: {
        tags: ['recordings'],
        summary: "A camera's recording plan (off unless set), its retention and where it comes from, and what its recorder is doing",
        params: IdParams,
        response: { 200: RefTo(RecordingPlan), ...errorResponses },
      },
    },
    async (req) => recordings.getPlan(actorOf(req), req.params.id),
  );

  app.put(
    '/api/recordings/:id/plan',
    {
      config: { auth: { permission: 'device.write' } },
      schema: {
        tags: ['recordings'],
        summary: 'Set how a camera is recorded: off, continuous, schedule (weekly windows, Beijing time) or alarm (pre- and post-roll around each alarm). Takes effect at once; audited',
        params: IdParams,
        body: RecordingPlanInput,
        response: { 200: RefTo(RecordingPlan), ...errorResponses },
      },
    },
    async (req) => recordings.putPlan(actorOf(req), req.params.id, req.body),
  );

  app.get(
    '/api/recordings/:id/segments',
    {
      config: { auth: { permission: 'video.view' } },
      schema: {
        tags: ['recordings'],
        summary: 'Recorded segments of a camera overlapping [from, to), oldest first (at most 2,000; `truncated` says when there are more)',
        params: IdParams,
        querystring: Type.Object({ from: DateTime('Start (inclusive), ISO 8601 with offset'), to: DateTime('End (exclusive), ISO 8601 with offset') }, { additionalProperties: false }),
        response: { 200: SegmentList, ...errorResponses },
      },
    },
    async (req) => recordings.segments(actorOf(req), req.params.id, req.query),
  );

  app.get(
    '/api/recordings/:id/days/:date',
    {
      config: { auth: { permission: 'device.read' } },
      schema: {
        tags: ['recordings'],
        summary: "A camera's recording on one Beijing day: the spans recorded, the gaps (≥ 2 s) against what its plan expected up to now, the share complete, and the oldest recording held",
        params: Type.Object({ id: IdParams.properties.id, date: IsoDate }, { additionalProperties: false }),
        response: { 200: RefTo(RecordingDay), ...errorResponses },
      },
    },
    async (req) => recordings.day(actorOf(req), req.params.id, req.params.date),
  );
}
