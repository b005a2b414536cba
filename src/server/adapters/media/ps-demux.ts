/**
 * MPEG-2 Program Stream (ISO/IEC 13818-1 §2.5) → video access units, in-process (what ffmpeg's
 * `-f mpeg` demuxer did for GB/T 28181 streams). Packs, system headers and other streams are
 * skipped by their length fields; the video PES payloads form the elementary stream, which is cut
 * into access units at the NAL units that begin one (GB devices start a PES with each picture,
 * but a PES may also begin mid-picture), each with the PTS/DTS of the PES it starts in, unwrapped
 * from 33 bits into a running 90 kHz clock.
 */
import { NAL_TYPES, guessCodec, isPictureNal, nalUnitType } from './annexb.ts';
import { codecOfStreamMap, type VideoCodec } from './ps.ts';

export interface PsAccessUnit {
  /** The picture's NAL units, Annex-B (start codes included). */
  data: Buffer;
  /** 90 kHz, unwrapped (grows past 2^33). */
  pts: number;
  dts: number;
}

const PACK_START = 0xba;
const END_CODE = 0xb9;
const PACK_HEADER = Buffer.from([0, 0, 1, PACK_START]);
const STREAM_MAP = 0xbc;
const TWO_POW_33 = 2 ** 33;
/** A frame period when none could be measured yet: 25 fps, what GB/T 28181 cameras mostly send. */
const DEFAULT_FRAME_TICKS = 3600;
/** Bytes without a recognisable PS structure before the stream is given up as not PS. */
const MAX_GARBAGE_BYTES = 1024 * 1024;
/** Far above any camera's keyframe (a 4K intra picture is well under 2 MB): beyond it the access units cannot be told apart. */
const MAX_ACCESS_UNIT_BYTES = 8 * 1024 * 1024;
/** Bytes read without a single video PES before the stream is given up. */
const MAX_BYTES_WITHOUT_VIDEO = 4 * 1024 * 1024;

export class PsFormatError extends Error {}

/** A 33-bit PTS or DTS field (5 bytes with marker bits). */
function readTimestamp(b: Buffer, at: number): number {
  return (((b[at]! >> 1) & 0x07) * 2 ** 30) + (((b[at + 1]! << 7) | (b[at + 2]! >> 1)) << 15) + ((b[at + 3]! << 7) | (b[at + 4]! >> 1));
}

/** The value of `raw` (33 bits) nearest to `near` on the unwrapped clock. */
function unwrap(raw: number, near: number): number {
  const k = Math.round((near - raw) / TWO_POW_33);
  return raw + k * TWO_POW_33;
}

/** Where a PES with timestamps began in the elementary stream: they belong to the first access unit that starts in it. */
interface TimestampMark {
  offset: number;
  rawPts: number;
  rawDts: number;
}

const START_CODE = Buffer.from([0, 0, 1]);

export class PsDemuxer {
  /** The codec the program stream map announced (null until one is seen). */
  codec: VideoCodec | null;
  private pending: Buffer = Buffer.alloc(0);
  /** Video elementary stream not yet handed out: from the start of the open access unit (if any) on. */
  private es: Buffer = Buffer.alloc(0);
  /** Where in `es` the scan for NAL units goes on. */
  private scanned = 0;
  private marks: TimestampMark[] = [];
  /** The access unit being gathered (it starts at es[0]): its timestamps, and whether it has its picture yet. */
  private unit: { rawPts: number | null; rawDts: number | null; hasPicture: boolean } | null = null;
  private videoStreamId: number | null = null;
  private lastPts: number | null = null;
  private lastDts: number | null = null;
  private frameTicks = DEFAULT_FRAME_TICKS;
  private garbage = 0;
  /** Video PES packets cut short by lost packets (their end was found missing). */
  truncated = 0;
  private bytesWithoutVideo = 0;

  constructor(
    private readonly onUnit: (unit: PsAccessUnit) => void,
    codec: VideoCodec | null = null,
  ) {
    this.codec = codec;
  }

  /** Program stream bytes, cut anywhere. Throws PsFormatError when the bytes are not a program stream. */
  push(bytes: Buffer) {
    this.bytesWithoutVideo += bytes.length;
    const b = this.pending.length ? Buffer.concat([this.pending, bytes]) : bytes;
    let i = 0;
    while (i + 4 <= b.length) {
      if (b[i] !== 0 || b[i + 1] !== 0 || b[i + 2] !== 1 || b[i + 3]! < END_CODE) {
        // Lost sync (a corrupt packet, or bytes that are not PS): resume at the next pack header.
        const next = b.indexOf(PACK_HEADER, i + 1);
        const skipTo = next >= 0 ? next : Math.max(i, b.length - 3);
        this.garbage += skipTo - i;
        i = skipTo;
        if (this.garbage > MAX_GARBAGE_BYTES) throw new PsFormatError(`not an MPEG program stream (${this.garbage} bytes without a pack header)`);
        if (next < 0) break;
        continue;
      }
      const id = b[i + 3]!;
      let size: number;
      if (id === END_CODE) size = 4;
      else if (id === PACK_START) {
        if (i + 14 > b.length) break;
        size = (b[i + 4]! & 0xc0) === 0x40 ? 14 + (b[i + 13]! & 0x07) : 12; // MPEG-2, else an MPEG-1 pack
      } else {
        if (i + 6 > b.length) break;
        size = 6 + b.readUInt16BE(i + 4);
        if (id >= 0xe0 && id <= 0xef) {
          // A pack header cannot occur inside video (after 00 00 01 comes a NAL header, whose first
          // bit is 0): where one does, the packet's tail was lost and the stream resumes there.
          const resume = b.indexOf(PACK_HEADER, i + 6);
          if (resume >= 0 && resume < i + size) {
            size = resume - i;
            this.truncated++;
          }
        }
      }
      if (i + size > b.length) break;
      if (id === STREAM_MAP) this.codec = codecOfStreamMap(b.subarray(i, i + size)) ?? this.codec;
      else if (id >= 0xe0 && id <= 0xef && (this.videoStreamId ??= id) === id) this.videoPes(b, i, size);
      this.garbage = 0;
      i += size;
    }
    this.pending = i < b.length ? b.subarray(i) : Buffer.alloc(0);
    if (this.bytesWithoutVideo > MAX_BYTES_WITHOUT_VIDEO) throw new PsFormatError(`no video in ${this.bytesWithoutVideo} bytes of the program stream`);
  }

  /** The end of a frame (the RTP marker bit): the access unit being gathered is complete. */
  flush() {
    if (this.pending.length) return; // in the middle of a packet: not the end of anything
    this.scan();
    if (this.unit?.hasPicture) this.emit(this.es.length);
  }

  private videoPes(b: Buffer, at: number, size: number) {
    if ((b[at + 6]! & 0xc0) !== 0x80 || size < 9) return; // not an MPEG-2 PES header: nothing we can read
    const flags = b[at + 7]! >> 6;
    const payloadStart = at + 9 + b[at + 8]!;
    if (payloadStart >= at + size) return;
    const payload = b.subarray(payloadStart, at + size);
    this.bytesWithoutVideo = 0;
    if (flags & 0x2) {
      const rawPts = readTimestamp(b, at + 9);
      this.marks.push({ offset: this.es.length, rawPts, rawDts: flags === 0x3 ? readTimestamp(b, at + 14) : rawPts });
    }
    this.es = this.es.length ? Buffer.concat([this.es, payload]) : payload;
    if (this.es.length > MAX_ACCESS_UNIT_BYTES) throw new PsFormatError(`a picture of more than ${MAX_ACCESS_UNIT_BYTES} bytes: the video has no access units we can find`);
    this.codec ??= guessCodec(this.es);
    this.scan();
  }

  /**
   * Finds the NAL units that begin access units (ITU-T H.264 §7.4.1.2.3, H.265 §7.4.2.4.4): a
   * delimiter; a parameter set or SEI after the picture; the first slice of another picture.
   * Each access unit before one is handed out. Not every device starts a PES with a picture.
   */
  private scan(): void {
    const codec = this.codec;
    if (!codec) {
      // No stream map and no parameter set yet: nothing before them can be decoded.
      this.dropBefore(Math.max(0, this.es.length - 4));
      return;
    }
    rescan: for (;;) {
      const es = this.es;
      for (let at = es.indexOf(START_CODE, this.scanned); at >= 0; at = es.indexOf(START_CODE, at + 3)) {
        if (at + 6 > es.length) {
          this.scanned = at;
          return; // the NAL header (and the start of a slice header) is still to come
        }
        const nal = es.subarray(at + 3);
        const type = nalUnitType(nal, codec);
        const picture = isPictureNal(type, codec);
        if (!this.unit) {
          this.open(at); // `es` now starts here
          if (at > 0) continue rescan;
        } else if (at > 0 && this.beginsAccessUnit(nal, type, picture, codec)) {
          this.emit(at); // `es` now starts at this NAL unit, which opens the next access unit
          continue rescan;
        }
        if (picture) this.unit!.hasPicture = true;
      }
      // Bytes before any NAL unit start (joined mid-unit) are of no use.
      if (!this.unit) this.dropBefore(Math.max(0, es.length - 3));
      this.scanned = Math.max(0, this.es.length - 5);
      return;
    }
  }

  private beginsAccessUnit(nal: Buffer, type: number, picture: boolean, codec: VideoCodec): boolean {
    if (type === NAL_TYPES[codec].accessUnitDelimiter) return true;
    if (!this.unit!.hasPicture) return false;
    if (picture) return codec === 'h264' ? (nal[1]! & 0x80) !== 0 /* first_mb_in_slice = 0 */ : (nal[2]! & 0x80) !== 0; /* first_slice_segment_in_pic_flag */
    // Parameter sets, SEI and the reserved types that may only come before a picture.
    return codec === 'h264' ? (type >= 6 && type <= 8) || (type >= 14 && type <= 18) : (type >= 32 && type <= 34) || type === 39 || (type >= 41 && type <= 44) || (type >= 48 && type <= 55);
  }

  /** Opens an access unit at es[at]: it takes the timestamps of the PES it starts in, unless an earlier unit started there. */
  private open(at: number) {
    this.dropBefore(at);
    let mark: TimestampMark | undefined;
    while (this.marks.length && this.marks[0]!.offset <= 0) mark = this.marks.shift();
    // A PES that started before this unit and gave its timestamps to none: they are this unit's.
    this.unit = { rawPts: mark?.rawPts ?? null, rawDts: mark?.rawDts ?? null, hasPicture: false };
  }

  /** Forgets es[0, at): the marks move along; a PES start inside the dropped part stays as a mark at 0 (it applies to what starts next). */
  private dropBefore(at: number) {
    if (at <= 0) return;
    this.es = this.es.subarray(at);
    this.scanned = Math.max(0, this.scanned - at);
    for (const m of this.marks) m.offset = Math.max(0, m.offset - at);
    // Of marks now at 0 only the last applies.
    while (this.marks.length > 1 && this.marks[1]!.offset === 0) this.marks.shift();
  }

  /** Hands out es[0, end) as the open access unit. */
  private emit(end: number) {
    const unit = this.unit!;
    const data = this.es.subarray(0, end);
    this.unit = null;
    // Marks of PES that began inside this unit (after its start) gave their timestamps to no unit: a
    // PES that starts mid-picture carries the next picture's timestamps only if that picture starts in it.
    this.dropBefore(end);
    if (unit.hasPicture) this.handOut(data, unit.rawPts, unit.rawDts);
  }

  private handOut(data: Buffer, rawPts: number | null, rawDts: number | null) {
    let pts: number;
    let dts: number;
    if (rawPts === null || rawDts === null) {
      // No timestamp on this picture: one frame period after the last.
      if (this.lastPts === null || this.lastDts === null) return; // nothing to count from: the picture cannot be placed
      pts = this.lastPts + this.frameTicks;
      dts = this.lastDts + this.frameTicks;
    } else {
      dts = this.lastDts === null ? rawDts : unwrap(rawDts, this.lastDts);
      pts = unwrap(rawPts, dts);
      if (this.lastDts !== null && dts > this.lastDts && dts - this.lastDts <= 90_000) this.frameTicks = dts - this.lastDts;
    }
    this.lastPts = pts;
    this.lastDts = dts;
    this.onUnit({ data, pts, dts });
  }
}
