import type {} from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { WebSocket } from 'ws';
import { LiveStreamStatus, type LiveMessage } from '../../../shared/media.ts';
import { AppError } from '../../http/errors.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, IdParams } from '../../http/schemas.ts';
import type { LiveStream, StreamViewer } from './live-stream.ts';
import type { MediaService } from './media.service.ts';

/** A viewer further behind than this skips to the next keyframe instead of queueing video without end. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export function mediaRoutes(fastify: FastifyInstance, media: MediaService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/media/live/:id',
    {
      websocket: true,
      config: { auth: { permission: 'video.view' } },
      schema: {
        tags: ['media'],
        summary:
          'WebSocket: live video of a camera. Text frames are JSON (starting, init with the MSE codec, ended, error); binary frames are fragmented MP4 — the init segment, the current GOP, then each new frame. The stream starts on the first viewer and stops shortly after the last leaves.',
        params: IdParams,
        querystring: Type.Object({ transcode: Type.Optional(Type.Literal('h264', { description: 'Re-encode to H.264 (for browsers that cannot decode H.265; limited per server)' })) }, { additionalProperties: false }),
      },
    },
    async (socket, req) => serveStream(socket, () => media.live(actorOf(req), req.params.id, { transcode: req.query.transcode === 'h264' })),
  );

  app.get(
    '/api/media/playback/:id',
    {
      websocket: true,
      config: { auth: { permission: 'video.view' } },
      schema: {
        tags: ['media'],
        summary:
          "WebSocket: a span of what the camera's own recorder holds (GB/T 28181 INVITE s=Playback), played at 1× for this viewer, in the messages of /api/media/live/:id; ends with code playback_ended when the recorder reports the end. Audited as video.playback. Spans come from GET /api/devices/:id/gb28181/records",
        params: IdParams,
        querystring: Type.Object({ from: Type.String({ format: 'date-time' }), to: Type.String({ format: 'date-time', description: 'At most 24 hours after from' }) }, { additionalProperties: false }),
      },
    },
    async (socket, req) => serveStream(socket, () => media.playback(actorOf(req), req.params.id, req.query)),
  );

  app.get(
    '/api/media/streams',
    {
      config: { auth: { permission: 'video.view' } },
      schema: {
        tags: ['media'],
        summary: 'Live streams running now in your university: source, state, time to first picture, viewers, codec, RTP loss',
        response: { 200: Type.Array(LiveStreamStatus), ...errorResponses },
      },
    },
    async (req) => media.list(actorOf(req)),
  );

  app.get(
    '/api/media/streams/:id',
    {
      config: { auth: { permission: 'video.view' } },
      schema: { tags: ['media'], summary: 'The live stream of one camera, if it is running', params: IdParams, response: { 200: Type.Union([LiveStreamStatus, Type.Null()]), ...errorResponses } },
    },
    async (req) => media.streamOf(actorOf(req), req.params.id),
  );
}

/** Opens the stream for one WebSocket viewer; a refusal (not a camera, no video path, bad span) is an error message, then close. */
async function serveStream(socket: WebSocket, open: () => Promise<LiveStream>) {
  const send = (m: LiveMessage) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(m));
  let stream: LiveStream;
  try {
    stream = await open();
  } catch (err) {
    const e = err instanceof AppError ? err : null;
    send({ type: 'error', code: e?.code ?? 'XIAOAN_INTERNAL', message: (err as Error).message, details: e?.details ?? [] });
    socket.close(1011, 'no video');
    return;
  }
  send({ type: 'starting', source: stream.source.kind });
  const viewer = socketViewer(socket, send, stream.source.kind === 'transcode');
  stream.attach(viewer);
  socket.on('close', () => stream.detach(viewer));
}

function socketViewer(socket: WebSocket, send: (m: LiveMessage) => void, transcoded: boolean): StreamViewer {
  let skipping = false;
  return {
    init: (init) => {
      send({ type: 'init', codec: init.codec, mime: `video/mp4; codecs="${init.codec}"`, width: init.width, height: init.height, transcoded });
      if (socket.readyState === socket.OPEN) socket.send(init.data);
    },
    fragment: (f) => {
      if (socket.readyState !== socket.OPEN) return;
      // A slow viewer (a far workstation, a busy browser) loses frames up to the next keyframe, never the others' stream.
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) skipping = true;
      if (skipping && !f.keyframe) return;
      skipping = false;
      socket.send(f.data);
    },
    ended: (reason, code) => {
      send({ type: 'ended', code, reason });
      socket.close(1000, 'ended');
    },
  };
}
