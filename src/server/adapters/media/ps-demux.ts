/**
 * MPEG-2 Program Stream (ISO/IEC 13818-1 §2.5) → video access units, in-process (what ffmpeg's
 * `-f mpeg` demuxer did for GB/T 28181 streams). Packs, system headers and other streams are
 * skipped by their length fields; the video PES payloads are gathered into access units with
 * their PTS/DTS, unwrapped from 33 bits into a running 90 kHz clock.
 */
import { NAL_TYPES, guessCodec, isPictureNal, nalPositions, nalUnitType } from './annexb.ts';
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
/** Bytes read without a single video access unit before the stream is given up. */
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

interface Gathering {
  chunks: Buffer[];
  bytes: number;
  /** The raw PTS of the PES that began the unit (null: none, to be derived). */
  rawPts: number | null;
  rawDts: number | null;
}

export class PsDemuxer {
  /** The codec the program stream map announced (null until one is seen). */
  codec: VideoCodec | null;
  private pending: Buffer = Buffer.alloc(0);
  private unit: Gathering | null = null;
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
    if (this.pending.length === 0) this.emit();
  }

  private videoPes(b: Buffer, at: number, size: number) {
    if ((b[at + 6]! & 0xc0) !== 0x80 || size < 9) return; // not an MPEG-2 PES header: nothing we can read
    const flags = b[at + 7]! >> 6;
    const payloadStart = at + 9 + b[at + 8]!;
    if (payloadStart > at + size) return;
    const payload = b.subarray(payloadStart, at + size);
    const rawPts = flags & 0x2 ? readTimestamp(b, at + 9) : null;
    const rawDts = flags === 0x3 ? readTimestamp(b, at + 14) : rawPts;
    if (!payload.length) return;
    if (this.startsNewUnit(payload, rawPts)) this.emit();
    if (!this.unit) this.unit = { chunks: [], bytes: 0, rawPts, rawDts };
    this.unit.chunks.push(payload);
    this.unit.bytes += payload.length;
  }

  /**
   * A PES with a new PTS begins a picture. Without a PTS (devices put it on the first PES of a
   * picture only, and some not on every picture) a PES begins one when its first NAL unit can
   * only start an access unit and the unit being gathered already has its picture.
   */
  private startsNewUnit(payload: Buffer, rawPts: number | null): boolean {
    const unit = this.unit;
    if (!unit) return false;
    if (rawPts !== null) return rawPts !== unit.rawPts || this.beginsAccessUnit(payload, true);
    return this.beginsAccessUnit(payload, false);
  }

  private beginsAccessUnit(payload: Buffer, samePts: boolean): boolean {
    const header = payload[0] === 0 && payload[1] === 0 ? (payload[2] === 1 ? 3 : payload[2] === 0 && payload[3] === 1 ? 4 : -1) : -1;
    if (header < 0 || header >= payload.length || !this.codec) return false;
    const codec = this.codec;
    const nal = payload.subarray(header);
    const type = nalUnitType(nal, codec);
    if (type === NAL_TYPES[codec].accessUnitDelimiter) return true;
    if (samePts) return false; // a picture's parameter sets, SEI or further slices, in their own PES
    const firstSlice = isPictureNal(type, codec) && (codec === 'h264' ? (nal[1]! & 0x80) !== 0 /* first_mb_in_slice = 0 */ : (nal[2]! & 0x80) !== 0);
    const opener = codec === 'h264' ? type === NAL_TYPES.h264.sps || type === NAL_TYPES.h264.sei : type === NAL_TYPES.h265.vps || type === NAL_TYPES.h265.sps || type === NAL_TYPES.h265.prefixSei;
    return (firstSlice || opener) && this.unitHasPicture();
  }

  private unitHasPicture(): boolean {
    const data = Buffer.concat(this.unit!.chunks);
    return nalPositions(data).some((p) => p.header < data.length && isPictureNal(nalUnitType(data.subarray(p.header), this.codec!), this.codec!));
  }

  private emit() {
    const unit = this.unit;
    this.unit = null;
    if (!unit) return;
    let pts: number;
    let dts: number;
    if (unit.rawPts === null || unit.rawDts === null) {
      // No timestamp on this picture: one frame period after the last.
      if (this.lastPts === null || this.lastDts === null) return; // nothing to count from: the picture cannot be placed
      pts = this.lastPts + this.frameTicks;
      dts = this.lastDts + this.frameTicks;
    } else {
      dts = this.lastDts === null ? unit.rawDts : unwrap(unit.rawDts, this.lastDts);
      pts = unwrap(unit.rawPts, dts);
      if (this.lastDts !== null && dts > this.lastDts && dts - this.lastDts <= 90_000) this.frameTicks = dts - this.lastDts;
    }
    this.lastPts = pts;
    this.lastDts = dts;
    this.bytesWithoutVideo = 0;
    const data = unit.chunks.length === 1 ? unit.chunks[0]! : Buffer.concat(unit.chunks, unit.bytes);
    this.codec ??= guessCodec(data);
    this.onUnit({ data, pts, dts });
  }
}
