/**
 * Video media (视频): live video of GB/T 28181 and ONVIF/RTSP cameras, started on demand and
 * shared by every viewer, stream-copied into fragmented MP4 for the browser (GB/T 28181 by the
 * builtin remuxer in the RTP thread, RTSP and transcodes by ffmpeg).
 */
import type { Clock } from '../../clock.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { ModuleFace } from '../module.ts';
import type { StreamSource } from './live-stream.ts';
import { mediaRoutes } from './media.routes.ts';
import { MediaService } from './media.service.ts';

export { MediaService } from './media.service.ts';
export { gbSource, playbackSourceOf, rtspSource, sourceOf, transcodeSource, type GbMediaSettings, type NewReceiver } from './sources.ts';
export type { LiveStream, StreamViewer, StreamSource } from './live-stream.ts';

export function createMediaModule(d: {
  devices: DevicesService;
  audit: AuditService;
  clock: Clock;
  ffmpeg: string | null;
  findSource: (deviceId: string) => Promise<StreamSource | null>;
  /** A span of a camera's own recorder (GB/T 28181 playback), or null when it has none. */
  findPlaybackSource: (deviceId: string, span: { startS: number; endS: number }) => Promise<StreamSource | null>;
  lingerMs: number;
  psRemuxer: 'builtin' | 'ffmpeg';
  startTimeoutMs: number;
  stallMs: number;
  maxTranscodes: number;
  /** The RTP thread, ended when the module stops. */
  rtpReceivers?: { close(): Promise<void> };
}) {
  const media = new MediaService(d.devices, d.audit, d.clock, d.findSource, d.findPlaybackSource, { ffmpeg: d.ffmpeg, psRemuxer: d.psRemuxer, lingerMs: d.lingerMs, startTimeoutMs: d.startTimeoutMs, stallMs: d.stallMs, maxTranscodes: d.maxTranscodes });
  const face: ModuleFace = {
    name: 'media',
    tables: [],
    routes: (app) => mediaRoutes(app, media),
    stop: async () => {
      media.stop();
      await d.rtpReceivers?.close();
    },
  };
  return { face, media };
}
