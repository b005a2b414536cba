import { Type, type Static } from 'typebox';
import { Nullable, StringEnum } from './schema.ts';

/** Where a stream comes from: the camera over GB/T 28181 (live, or its recorder's playback) or RTSP, or an H.264 transcode of another stream (for browsers without H.265). */
export const STREAM_SOURCES = ['gb28181', 'gb28181-playback', 'rtsp', 'transcode'] as const;
export type StreamSourceKind = (typeof STREAM_SOURCES)[number];

/** Why a live stream ended, for the viewer's words (the English reason has the details). */
export const LIVE_END_CODES = ['idle', 'camera_hangup', 'camera_refused', 'no_video', 'stalled', 'media_error', 'stopping', 'source_ended', 'playback_ended'] as const;
export type LiveEndCode = (typeof LIVE_END_CODES)[number];

/** A running live stream, as the media status page and tests see it. */
export const LiveStreamStatus = Type.Object(
  {
    deviceId: Type.String(),
    source: StringEnum(STREAM_SOURCES),
    state: StringEnum(['starting', 'live', 'ended'] as const),
    startedAt: Type.String(),
    /** From the start of the stream to its first picture on the platform. */
    firstFrameMs: Nullable(Type.Integer()),
    viewers: Type.Integer(),
    codec: Nullable(Type.String({ description: 'RFC 6381 codec string, e.g. avc1.64001f' })),
    width: Nullable(Type.Integer()),
    height: Nullable(Type.Integer()),
    fragments: Type.Integer(),
    bytes: Type.Integer(),
    /** Camera-side figures: RTP packets received, lost, reordered, late, foreign (GB/T 28181). */
    transport: Type.Record(Type.String(), Type.Number()),
    endedReason: Nullable(Type.String()),
    endedCode: Nullable(StringEnum(LIVE_END_CODES)),
  },
  { $id: 'LiveStreamStatus' },
);
export type LiveStreamStatus = Static<typeof LiveStreamStatus>;

/**
 * The live video WebSocket (`/api/media/live/:deviceId`): text frames are JSON control messages,
 * binary frames are fragmented MP4 (first the init segment, then fragments) for Media Source
 * Extensions.
 */
export type LiveMessage =
  | { type: 'starting'; source: StreamSourceKind }
  | { type: 'init'; codec: string; mime: string; width: number; height: number; transcoded: boolean }
  | { type: 'ended'; code: LiveEndCode; reason: string }
  /** Refused: `details` name the field and the reason when the request itself was wrong (a playback span). */
  | { type: 'error'; code: string; message: string; details?: { field: string; reason: string }[] };
