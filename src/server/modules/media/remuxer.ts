import { ffmpegMajor, remuxArgs, spawnFfmpeg, type FfmpegProcess, type RemuxInput } from '../../adapters/media/ffmpeg.ts';
import { Mp4FragmentSplitter } from '../../adapters/media/fmp4.ts';
import type { RemuxerEvents } from '../../adapters/media/ps-remuxer.ts';

/** Limit of PS bytes waiting for ffmpeg's stdin: past it ffmpeg is stuck and the stream is ended, not buffered without end. */
const MAX_STDIN_BACKLOG = 16 * 1024 * 1024;

/**
 * One ffmpeg that stream-copies a camera's video into fragmented MP4 (a separate process: a
 * camera's bad stream can crash ffmpeg, never the platform), cut into the init segment and
 * per-frame fragments.
 */
export class Remuxer {
  private readonly child: FfmpegProcess;
  private readonly lastError: () => string;
  private exited = false;

  constructor(
    ffmpeg: string,
    input: RemuxInput,
    on: RemuxerEvents,
  ) {
    ({ child: this.child, lastError: this.lastError } = spawnFfmpeg(ffmpeg, remuxArgs(input, ffmpegMajor(ffmpeg))));
    const splitter = new Mp4FragmentSplitter(on.init, on.fragment);
    this.child.stdout.on('data', (chunk: Buffer) => {
      try {
        splitter.push(chunk);
      } catch (err) {
        this.stop();
        on.exit((err as Error).message);
      }
    });
    this.child.once('error', (err) => on.exit(`ffmpeg could not start: ${err.message}`));
    this.child.once('exit', (code, signal) => {
      this.exited = true;
      on.exit(signal ? `ffmpeg stopped (${signal})` : `ffmpeg ended (${code})${this.lastError() ? `: ${this.lastError()}` : ''}`);
    });
  }

  /** Bytes for ffmpeg's stdin (a GB/T 28181 program stream, or fMP4 to transcode). */
  write(ps: Buffer) {
    if (this.exited) return;
    if (this.child.stdin.writableLength > MAX_STDIN_BACKLOG) {
      this.stop();
      return;
    }
    this.child.stdin.write(ps);
  }

  get pid() {
    return this.child.pid;
  }

  stop() {
    if (this.exited) return;
    this.child.stdin.end();
    this.child.kill('SIGKILL');
  }
}
