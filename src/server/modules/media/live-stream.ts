import type { LiveEndCode, StreamSourceKind } from '../../../shared/media.ts';
import type { RemuxInput } from '../../adapters/media/ffmpeg.ts';
import type { Mp4Fragment, Mp4Init } from '../../adapters/media/fmp4.ts';
import { PsRemuxer, type RemuxerEvents } from '../../adapters/media/ps-remuxer.ts';
import { Remuxer } from './remuxer.ts';

/** Someone who receives a stream's fragments: a browser viewer, later a recorder. */
export interface StreamViewer {
  init(init: Mp4Init): void;
  fragment(fragment: Mp4Fragment): void;
  ended(reason: string, code: LiveEndCode): void;
}

/** Where a camera's video comes from: it starts the camera sending and feeds the stream. */
export interface StreamSource {
  readonly kind: StreamSourceKind;
  /** Starts the camera; resolves with how to stop it. Rejects with the reason the camera gave. */
  start(stream: LiveStream): Promise<() => void>;
}

export interface LiveStreamOptions {
  ffmpeg: string;
  /**
   * Who turns a GB/T 28181 program stream into fMP4: `builtin` (adapters/media/ps-remuxer.ts, in
   * the RTP thread when the receiver is there) or one ffmpeg per stream. Default builtin.
   */
  psRemuxer?: 'builtin' | 'ffmpeg';
  /** How long a stream nobody watches goes on before it is stopped (a viewer switching back starts at once). */
  lingerMs: number;
  /** The camera must send its first picture within this time. */
  startTimeoutMs: number;
  /** A live stream without a new frame for this long is lost. */
  stallMs: number;
}

/** The current GOP kept for new viewers stays under this size; a longer GOP is not cached (viewers wait for the next keyframe). */
const MAX_GOP_BYTES = 12 * 1024 * 1024;

/**
 * A camera's live video while anyone needs it: one camera session and one remuxer, fanned out to
 * every viewer. The init segment and the fragments since the last keyframe are kept, so a viewer
 * who joins sees a picture at once instead of waiting for the next keyframe.
 */
export class LiveStream {
  state: 'starting' | 'live' | 'ended' = 'starting';
  readonly startedAtMs = performance.now();
  firstFrameAtMs: number | null = null;
  endedReason: string | null = null;
  endedCode: LiveEndCode | null = null;
  init: Mp4Init | null = null;
  fragments = 0;
  bytes = 0;
  /** Transport figures of the camera side (GB: RTP received, lost, reordered), set by the source. */
  stats: () => Record<string, number> = () => ({});
  private gop: Mp4Fragment[] = [];
  private gopBytes = 0;
  private readonly viewers = new Set<StreamViewer>();
  private remuxer: { write(bytes: Buffer, endOfFrame?: boolean): void; stop(): void } | null = null;
  private stopSource: (() => void) | null = null;
  private linger: NodeJS.Timeout | null = null;
  private readonly watchdog: NodeJS.Timeout;
  private lastFragmentAtMs = performance.now();

  constructor(
    readonly deviceId: string,
    readonly source: StreamSource,
    private readonly opts: LiveStreamOptions,
    private readonly onEnded: (stream: LiveStream) => void,
  ) {
    this.watchdog = setInterval(() => this.checkAlive(), 500);
    this.watchdog.unref();
  }

  /** Starts the camera; the stream ends (with the reason) if it cannot. */
  async begin(): Promise<void> {
    try {
      const stop = await this.source.start(this);
      if (this.state === 'ended') stop();
      else this.stopSource = stop;
    } catch (err) {
      this.end((err as Error).message, 'camera_refused');
    }
  }

  /**
   * Starts ffmpeg for the source's input. A GB source starts it before the INVITE, guessing H.264
   * (ffmpeg takes ~150 ms to load, which then overlaps the signalling), and replaces it with
   * `replace` when the stream map names another codec (H.265 must be tagged hvc1).
   */
  openRemuxer(input: RemuxInput, replace = false) {
    if (this.state === 'ended' || (this.remuxer && !replace)) return;
    const previous = this.remuxer;
    const events: RemuxerEvents = {
      init: (init) => this.onInit(init),
      fragment: (f) => this.onFragment(f),
      exit: (reason) => this.remuxer === remuxer && this.end(reason, 'media_error'),
    };
    // The builtin remuxer reads the codec from the stream map itself: a guess is never replaced.
    const remuxer = input.kind === 'ps' && this.remuxesProgramStreams ? new PsRemuxer(input.codec, events) : new Remuxer(this.opts.ffmpeg, input, events);
    this.remuxer = remuxer;
    previous?.stop();
  }

  /** Whether program streams are remuxed in-process (XIAOAN_MEDIA_REMUXER=builtin) rather than by ffmpeg. */
  get remuxesProgramStreams(): boolean {
    return (this.opts.psRemuxer ?? 'builtin') === 'builtin';
  }

  /** Where a remuxer running elsewhere (the RTP thread) delivers this stream's init segment and fragments. */
  readonly remuxOutput: RemuxerEvents = {
    init: (init) => this.state !== 'ended' && this.onInit(init),
    fragment: (f) => this.state !== 'ended' && this.onFragment(f),
    exit: (reason) => this.end(reason, 'media_error'),
  };

  /** Input bytes for the remuxer: a GB/T 28181 program stream (`endOfFrame` at a frame's end), or another stream's fMP4 to transcode. */
  feed(bytes: Buffer, endOfFrame = false) {
    this.remuxer?.write(bytes, endOfFrame);
  }

  private onInit(init: Mp4Init) {
    this.init = init;
    for (const v of this.viewers) v.init(init);
  }

  private onFragment(f: Mp4Fragment) {
    this.fragments++;
    this.bytes += f.data.length;
    this.lastFragmentAtMs = performance.now();
    if (this.state === 'starting') {
      this.state = 'live';
      this.firstFrameAtMs = this.lastFragmentAtMs;
    }
    if (f.keyframe) {
      this.gop = [];
      this.gopBytes = 0;
    }
    if (this.gopBytes + f.data.length <= MAX_GOP_BYTES && (f.keyframe || this.gop.length)) {
      this.gop.push(f);
      this.gopBytes += f.data.length;
    } else {
      this.gop = [];
      this.gopBytes = 0;
    }
    for (const v of this.viewers) v.fragment(f);
  }

  /** Adds a viewer: it gets the init segment and the current GOP at once, then every new fragment. */
  attach(viewer: StreamViewer) {
    if (this.state === 'ended') return viewer.ended(this.endedReason ?? 'ended', this.endedCode ?? 'media_error');
    if (this.linger) clearTimeout(this.linger);
    this.linger = null;
    this.viewers.add(viewer);
    if (this.init) {
      viewer.init(this.init);
      for (const f of this.gop) viewer.fragment(f);
    }
  }

  detach(viewer: StreamViewer) {
    this.viewers.delete(viewer);
    if (this.viewers.size || this.state === 'ended' || this.linger) return;
    this.linger = setTimeout(() => this.end('nobody is watching', 'idle'), this.opts.lingerMs);
    this.linger.unref();
  }

  get viewerCount() {
    return this.viewers.size;
  }

  private checkAlive() {
    const now = performance.now();
    if (this.state === 'starting' && now - this.startedAtMs > this.opts.startTimeoutMs) this.end(`no video from the camera within ${Math.round(this.opts.startTimeoutMs / 1000)} s`, 'no_video');
    else if (this.state === 'live' && now - this.lastFragmentAtMs > this.opts.stallMs) this.end(`the video stopped (nothing for ${Math.round(this.opts.stallMs / 1000)} s)`, 'stalled');
  }

  end(reason: string, code: LiveEndCode = 'media_error') {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.endedReason = reason;
    this.endedCode = code;
    clearInterval(this.watchdog);
    if (this.linger) clearTimeout(this.linger);
    this.remuxer?.stop();
    try {
      this.stopSource?.();
    } catch {
      // the camera side is already gone
    }
    for (const v of this.viewers) v.ended(reason, code);
    this.viewers.clear();
    this.gop = [];
    this.onEnded(this);
  }
}
