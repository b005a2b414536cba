import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isKeyframeNal, NAL_TYPES, nalPositions, nalUnitType } from '../../adapters/media/annexb.ts';
import { findFfmpeg } from '../../adapters/media/ffmpeg.ts';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Test video for the simulated cameras: ffmpeg's `testsrc2` (a moving picture, so consecutive
 * frames differ) encoded once into an Annex-B elementary stream, cut into access units, and a
 * pacer that plays them in a loop at the frame rate, as a camera's encoder would hand them out.
 * Encoding happens once per set of options; afterwards every channel streams the cached frames
 * without any encoding cost.
 */

export type VideoCodec = 'h264' | 'h265';

/** One coded picture: its NAL units in Annex-B form (start codes included, AUD first). */
export interface AccessUnit {
  data: Buffer;
  /** Contains an IDR picture (H.264 NAL type 5; H.265 IRAP types 16–21), so decoding can start here. */
  keyframe: boolean;
}

export interface TestPattern {
  codec: VideoCodec;
  width: number;
  height: number;
  fps: number;
  frames: AccessUnit[];
}

export interface TestPatternOptions {
  codec: VideoCodec;
  width: number;
  height: number;
  fps: number;
  /** Frames from one keyframe to the next (the GOP; a camera's "I-frame interval"). */
  gopFrames: number;
  /** Length of the encoded clip; it loops. */
  seconds: number;
  /** Where encoded clips are kept between runs. */
  cacheDir: string;
  ffmpegPath?: string;
}

/** Bumped whenever the encoder settings change, so stale cache files are not reused. */
const ENCODING_VERSION = 1;

/** The ffmpeg to run: the one asked for, else the platform's choice (adapters/media/ffmpeg.ts: system, then npm's static build). */
export async function resolveFfmpeg(explicitPath?: string): Promise<string> {
  if (explicitPath) {
    if (!existsSync(explicitPath)) throw new Error(`ffmpeg not found at ${explicitPath}`);
    return explicitPath;
  }
  const found = findFfmpeg();
  if (!found) throw new Error('no ffmpeg: install the system package (apt-get install ffmpeg) or the npm package @ffmpeg-installer/ffmpeg, or pass ffmpegPath');
  return found;
}

/** Bits per pixel per frame: about 4 Mbit/s at 1080p25, 1.8 Mbit/s at 720p25 (H.265 gets half). */
const BITS_PER_PIXEL = 0.08;

function encoderArguments(opts: TestPatternOptions): string[] {
  const kbps = Math.max(100, Math.round((opts.width * opts.height * opts.fps * BITS_PER_PIXEL) / 1000 / (opts.codec === 'h265' ? 2 : 1)));
  // A constrained bitrate keeps keyframes from dwarfing the rest, as a camera's CBR does.
  const rate = ['-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps}k`];
  if (opts.codec === 'h264') {
    // No B-frames (PTS = DTS, as GB devices send), an AUD before every picture to cut on, and a
    // fixed GOP. x264 repeats SPS/PPS before every IDR when writing a raw stream.
    return ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', String(opts.gopFrames), '-keyint_min', String(opts.gopFrames), '-sc_threshold', '0', '-bf', '0', '-x264-params', 'aud=1', ...rate, '-pix_fmt', 'yuv420p', '-f', 'h264'];
  }
  // Closed GOPs so every keyframe is an IDR a receiver can start at; VPS/SPS/PPS before each.
  const x265 = `keyint=${opts.gopFrames}:min-keyint=${opts.gopFrames}:scenecut=0:open-gop=0:bframes=0:aud=1:repeat-headers=1:log-level=error`;
  return ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', x265, ...rate, '-pix_fmt', 'yuv420p', '-f', 'hevc'];
}

function cacheFileName(opts: TestPatternOptions): string {
  const extension = opts.codec === 'h264' ? 'h264' : 'h265';
  return `xiaoan-testsrc2-v${ENCODING_VERSION}-${opts.codec}-${opts.width}x${opts.height}-${opts.fps}fps-gop${opts.gopFrames}-${opts.seconds}s.${extension}`;
}

/** Encodes in progress, so that channels asking for the same clip at once share one ffmpeg run. */
const encodesInProgress = new Map<string, Promise<void>>();

async function encodeTestPattern(opts: TestPatternOptions, file: string): Promise<void> {
  const ffmpeg = await resolveFfmpeg(opts.ffmpegPath);
  await mkdir(opts.cacheDir, { recursive: true });
  // Written under a temporary name and renamed: a reader (or a parallel test process) never sees half a file.
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const args = [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${opts.width}x${opts.height}:rate=${opts.fps}`,
    '-t', String(opts.seconds), '-threads', '2',
    ...encoderArguments(opts),
    temporary,
  ];
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(ffmpeg, args, { maxBuffer: 1 << 20 }, (err, _stdout, stderr) => (err ? reject(new Error(`ffmpeg could not encode the test pattern: ${stderr || err.message}`)) : resolve()));
    });
    await rename(temporary, file);
  } finally {
    await rm(temporary, { force: true });
  }
}

/** The test pattern for these options, encoded on first use and read from the cache afterwards. */
export async function testPattern(opts: TestPatternOptions): Promise<TestPattern> {
  for (const key of ['width', 'height', 'fps', 'gopFrames', 'seconds'] as const) {
    if (!Number.isInteger(opts[key]) || opts[key] <= 0) throw new Error(`test pattern ${key} must be a positive integer, got ${opts[key]}`);
  }
  if (opts.width % 2 || opts.height % 2) throw new Error('test pattern width and height must be even (4:2:0 video)');
  const file = path.join(opts.cacheDir, cacheFileName(opts));
  if (!existsSync(file)) {
    let encoding = encodesInProgress.get(file);
    if (!encoding) {
      encoding = encodeTestPattern(opts, file).finally(() => encodesInProgress.delete(file));
      encodesInProgress.set(file, encoding);
    }
    await encoding;
  }
  const frames = splitAccessUnits(await readFile(file), opts.codec);
  if (!frames.length || !frames[0]!.keyframe) throw new Error(`${file} does not start with a keyframe; delete it to re-encode`);
  return { codec: opts.codec, width: opts.width, height: opts.height, fps: opts.fps, frames };
}

// ---------------------------------------------------------------------------------------------
// Annex-B parsing

export { NAL_TYPES, nalUnitType, nalUnits } from '../../adapters/media/annexb.ts';

/** Cuts an Annex-B stream into access units at each access unit delimiter (the encoder was told to write them). */
export function splitAccessUnits(stream: Buffer, codec: VideoCodec): AccessUnit[] {
  const delimiter = NAL_TYPES[codec].accessUnitDelimiter;
  const units: AccessUnit[] = [];
  let unitStart = -1;
  let keyframe = false;
  for (const position of nalPositions(stream)) {
    if (position.header >= stream.length) break;
    const type = nalUnitType(stream.subarray(position.header), codec);
    if (type === delimiter) {
      if (unitStart >= 0) units.push({ data: stream.subarray(unitStart, position.startCode), keyframe });
      unitStart = position.startCode;
      keyframe = false;
    } else if (isKeyframeNal(type, codec)) {
      keyframe = true;
    }
  }
  if (unitStart >= 0) units.push({ data: stream.subarray(unitStart), keyframe });
  return units;
}

// ---------------------------------------------------------------------------------------------
// Pacing

/** A frame as handed out by the pacer. */
export interface PacedFrame {
  unit: AccessUnit;
  /** Index into the pattern's frames. */
  index: number;
  /** How many frames this pacer has handed out before this one. */
  sequence: number;
  /** Presentation time in 90 kHz units: grows by one frame duration per frame, across loop restarts, without wrapping (wrap it where it is written: 33 bits in PS, 32 in RTP). */
  pts90k: number;
}

export interface FramePacerOptions {
  /** Start in the middle of the first GOP instead of at a keyframe, as a camera joined mid-stream does. */
  startMidGop?: boolean;
  /** Timestamp of the first frame (90 kHz). Default: random in [0, 2^31), as RFC 3550 recommends for RTP. */
  firstPts90k?: number;
  /** When sending falls this far behind the clock (a blocked event loop), restart the schedule instead of sending a burst. */
  maxLagMs?: number;
}

/**
 * Hands out a pattern's frames in a loop at its frame rate. Timers are scheduled against
 * `performance.now()` from the start, so timer lateness does not accumulate into a slower stream.
 */
export class FramePacer {
  private timer: NodeJS.Timeout | null = null;
  private index: number;
  private sequence = 0;
  private readonly firstPts90k: number;
  private scheduleStartMs = 0;
  private scheduleStartSequence = 0;
  private readonly frameMs: number;
  private readonly maxLagMs: number;

  constructor(
    private readonly pattern: TestPattern,
    private readonly onFrame: (frame: PacedFrame) => void,
    opts: FramePacerOptions = {},
  ) {
    if (!pattern.frames.length) throw new Error('the test pattern has no frames');
    this.index = opts.startMidGop ? midGopIndex(pattern) : 0;
    this.firstPts90k = opts.firstPts90k ?? Math.floor(Math.random() * 2 ** 31);
    this.frameMs = 1000 / pattern.fps;
    this.maxLagMs = opts.maxLagMs ?? 1000;
  }

  get running() {
    return this.timer !== null;
  }

  /** The timestamp the next frame will carry. */
  get nextPts90k() {
    return this.ptsOf(this.sequence);
  }

  start() {
    if (this.timer) return;
    this.scheduleStartMs = performance.now();
    this.scheduleStartSequence = this.sequence;
    this.timer = setTimeout(() => this.tick(), 0);
  }

  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private ptsOf(sequence: number) {
    return this.firstPts90k + Math.round((sequence * 90_000) / this.pattern.fps);
  }

  private tick() {
    const frame: PacedFrame = { unit: this.pattern.frames[this.index]!, index: this.index, sequence: this.sequence, pts90k: this.ptsOf(this.sequence) };
    this.index = (this.index + 1) % this.pattern.frames.length;
    this.sequence++;
    this.onFrame(frame);
    if (!this.timer) return; // stopped from inside onFrame
    const now = performance.now();
    let due = this.scheduleStartMs + (this.sequence - this.scheduleStartSequence) * this.frameMs;
    if (now - due > this.maxLagMs) {
      this.scheduleStartMs = due = now;
      this.scheduleStartSequence = this.sequence;
    }
    this.timer = setTimeout(() => this.tick(), Math.max(0, due - now));
  }
}

/** A frame halfway between the first keyframe and the next one (never a keyframe itself when the GOP has more than one frame). */
function midGopIndex(pattern: TestPattern): number {
  const nextKeyframe = pattern.frames.findIndex((f, i) => i > 0 && f.keyframe);
  const gopLength = nextKeyframe > 0 ? nextKeyframe : pattern.frames.length;
  return Math.floor(gopLength / 2);
}
