import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Readable, Writable } from 'node:stream';
import type { VideoCodec } from './ps.ts';

/**
 * Which ffmpeg runs the media: XIAOAN_FFMPEG when set, else Debian's (/usr/bin/ffmpeg, 5.1), else
 * the static build that comes with npm (`@ffmpeg-installer/ffmpeg`), so `npm start` needs no
 * system package. Null when there is none.
 */
export function findFfmpeg(configured?: string): string | null {
  if (configured) return configured;
  for (const candidate of ['/usr/bin/ffmpeg', '/usr/local/bin/ffmpeg']) if (existsSync(candidate)) return candidate;
  try {
    const require = createRequire(import.meta.url);
    const packaged = require('@ffmpeg-installer/ffmpeg') as { path?: string };
    if (packaged.path && existsSync(packaged.path)) return packaged.path;
  } catch {
    // not installed: fall through
  }
  return null;
}

const majors = new Map<string, number>();

/** ffmpeg's major version (options changed between 4 and 5); 0 when it cannot be read. Asked once per binary. */
export function ffmpegMajor(ffmpeg: string): number {
  let major = majors.get(ffmpeg);
  if (major === undefined) {
    try {
      const banner = execFileSync(ffmpeg, ['-version'], { encoding: 'utf8', timeout: 5000 });
      const version = /ffmpeg version n?(\d+)\./.exec(banner)?.[1];
      // Git builds (the npm static one: "N-47683-g…") carry no number; their copyright year tells (ffmpeg 5.0 came in 2022).
      const year = Number(/Copyright \(c\) \d{4}-(\d{4})/.exec(banner)?.[1] ?? 0);
      major = version ? Number(version) : year >= 2022 ? 5 : year ? 4 : 0;
    } catch {
      major = 0;
    }
    majors.set(ffmpeg, major);
  }
  return major;
}

/** The input side of a remux: MPEG-PS on stdin (GB/T 28181) or an RTSP URL ffmpeg pulls itself. */
export type RemuxInput =
  | { kind: 'ps'; codec: VideoCodec | null }
  | { kind: 'rtsp'; url: string; codec: VideoCodec | null }
  /** Another stream's fragmented MP4 on stdin, re-encoded to H.264 (browsers without an H.265 decoder). */
  | { kind: 'transcode-h264' };

/**
 * ffmpeg arguments that turn the input into low-latency fragmented MP4 on stdout by stream copy
 * (no re-encoding; a transcode for browsers is the one exception). Measured (RESEARCH.md §1): a small probe starts the picture ~80 ms after the
 * first packet; `-fflags nobuffer` would lose the whole first GOP, so it is not used; H.265 must be
 * tagged hvc1 for MP4 players, H.264 must not be.
 */
export function remuxArgs(input: RemuxInput, ffmpegMajorVersion = 5): string[] {
  // The RTSP socket timeout (µs) is -timeout since ffmpeg 5; in 4.x -timeout meant "listen as a server" and -stimeout was this.
  const socketTimeout = ffmpegMajorVersion >= 5 ? '-timeout' : '-stimeout';
  const source =
    input.kind === 'ps'
      ? ['-probesize', '32768', '-analyzeduration', '0', '-f', 'mpeg', '-i', 'pipe:0']
      : input.kind === 'rtsp'
        ? ['-rtsp_transport', 'tcp', socketTimeout, '5000000', '-probesize', '65536', '-analyzeduration', '500000', '-i', input.url]
        : ['-probesize', '32768', '-analyzeduration', '0', '-f', 'mp4', '-i', 'pipe:0'];
  // Measured: x264 ultrafast/zerolatency costs ~31 % of a core per 1080p25 stream (RESEARCH.md §1), hence the limit on transcodes.
  const codec =
    input.kind === 'transcode-h264'
      ? ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '50', '-bf', '0', '-pix_fmt', 'yuv420p']
      : ['-c', 'copy', ...(input.codec === 'h265' ? ['-tag:v', 'hvc1'] : [])];
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-fflags', '+genpts',
    ...source,
    '-map', '0:v:0', ...codec,
    '-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_every_frame', 'pipe:1',
  ];
}

export type FfmpegProcess = ChildProcessByStdio<Writable, Readable, Readable>;

/** Starts ffmpeg; its last error lines are kept for the stream's status (ffmpeg explains itself on stderr). */
export function spawnFfmpeg(ffmpeg: string, args: string[]): { child: FfmpegProcess; lastError: () => string } {
  const child = spawn(ffmpeg, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let tail = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    tail = (tail + text).slice(-2000);
  });
  // A viewer gone or ffmpeg ended: writes to a closed pipe are not errors of ours.
  child.stdin.on('error', () => undefined);
  return { child, lastError: () => tail.trim().split('\n').slice(-3).join(' | ') };
}
