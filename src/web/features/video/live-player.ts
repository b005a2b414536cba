import type { LiveEndCode, LiveMessage, StreamSourceKind } from '../../../shared/media.ts';

export type LivePlayerState =
  | { kind: 'connecting' }
  | { kind: 'starting'; source: StreamSourceKind }
  | { kind: 'playing'; codec: string; width: number; height: number; transcoded: boolean; firstFrameMs: number; timings: Record<string, number> }
  | { kind: 'unsupported'; codec: string }
  | { kind: 'ended'; code: LiveEndCode | 'connection'; reason: string }
  | { kind: 'error'; code: string; message: string };

/** Live edge: more than this behind and the player jumps forward (a live picture must stay live). */
const MAX_LATENCY_S = 1.2;
/** Buffered video older than this behind the playhead is removed (a wall of 16 must not fill memory). */
const KEEP_BEHIND_S = 20;

/**
 * Live video of one camera into a <video> element: fragmented MP4 from the platform's WebSocket
 * appended to a Media Source Extensions buffer, kept near the live edge. Plain TypeScript so the
 * video wall, the alarm screen and the device drawer share it.
 */
export class LivePlayer {
  private socket: WebSocket | null = null;
  private mediaSource: MediaSource | null = null;
  private buffer: SourceBuffer | null = null;
  private readonly queue: ArrayBuffer[] = [];
  private readonly openedAt = performance.now();
  /** When each step first happened, ms after the player was created (where the time to the first picture goes). */
  private readonly timings: Record<string, number> = {};
  private mark(step: string) {
    this.timings[step] ??= Math.round(performance.now() - this.openedAt);
  }
  private closed = false;
  private playing = false;
  private objectUrl: string | null = null;
  private init: { codec: string; width: number; height: number; transcoded: boolean } | null = null;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly deviceId: string,
    private readonly onState: (state: LivePlayerState) => void,
    /** Ask for an H.264 transcode (after this browser said it cannot decode the camera's codec). */
    transcode = false,
    /** Instead of live video, this span of what the camera's own recorder holds (GB/T 28181 playback). */
    playback?: { from: string; to: string },
  ) {
    this.onState({ kind: 'connecting' });
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const query = playback ? `?${new URLSearchParams(playback).toString()}` : transcode ? '?transcode=h264' : '';
    const socket = new WebSocket(`${scheme}://${location.host}/api/media/${playback ? 'playback' : 'live'}/${encodeURIComponent(deviceId)}${query}`);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => this.mark('socket');
    socket.onmessage = (e) => (typeof e.data === 'string' ? this.control(JSON.parse(e.data) as LiveMessage) : this.media(e.data as ArrayBuffer));
    socket.onclose = () => {
      if (!this.closed && !this.ended) this.finish({ kind: 'ended', code: 'connection', reason: 'connection closed' });
    };
    this.socket = socket;
    this.openMediaSource();
    // The first frame shown: requestVideoFrameCallback says when a frame was presented; 'playing' where it is missing.
    const el = this.video as HTMLVideoElement & { requestVideoFrameCallback?: (cb: () => void) => number };
    if (el.requestVideoFrameCallback) el.requestVideoFrameCallback(() => this.onPlaying());
    else el.addEventListener('playing', this.onPlaying);
    this.video.addEventListener('timeupdate', this.keepLive);
  }

  private ended = false;

  private control(m: LiveMessage) {
    this.mark(m.type);
    if (m.type === 'starting') this.onState({ kind: 'starting', source: m.source });
    else if (m.type === 'init') this.start(m);
    else if (m.type === 'ended') this.finish({ kind: 'ended', code: m.code, reason: m.reason });
    else if (m.type === 'error') this.finish({ kind: 'error', code: m.code, message: m.message });
  }

  private start(m: Extract<LiveMessage, { type: 'init' }>) {
    if (this.buffer || !this.mediaSource) {
      if (!this.mediaSource) this.finish({ kind: 'unsupported', codec: m.codec });
      return;
    }
    if (!MediaSource.isTypeSupported(m.mime)) {
      this.finish({ kind: 'unsupported', codec: m.codec });
      return;
    }
    this.init = { codec: m.codec, width: m.width, height: m.height, transcoded: m.transcoded };
    const ms = this.mediaSource!;
    const addBuffer = () => {
      if (this.closed || this.buffer) return;
      const sb = ms.addSourceBuffer(m.mime);
      sb.mode = 'segments';
      sb.addEventListener('updateend', () => {
        this.seekIntoBuffer();
        this.pump();
      });
      this.buffer = sb;
      this.pump();
    };
    if (ms.readyState === 'open') addBuffer();
    else ms.addEventListener('sourceopen', addBuffer, { once: true });
  }

  /** The MediaSource is opened while the camera starts, so the first fragment finds it ready. */
  private openMediaSource() {
    if (!('MediaSource' in window)) return;
    const ms = new MediaSource();
    this.mediaSource = ms;
    this.objectUrl = URL.createObjectURL(ms);
    this.video.src = this.objectUrl;
    ms.addEventListener('sourceopen', () => this.mark('sourceopen'), { once: true });
  }

  private media(data: ArrayBuffer) {
    if (this.closed) return;
    this.mark(this.timings.firstMedia === undefined && this.timings.initSegment === undefined ? 'initSegment' : 'firstMedia');
    this.queue.push(data);
    // A tab in the background stops playing: keep at most a few seconds queued.
    if (this.queue.length > 400) this.queue.splice(0, this.queue.length - 400);
    this.pump();
  }

  private pump() {
    const sb = this.buffer;
    if (!sb || sb.updating || this.closed) return;
    const v = this.video;
    if (v.buffered.length && v.currentTime - v.buffered.start(0) > KEEP_BEHIND_S * 1.5) {
      sb.remove(v.buffered.start(0), v.currentTime - KEEP_BEHIND_S);
      return;
    }
    const next = this.queue.shift();
    if (!next) return;
    try {
      sb.appendBuffer(next);
    } catch (err) {
      this.finish({ kind: 'error', code: 'MSE', message: (err as Error).message });
    }
    if (v.paused) void v.play().catch(() => undefined);
  }

  /**
   * A viewer joining a running stream gets its current GOP, whose timestamps start wherever the
   * camera is (minutes in), not at 0: the playhead is moved into what is buffered, or the video
   * would wait at 0 for data that never comes.
   */
  private seekIntoBuffer() {
    const v = this.video;
    if (!v.buffered.length) return;
    const start = v.buffered.start(0);
    const end = v.buffered.end(v.buffered.length - 1);
    if (v.currentTime < start || v.currentTime > end) v.currentTime = start;
  }

  private readonly onPlaying = () => {
    if (this.playing || !this.init) return;
    this.playing = true;
    this.onState({ kind: 'playing', ...this.init, firstFrameMs: Math.round(performance.now() - this.openedAt), timings: this.timings });
  };

  private readonly keepLive = () => {
    const v = this.video;
    if (!v.buffered.length) return;
    const edge = v.buffered.end(v.buffered.length - 1);
    if (edge - v.currentTime > MAX_LATENCY_S) v.currentTime = Math.max(edge - 0.3, v.buffered.start(v.buffered.length - 1));
  };

  private finish(state: LivePlayerState) {
    this.ended = true;
    this.onState(state);
    this.close();
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.video.removeEventListener('playing', this.onPlaying);
    this.video.removeEventListener('timeupdate', this.keepLive);
    this.socket?.close();
    this.socket = null;
    if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
    this.buffer = null;
    this.mediaSource = null;
  }

  /** Which camera this player shows (for the wall's tiles). */
  get camera() {
    return this.deviceId;
  }
}
