import { CAMERA_KINDS } from '../../../shared/domain.ts';
import type { LiveStreamStatus } from '../../../shared/media.ts';
import { AppError, invalidField } from '../../http/errors.ts';
import { uuid7 } from '../../util/uuid7.ts';
import type { Actor } from '../../http/policy.ts';
import type { Clock } from '../../clock.ts';
import type { AuditService } from '../audit/index.ts';
import type { DevicesService } from '../devices/index.ts';
import { LiveStream, type LiveStreamOptions, type StreamSource } from './live-stream.ts';
import { transcodeSource } from './sources.ts';

/** The longest span one recorder playback may ask for. */
const MAX_PLAYBACK_S = 24 * 3600;

/**
 * Live video on demand: the first viewer of a camera starts its stream, later viewers share it,
 * and it stops a little after the last one leaves. Who opened which camera's live video is in the
 * audit log (watching people is processing their personal information).
 */
export class MediaService {
  private readonly streams = new Map<string, LiveStream>();
  private readonly startedAt = new Map<LiveStream, string>();
  private stopping = false;

  constructor(
    private readonly devices: Pick<DevicesService, 'get'>,
    private readonly audit: Pick<AuditService, 'recordAlone'>,
    private readonly clock: Clock,
    private readonly findSource: (deviceId: string) => Promise<StreamSource | null>,
    private readonly findPlaybackSource: (deviceId: string, span: { startS: number; endS: number }) => Promise<StreamSource | null>,
    private readonly opts: Omit<LiveStreamOptions, 'ffmpeg'> & { ffmpeg: string | null; maxTranscodes: number },
  ) {}

  /**
   * The live stream of a camera the actor may see, started if it is not running. Throws 404 for a
   * camera outside the actor's university, 409 for a device that is not a camera or has no video
   * path, 503 when the stream needs ffmpeg (RTSP, transcode, XIAOAN_MEDIA_REMUXER=ffmpeg) and there is none.
   */
  async live(actor: Actor, deviceId: string, opts: { transcode?: boolean } = {}): Promise<LiveStream> {
    const device = await this.devices.get(actor, deviceId);
    if (!CAMERA_KINDS.includes(device.kind)) throw new AppError('XIAOAN_MEDIA_NO_VIDEO', `${device.name} is not a camera`);
    const stream = opts.transcode ? await this.transcoded(deviceId, device.name) : await this.open(deviceId, device.name);
    await this.audit.recordAlone(actor, { action: 'video.live_view', entityType: 'device', entityId: deviceId, universityId: device.universityId });
    return stream;
  }

  /**
   * The camera's live stream for the platform itself (recording, alarm video), started if need be:
   * no actor, no audit. The caller attaches a viewer to keep it running and detaches when done.
   */
  async open(deviceId: string, name = 'the camera'): Promise<LiveStream> {
    if (this.stopping) throw new AppError('XIAOAN_MEDIA_UNAVAILABLE', 'the platform is stopping');
    const stream = this.streams.get(deviceId);
    if (stream && stream.state !== 'ended') return stream;
    const source = await this.findSource(deviceId);
    if (!source) throw new AppError('XIAOAN_MEDIA_NO_VIDEO', `${name} has no video path: it is neither registered over GB/T 28181 nor added as an ONVIF camera`);
    if (!this.remuxesBuiltin(source)) this.needFfmpeg();
    return this.start(deviceId, deviceId, source);
  }

  private needFfmpeg() {
    if (!this.opts.ffmpeg) throw new AppError('XIAOAN_MEDIA_UNAVAILABLE', 'no ffmpeg on this server: install Debian ffmpeg or run npm install (it brings one)');
  }

  /** GB/T 28181 video (live or the recorder's playback) remuxed by the builtin remuxer needs no ffmpeg; RTSP and transcodes do. */
  private remuxesBuiltin(source: StreamSource) {
    return (source.kind === 'gb28181' || source.kind === 'gb28181-playback') && (this.opts.psRemuxer ?? 'builtin') === 'builtin';
  }

  /**
   * A span of what the camera's own recorder (NVR/DVR) holds, played back over GB/T 28181
   * (INVITE s=Playback) at 1×, for one viewer: it ends when the recording does or the viewer
   * leaves. Audited as video.playback. 409 for a camera not reachable over GB/T 28181.
   */
  async playback(actor: Actor, deviceId: string, span: { from: string; to: string }): Promise<LiveStream> {
    const device = await this.devices.get(actor, deviceId);
    if (!CAMERA_KINDS.includes(device.kind)) throw new AppError('XIAOAN_MEDIA_NO_VIDEO', `${device.name} is not a camera`);
    const startS = Math.floor(Date.parse(span.from) / 1000);
    const endS = Math.ceil(Date.parse(span.to) / 1000);
    if (startS * 1000 > this.clock.now()) throw invalidField('from', 'is in the future: nothing is recorded yet');
    if (endS <= startS) throw invalidField('to', 'must be after from');
    if (endS - startS > MAX_PLAYBACK_S) throw invalidField('to', `a playback spans at most ${MAX_PLAYBACK_S / 3600} hours`);
    if (this.stopping) throw new AppError('XIAOAN_MEDIA_UNAVAILABLE', 'the platform is stopping');
    const source = await this.findPlaybackSource(deviceId, { startS, endS });
    if (!source) throw new AppError('XIAOAN_MEDIA_NO_VIDEO', `${device.name} is not registered over GB/T 28181: its recorder cannot be asked for recordings (play the platform's own recordings instead)`);
    if (!this.remuxesBuiltin(source)) this.needFfmpeg();
    const stream = this.start(`${deviceId}@playback:${uuid7()}`, deviceId, source, { lingerMs: 0 });
    await this.audit.recordAlone(actor, {
      action: 'video.playback',
      entityType: 'device',
      entityId: deviceId,
      universityId: device.universityId,
      after: { source: 'recorder', from: new Date(startS * 1000).toISOString(), to: new Date(endS * 1000).toISOString() },
    });
    return stream;
  }

  private start(key: string, deviceId: string, source: StreamSource, overrides: Partial<LiveStreamOptions> = {}): LiveStream {
    const existing = this.streams.get(key);
    if (existing && existing.state !== 'ended') return existing;
    const created = new LiveStream(deviceId, source, { ...this.opts, ffmpeg: this.opts.ffmpeg ?? 'ffmpeg' /* not started without one: needFfmpeg */, ...overrides }, (ended) => {
      if (this.streams.get(key) === ended) this.streams.delete(key);
      this.startedAt.delete(ended);
    });
    this.streams.set(key, created);
    this.startedAt.set(created, this.clock.nowIso());
    void created.begin();
    return created;
  }

  /**
   * The camera's stream re-encoded to H.264, shared by every viewer who needs it. Transcoding
   * costs a third of a core per 1080p stream, so only `maxTranscodes` run at once; the next asker
   * is told so (503) instead of slowing every stream down.
   */
  private async transcoded(deviceId: string, name: string): Promise<LiveStream> {
    const key = `${deviceId}#h264`;
    const running = this.streams.get(key);
    if (running && running.state !== 'ended') return running;
    this.needFfmpeg();
    const transcodes = [...this.streams.values()].filter((s) => s.source.kind === 'transcode' && s.state !== 'ended').length;
    if (transcodes >= this.opts.maxTranscodes) throw new AppError('XIAOAN_MEDIA_UNAVAILABLE', `${transcodes} transcodes to H.264 are running, the most this server allows (XIAOAN_MEDIA_MAX_TRANSCODES): watch on a workstation that decodes H.265, or close another transcoded view`);
    return this.start(key, deviceId, transcodeSource(() => this.open(deviceId, name)));
  }

  /** Running streams of the actor's university (or all, for the city), for the media status page. */
  async list(actor: Actor): Promise<LiveStreamStatus[]> {
    const out: LiveStreamStatus[] = [];
    for (const s of this.streams.values()) {
      try {
        await this.devices.get(actor, s.deviceId);
      } catch {
        continue;
      }
      out.push(this.statusOf(s));
    }
    return out;
  }

  /** The running stream of one camera, or null; 404 for a device outside the actor's university (like every id route). */
  async streamOf(actor: Actor, deviceId: string): Promise<LiveStreamStatus | null> {
    await this.devices.get(actor, deviceId);
    const s = this.streams.get(deviceId);
    return s ? this.statusOf(s) : null;
  }

  statusOf(s: LiveStream): LiveStreamStatus {
    return {
      deviceId: s.deviceId,
      source: s.source.kind,
      state: s.state,
      startedAt: this.startedAt.get(s) ?? this.clock.nowIso(),
      firstFrameMs: s.firstFrameAtMs === null ? null : Math.round(s.firstFrameAtMs - s.startedAtMs),
      viewers: s.viewerCount,
      codec: s.init?.codec ?? null,
      width: s.init?.width ?? null,
      height: s.init?.height ?? null,
      fragments: s.fragments,
      bytes: s.bytes,
      transport: s.stats(),
      endedReason: s.endedReason,
      endedCode: s.endedCode,
    };
  }

  stop() {
    this.stopping = true;
    for (const s of [...this.streams.values()]) s.end('the platform is stopping', 'stopping');
  }
}
