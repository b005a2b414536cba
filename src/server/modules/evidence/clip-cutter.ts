import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rename, rm, stat, writeFile } from 'node:fs/promises';

/** A recorded segment file and the time it covers. */
export interface SegmentFile {
  path: string;
  startAt: string;
  endAt: string;
}

/** Segments further apart than this are two recordings: a clip never hides a gap by joining them. */
const GAP_MS = 2_000;

/** Splits segments (oldest first) into runs without a gap. */
export function continuousRuns(files: readonly SegmentFile[]): SegmentFile[][] {
  const runs: SegmentFile[][] = [];
  for (const f of files) {
    const run = runs.at(-1);
    if (run && Date.parse(f.startAt) - Date.parse(run.at(-1)!.endAt) <= GAP_MS) run.push(f);
    else runs.push([f]);
  }
  return runs;
}

/**
 * Cuts [fromMs, toMs) out of a run of segments into one MP4 by stream copy (ffmpeg's concat
 * demuxer; the cut starts at the keyframe before `fromMs`, hidden by an edit list, so the first
 * picture is whole). Written to a temporary name and renamed, so a half-written file never looks
 * like evidence. Resolves with the span actually covered.
 */
export async function cutClip(ffmpeg: string, run: readonly SegmentFile[], fromMs: number, toMs: number, outPath: string, timeoutMs = 120_000): Promise<{ fromMs: number; toMs: number }> {
  const runStart = Date.parse(run[0]!.startAt);
  const runEnd = Date.parse(run.at(-1)!.endAt);
  const start = Math.max(fromMs, runStart);
  const end = Math.min(toMs, runEnd);
  const list = `${outPath}.txt`;
  const tmp = `${outPath}.part.mp4`;
  await writeFile(list, run.map((f) => `file '${f.path.replace(/'/g, "'\\''")}'`).join('\n') + '\n');
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'concat', '-safe', '0', '-ss', ((start - runStart) / 1000).toFixed(3), '-i', list, '-t', ((end - start) / 1000).toFixed(3), '-map', '0:v:0', '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', '-y', tmp];
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('error', (e) => (clearTimeout(timer), reject(e)));
      child.once('exit', (code) => (clearTimeout(timer), code === 0 ? resolve() : reject(new Error(`ffmpeg could not cut the clip (${code}): ${err.trim()}`))));
    });
    await rename(tmp, outPath);
  } finally {
    await rm(list, { force: true });
    await rm(tmp, { force: true });
  }
  return { fromMs: start, toMs: end };
}

/** SHA-256 of a file, read as a stream (a clip can be gigabytes; the event loop stays free). */
export async function sha256Of(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return { sha256: hash.digest('hex'), bytes: (await stat(file)).size };
}
