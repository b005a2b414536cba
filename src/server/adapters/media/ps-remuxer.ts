/**
 * GB/T 28181 program stream → fragmented MP4 in this process: PsDemuxer + Fmp4Writer behind the
 * same face as the ffmpeg remuxer (write, stop; init, fragment and exit callbacks). An ffmpeg per
 * stream costs ~50 MB and a process switch per frame; this costs a buffer scan per frame.
 */
import type { Mp4Fragment, Mp4Init } from './fmp4.ts';
import { Fmp4Writer } from './fmp4-writer.ts';
import type { VideoCodec } from './ps.ts';
import { PsDemuxer } from './ps-demux.ts';

export interface RemuxerEvents {
  init(init: Mp4Init): void;
  fragment(fragment: Mp4Fragment): void;
  exit(reason: string): void;
}

export class PsRemuxer {
  private readonly demuxer: PsDemuxer;
  private writer: Fmp4Writer | null = null;
  private stopped = false;

  /** `codec` is the guess until the program stream map names one. */
  constructor(
    codec: VideoCodec | null,
    private readonly on: RemuxerEvents,
  ) {
    this.demuxer = new PsDemuxer((unit) => {
      const streamCodec = this.demuxer.codec;
      if (!streamCodec) return; // not known before a keyframe's parameter sets: nothing decodable yet
      if (this.writer?.codec !== streamCodec) this.writer = new Fmp4Writer(streamCodec, on.init, on.fragment);
      this.writer.push(unit);
    }, codec);
  }

  /** Program stream bytes; `endOfFrame` when they end a frame (the RTP marker bit), so its fragment goes out at once. */
  write(ps: Buffer, endOfFrame = false) {
    if (this.stopped) return;
    try {
      this.demuxer.push(ps);
      if (endOfFrame) this.demuxer.flush();
    } catch (err) {
      // A stream we cannot read ends this stream, never the process.
      this.stopped = true;
      this.on.exit(`the camera's program stream cannot be remuxed: ${(err as Error).message}`);
    }
  }

  stop() {
    this.stopped = true;
  }
}
