import { readFile, readdir, truncate, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Mp4FragmentSplitter, type Mp4Init } from '../../adapters/media/fmp4.ts';
import { BEIJING_OFFSET_MS } from '../../../shared/beijing-time.ts';

/** What is whole of a segment file cut off mid-write. */
export interface RecoveredSegment {
  /** Relative to the data directory, `/`-separated (as indexed). */
  path: string;
  startMs: number;
  endMs: number;
  bytes: number;
  codec: string;
  initBytes: number;
}

/**
 * A segment file whose writing was cut off (the process was killed, the machine lost power): its
 * init and every whole frame are kept, a torn last frame is cut away, and its span is read from the
 * frames' decode times. Its start is the Beijing time in its name (second precision). Null when
 * not even the init and one frame are whole: the file holds no video and is removed.
 */
export async function recoverSegmentFile(dataDir: string, relativePath: string): Promise<RecoveredSegment | null> {
  const absolute = path.join(dataDir, relativePath);
  const name = /(\d{8})\/(\d{6})(?:-\d+)?\.mp4$/.exec(relativePath);
  const bytes = await readFile(absolute);
  let init: Mp4Init | null = null;
  const decodeTimes: number[] = [];
  let whole = 0;
  const splitter = new Mp4FragmentSplitter(
    (i) => ((init = i), (whole += i.data.length)),
    (f) => (decodeTimes.push(f.decodeTime), (whole += f.data.length)),
  );
  try {
    splitter.push(bytes);
  } catch {
    // Corrupt past some point: what was whole before it is kept.
  }
  const first = init as Mp4Init | null;
  if (!name || !first || !decodeTimes.length) {
    await unlink(absolute).catch(() => undefined);
    return null;
  }
  if (whole < bytes.length) await truncate(absolute, whole);
  const [, ymd, hms] = name;
  const startMs = Date.parse(`${ymd!.slice(0, 4)}-${ymd!.slice(4, 6)}-${ymd!.slice(6, 8)}T${hms!.slice(0, 2)}:${hms!.slice(2, 4)}:${hms!.slice(4, 6)}Z`) - BEIJING_OFFSET_MS;
  const last = decodeTimes[decodeTimes.length - 1]!;
  const frame = decodeTimes.length > 1 ? last - decodeTimes[decodeTimes.length - 2]! : first.timescale / 25;
  const durationMs = Math.round(((last - decodeTimes[0]! + frame) / first.timescale) * 1000);
  return { path: relativePath, startMs, endMs: startMs + durationMs, bytes: whole, codec: first.codec, initBytes: first.data.length };
}

/** The segment files of a camera on the given Beijing days (`YYYYMMDD`), relative to the data directory. */
export async function segmentFilesOf(dataDir: string, deviceDir: string, days: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const day of days) {
    const entries = await readdir(path.join(dataDir, 'recordings', deviceDir, day)).catch(() => [] as string[]);
    for (const f of entries) if (f.endsWith('.mp4')) out.push(['recordings', deviceDir, day, f].join('/'));
  }
  return out;
}
