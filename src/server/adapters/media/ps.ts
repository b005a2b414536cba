/**
 * The MPEG-2 Program Stream (PS) GB/T 28181 devices put into RTP: only as much of it is read as
 * the platform needs to hand a clean stream to ffmpeg — where a decodable picture starts and which
 * video codec the program stream map announces.
 */
export type VideoCodec = 'h264' | 'h265';

const PACK_START = 0xba;
const SYSTEM_HEADER = 0xbb;
const STREAM_MAP = 0xbc;

/** PSM stream_type values (ISO/IEC 13818-1 table 2-34; 0x24 added for HEVC). */
const STREAM_TYPES: Record<number, VideoCodec> = { 0x1b: 'h264', 0x24: 'h265' };

const isStartCode = (b: Buffer, i: number, code: number) => b[i] === 0 && b[i + 1] === 0 && b[i + 2] === 1 && b[i + 3] === code;

function findStartCode(b: Buffer, code: number, limit = b.length): number {
  for (let i = 0; i + 3 < limit; i++) if (isStartCode(b, i, code)) return i;
  return -1;
}

/** The video codec named by a program stream map in these bytes, if there is one. */
export function codecOfStreamMap(bytes: Buffer): VideoCodec | null {
  const at = findStartCode(bytes, STREAM_MAP);
  if (at < 0 || at + 12 > bytes.length) return null;
  const mapLength = bytes.readUInt16BE(at + 4);
  const end = Math.min(bytes.length, at + 6 + mapLength - 4 /* CRC */);
  const infoLength = bytes.readUInt16BE(at + 8);
  let i = at + 10 + infoLength + 2; // elementary_stream_map_length follows the program info
  while (i + 4 <= end) {
    const streamType = bytes[i]!;
    const streamId = bytes[i + 1]!;
    const esInfoLength = bytes.readUInt16BE(i + 2);
    if (streamId >= 0xe0 && streamId <= 0xef) return STREAM_TYPES[streamType] ?? null;
    i += 4 + esInfoLength;
  }
  return null;
}

/**
 * Decides which RTP payloads reach the demuxer. ffmpeg, told to probe little (so the picture starts
 * at once), gives up on a stream that does not begin with a keyframe's pack ("dimensions not set"):
 * so nothing passes until a pack carrying a system header or stream map (devices send them with
 * each IDR). After a lost packet, bytes resume at the next pack start, so the demuxer does not read
 * a pack whose middle is missing.
 */
export class PsGate {
  private state: 'await-keyframe' | 'open' | 'resync' = 'await-keyframe';
  codec: VideoCodec | null = null;
  /** Payloads dropped while waiting for a keyframe or a pack start. */
  dropped = 0;

  /** The payload to pass on, or null to drop it. `onOpen` fires once, with the codec, when the first keyframe pack arrives. */
  accept(payload: Buffer, afterLoss: boolean, onOpen?: (codec: VideoCodec | null) => void): Buffer | null {
    if (afterLoss && this.state === 'open') this.state = 'resync';
    if (this.state === 'await-keyframe') {
      if (!isStartCode(payload, 0, PACK_START)) return this.drop();
      const head = Math.min(payload.length, 512);
      if (findStartCode(payload, SYSTEM_HEADER, head) < 0 && findStartCode(payload, STREAM_MAP, head) < 0) return this.drop();
      this.codec = codecOfStreamMap(payload);
      this.state = 'open';
      onOpen?.(this.codec);
      return payload;
    }
    if (this.state === 'resync') {
      if (!isStartCode(payload, 0, PACK_START)) return this.drop();
      this.state = 'open';
    }
    return payload;
  }

  private drop(): null {
    this.dropped++;
    return null;
  }
}
