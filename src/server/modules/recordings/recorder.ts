import path from 'node:path';
import { withDecodeTime, type Mp4Fragment, type Mp4Init } from '../../adapters/media/fmp4.ts';
import { BEIJING_OFFSET_MS } from '../../../shared/beijing-time.ts';
import type { RecorderState } from '../../../shared/recordings.ts';
import type { Clock } from '../../clock.ts';
import type { LiveStream, StreamViewer } from '../media/index.ts';
import { SegmentFile, type OpenSegmentFile } from './segment-file.ts';

/** What the recorder of a camera should be doing now (the service decides from the plan and the clock). */
export interface RecorderDesire {
  /** Keep the camera's stream open (recording, or armed with a pre-roll). */
  attach: boolean;
  /** Write segments. */
  write: boolean;
  /** While attached and not writing, keep this much video in memory (alarm mode). */
  preRollMs: number;
}

export interface ClosedSegment {
  deviceId: string;
  universityId: string;
  startMs: number;
  endMs: number;
  /** Relative to the data directory, with forward slashes. */
  path: string;
  bytes: number;
  codec: string;
  initBytes: number;
}

export interface RecorderHooks {
  open(deviceId: string): Promise<LiveStream>;
  indexSegment(segment: ClosedSegment): Promise<void>;
  /** The stream the recorder needs ended or could not start: once per outage. */
  videoLost(atMs: number, reason: string): void;
  /** Video again after an outage. */
  videoRestored(atMs: number, lostMs: number): void;
  /** Recording resumed after a hole in expected recording longer than `gapEventMs`. */
  gapClosed(fromMs: number, toMs: number): void;
  warn(obj: object, message: string): void;
}

export interface RecorderOptions {
  /** Absolute XIAOAN_DATA_DIR: files go under its recordings/ folder. */
  dataDir: string;
  /** A segment is cut at the first keyframe after this much video. */
  segmentMs: number;
  /** Video queued for the disk beyond this is dropped up to the next keyframe (a slow disk never fills memory). */
  maxQueuedBytes: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** A recording gap longer than this is reported as `recording.gap` when it closes. */
  gapEventMs: number;
  openFile: OpenSegmentFile;
}

/** A pre-roll never holds more than this, whatever the bitrate. */
const MAX_RING_BYTES = 64 * 1024 * 1024;
/** A jump in the camera's timestamps larger than this (or backwards) starts a new timeline. */
const MAX_MEDIA_JUMP_MS = 10_000;
/** When the camera's clock and ours drift apart by more, the next segment follows ours again. */
const RESYNC_MS = 1_000;
const DEFAULT_FRAME_MS = 40;

interface Timed {
  f: Mp4Fragment;
  /** Media time since the session's first keyframe. */
  mediaMs: number;
}

/** One stream the recorder is attached to, with its timeline. */
interface Session {
  stream: LiveStream;
  viewer: StreamViewer;
  init: Mp4Init | null;
  base: number | null;
  lastMediaMs: number | null;
  frameMs: number;
  /**
   * Our clock minus media time, at its smallest: the frame that arrived soonest after it was taken
   * gives the truest anchor (a new viewer receives the current GOP at once, seconds after it was taken).
   */
  minOffset: number;
  /** The same over the segment being written, to follow a camera clock slower than ours. */
  segMinOffset: number;
  ring: Timed[];
  ringBytes: number;
  live: boolean;
}

interface OpenSegment {
  file: SegmentFile;
  session: Session;
  init: Mp4Init;
  firstDecode: number;
  firstMediaMs: number;
  lastMediaMs: number;
  estimatedStartMs: number;
}

/**
 * Records one camera: attaches to its live stream as a viewer and writes segment files of
 * init segment + fragments (a playable fragmented MP4, starting at a keyframe, its timeline from
 * zero), cut at the first keyframe after the segment length. Reopens the stream with backoff
 * while it should record, reporting the outage once. In alarm mode it keeps the last seconds in a
 * ring from a keyframe, so a triggered recording starts before the trigger.
 */
export class Recorder {
  private desire: RecorderDesire = { attach: false, write: false, preRollMs: 0 };
  private session: Session | null = null;
  private segment: OpenSegment | null = null;
  /** The end of the last segment of the current session, so the next one continues it exactly. */
  private chained: { session: Session; mediaMs: number; wallMs: number } | null = null;
  private opening = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private attempts = 0;
  private stopped = false;
  private dropping = false;
  private queuedBytes = 0;
  private readonly closing = new Set<Promise<void>>();
  /** Since when recording was expected but nothing was written (null: not expected, or recording). */
  private gapFromMs: number | null = null;
  private outageSinceMs: number | null = null;
  private lastError: string | null = null;
  private state: RecorderState['state'] = 'idle';
  private stateSinceMs: number | null = null;
  private readonly counts = { segmentsWritten: 0, bytesWritten: 0, droppedFragments: 0, writeErrors: 0 };

  constructor(
    readonly deviceId: string,
    readonly universityId: string,
    private readonly clock: Clock,
    private readonly hooks: RecorderHooks,
    private readonly opts: RecorderOptions,
  ) {}

  /** Recording was expected from this instant (a continuous camera's last segment before a restart): the gap is reported when recording resumes. */
  expectSince(ms: number) {
    if (this.gapFromMs === null || ms < this.gapFromMs) this.gapFromMs = ms;
  }

  setDesire(d: RecorderDesire) {
    if (this.stopped) return;
    const was = this.desire;
    this.desire = d;
    if (!d.attach) {
      this.closeSegment();
      this.detach();
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.outageSinceMs = null;
      this.gapFromMs = null;
      this.attempts = 0;
      this.setState('idle');
      return;
    }
    if (d.write && !was.write) {
      this.expectSince(this.clock.now());
      // A triggered recording starts with the pre-roll kept in memory.
      const ring = this.session?.ring ?? [];
      this.clearRing();
      for (const t of ring) this.writeFragment(t);
    } else if (d.preRollMs === 0) this.clearRing();
    if (!d.write && was.write) {
      this.closeSegment();
      this.gapFromMs = null;
    }
    if (this.session?.live) this.setState(d.write ? 'recording' : 'armed');
    if (!this.session && !this.opening && !this.retryTimer) void this.openStream();
  }

  get wantsStream() {
    return this.desire.attach;
  }

  status(): RecorderState {
    return {
      state: this.state,
      since: this.stateSinceMs === null ? null : new Date(this.stateSinceMs).toISOString(),
      lastError: this.lastError,
      outageSince: this.outageSinceMs === null ? null : new Date(this.outageSinceMs).toISOString(),
      ...this.counts,
    };
  }

  /** Closes the open segment (indexed) and lets the stream go. */
  async stop(): Promise<void> {
    this.setDesire({ attach: false, write: false, preRollMs: 0 });
    this.stopped = true;
    await this.settled();
  }

  /** Resolves when every segment closed so far is on disk and in the index. */
  async settled(): Promise<void> {
    while (this.closing.size) await Promise.all([...this.closing]);
  }

  private setState(s: RecorderState['state']) {
    if (s === this.state) return;
    this.state = s;
    this.stateSinceMs = this.clock.now();
  }

  private async openStream() {
    if (this.stopped || this.session || this.opening || !this.desire.attach) return;
    this.opening = true;
    if (this.state !== 'retrying') this.setState('starting');
    let stream: LiveStream;
    try {
      stream = await this.hooks.open(this.deviceId);
    } catch (err) {
      this.opening = false;
      this.lost((err as Error).message);
      return;
    }
    this.opening = false;
    const session: Session = {
      stream,
      viewer: {
        init: (init) => this.onInit(session, init),
        fragment: (f) => this.onFragment(session, f),
        ended: (reason) => this.onEnded(session, reason),
      },
      init: null,
      base: null,
      lastMediaMs: null,
      frameMs: DEFAULT_FRAME_MS,
      minOffset: Infinity,
      segMinOffset: Infinity,
      ring: [],
      ringBytes: 0,
      live: false,
    };
    this.session = session;
    // Attaching, then letting go at once when no longer wanted, starts the stream's linger: it stops by itself.
    stream.attach(session.viewer);
    if (!this.desire.attach || this.stopped) this.detach();
  }

  private detach() {
    const s = this.session;
    if (!s) return;
    this.session = null;
    this.chained = null;
    s.stream.detach(s.viewer);
  }

  private lost(reason: string) {
    this.lastError = reason;
    if (this.stopped || !this.desire.attach) return;
    const now = this.clock.now();
    if (this.outageSinceMs === null) {
      this.outageSinceMs = now;
      this.hooks.videoLost(now, reason);
    }
    this.setState('retrying');
    const delay = Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** this.attempts);
    this.attempts = Math.min(this.attempts + 1, 20);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.openStream();
    }, delay);
    this.retryTimer.unref();
  }

  private onInit(session: Session, init: Mp4Init) {
    if (session !== this.session) return;
    if (session.init && session.init !== init) {
      // A new picture format: what follows cannot go into the same file.
      this.closeSegment();
      this.resetTimeline(session);
    }
    session.init = init;
  }

  private onEnded(session: Session, reason: string) {
    if (session !== this.session) return;
    this.closeSegment();
    this.session = null;
    this.chained = null;
    if (this.desire.write && this.gapFromMs === null) this.gapFromMs = this.clock.now();
    this.lost(reason);
  }

  private resetTimeline(s: Session) {
    s.base = null;
    s.lastMediaMs = null;
    s.minOffset = Infinity;
    s.segMinOffset = Infinity;
    this.chained = null;
    this.clearRing();
  }

  private clearRing() {
    if (!this.session) return;
    this.session.ring = [];
    this.session.ringBytes = 0;
  }

  private onFragment(s: Session, f: Mp4Fragment) {
    if (s !== this.session || !s.init) return;
    const now = this.clock.now();
    if (s.base === null) {
      if (!f.keyframe) return; // a timeline starts at a keyframe
      s.base = f.decodeTime;
    }
    let mediaMs = ((f.decodeTime - s.base) * 1000) / s.init.timescale;
    if (s.lastMediaMs !== null && (mediaMs <= s.lastMediaMs || mediaMs - s.lastMediaMs > MAX_MEDIA_JUMP_MS)) {
      // The camera's timestamps jumped (it restarted its encoder): close what we have and start over at a keyframe.
      this.closeSegment();
      this.resetTimeline(s);
      if (!f.keyframe) return;
      s.base = f.decodeTime;
      mediaMs = 0;
    }
    if (s.lastMediaMs !== null) s.frameMs = mediaMs - s.lastMediaMs;
    s.lastMediaMs = mediaMs;
    s.minOffset = Math.min(s.minOffset, now - mediaMs);
    s.segMinOffset = Math.min(s.segMinOffset, now - mediaMs);

    if (!s.live) {
      s.live = true;
      this.attempts = 0;
      this.lastError = null;
      if (this.outageSinceMs !== null) {
        this.hooks.videoRestored(now, now - this.outageSinceMs);
        this.outageSinceMs = null;
      }
      this.setState(this.desire.write ? 'recording' : 'armed');
    }

    const t: Timed = { f, mediaMs };
    if (this.desire.write) this.writeFragment(t);
    else if (this.desire.preRollMs > 0) this.keepInRing(s, t);
  }

  /** The ring starts at the last keyframe at or before (newest − pre-roll). */
  private keepInRing(s: Session, t: Timed) {
    if (!s.ring.length && !t.f.keyframe) return;
    s.ring.push(t);
    s.ringBytes += t.f.data.length;
    for (;;) {
      const second = s.ring.findIndex((x, i) => i > 0 && x.f.keyframe);
      if (second < 0) break;
      const tooOld = t.mediaMs - s.ring[second]!.mediaMs >= this.desire.preRollMs;
      if (!tooOld && s.ringBytes <= MAX_RING_BYTES) break;
      for (const x of s.ring.splice(0, second)) s.ringBytes -= x.f.data.length;
    }
  }

  private writeFragment(t: Timed) {
    const s = this.session;
    if (!s?.init) return;
    const size = t.f.data.length;
    if (this.dropping) {
      // Resume at a keyframe once the disk has caught up with half of what it may hold.
      if (!t.f.keyframe || this.queuedBytes > this.opts.maxQueuedBytes / 2) {
        this.counts.droppedFragments++;
        return;
      }
      this.dropping = false;
    }
    if (this.segment && this.queuedBytes + size > this.opts.maxQueuedBytes) {
      this.hooks.warn({ deviceId: this.deviceId, queuedBytes: this.queuedBytes }, 'the disk is too slow for this recording: dropping video up to the next keyframe');
      this.closeSegment(t.mediaMs);
      this.dropping = true;
      this.counts.droppedFragments++;
      return;
    }
    if (this.segment && t.f.keyframe && t.mediaMs - this.segment.firstMediaMs >= this.opts.segmentMs) this.closeSegment(t.mediaMs);
    if (!this.segment) {
      if (!t.f.keyframe) return;
      this.openSegment(s, s.init, t);
    }
    const seg = this.segment!;
    seg.lastMediaMs = t.mediaMs;
    this.queue(seg, withDecodeTime(t.f.data, t.f.decodeTime - seg.firstDecode));
  }

  private queue(seg: OpenSegment, parts: Buffer[]) {
    if (seg.file.write(parts)) for (const p of parts) this.queuedBytes += p.length;
  }

  private openSegment(s: Session, init: Mp4Init, first: Timed) {
    const estimatedStartMs = this.startOf(s, first.mediaMs);
    const local = new Date(estimatedStartMs + BEIJING_OFFSET_MS).toISOString(); // 2026-03-05T12:00:00.000Z in Beijing time
    const day = local.slice(0, 10).replace(/-/g, '');
    const time = local.slice(11, 19).replace(/:/g, '');
    const file = new SegmentFile(path.join(this.opts.dataDir, 'recordings', safeName(this.deviceId), day, `${time}.mp4`), this.opts.openFile, (bytes) => {
      this.queuedBytes -= bytes;
    });
    this.segment = { file, session: s, init, firstDecode: first.f.decodeTime, firstMediaMs: first.mediaMs, lastMediaMs: first.mediaMs, estimatedStartMs };
    s.segMinOffset = Infinity;
    this.queue(this.segment, [init.data]);
    if (this.gapFromMs !== null) {
      if (estimatedStartMs - this.gapFromMs > this.opts.gapEventMs) this.hooks.gapClosed(this.gapFromMs, estimatedStartMs);
      this.gapFromMs = null;
    }
  }

  /** Our time of a media instant of the session: continuing the previous segment exactly unless the clocks drifted apart. */
  private startOf(s: Session, mediaMs: number): number {
    if (s.segMinOffset !== Infinity && s.segMinOffset - s.minOffset > RESYNC_MS) s.minOffset = s.segMinOffset; // the camera's clock runs slow
    const estimate = s.minOffset + mediaMs;
    const c = this.chained;
    if (c && c.session === s && c.mediaMs === mediaMs && Math.abs(c.wallMs - estimate) <= RESYNC_MS) return c.wallMs;
    return estimate;
  }

  /** Closes the open segment, ending at `endMediaMs` (the cutting keyframe) or one frame after its last. */
  private closeSegment(endMediaMs?: number) {
    const seg = this.segment;
    if (!seg) return;
    this.segment = null;
    const s = seg.session;
    const end = endMediaMs ?? seg.lastMediaMs + (s.frameMs > 0 && s.frameMs < 1000 ? s.frameMs : DEFAULT_FRAME_MS);
    // The start is settled now that the burst of a new viewer's first GOP has told the true anchor.
    const startMs = Math.round(this.startOf(s, seg.firstMediaMs));
    const endMs = Math.round(startMs + (end - seg.firstMediaMs));
    this.chained = { session: s, mediaMs: end, wallMs: endMs };
    if (this.desire.write && this.gapFromMs === null) this.gapFromMs = endMs; // until the next segment opens
    const done = (async () => {
      const result = await seg.file.finish();
      if ('error' in result) {
        this.counts.writeErrors++;
        this.hooks.warn({ deviceId: this.deviceId, err: result.error }, 'a recording segment could not be written');
        return;
      }
      this.counts.segmentsWritten++;
      this.counts.bytesWritten += result.bytes;
      try {
        await this.hooks.indexSegment({
          deviceId: this.deviceId,
          universityId: this.universityId,
          startMs,
          endMs,
          path: path.relative(this.opts.dataDir, seg.file.absolutePath).split(path.sep).join('/'),
          bytes: result.bytes,
          codec: seg.init.codec,
          initBytes: seg.init.data.length,
        });
      } catch (err) {
        this.hooks.warn({ deviceId: this.deviceId, err }, 'a recording segment could not be indexed');
      }
    })();
    this.closing.add(done);
    void done.finally(() => this.closing.delete(done));
  }
}

/** A device id as a folder name (ids are uuids; anything else is escaped). */
/** The folder of a camera's recordings under `<data>/recordings`. */
export function safeName(id: string): string {
  return /^[A-Za-z0-9_-]+$/.test(id) ? id : encodeURIComponent(id).replace(/%/g, '_');
}
