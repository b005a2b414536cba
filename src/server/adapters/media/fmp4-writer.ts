/**
 * Video access units → fragmented MP4 (ISO/IEC 14496-12 / -15), the same output ffmpeg gave with
 * `-movflags empty_moov+default_base_moof+frag_every_frame`: an init segment (ftyp + moov, avc1 +
 * avcC or hvc1 + hvcC from the stream's parameter sets) and one moof + mdat per frame. Written
 * here rather than with a library: mux.js has no H.265, and mp4box does not build hvcC either.
 */
import { NAL_TYPES, isKeyframeNal, nalUnitType, nalUnits } from './annexb.ts';
import { describeInitSegment, type Mp4Fragment, type Mp4Init } from './fmp4.ts';
import type { VideoCodec } from './ps.ts';
import type { PsAccessUnit } from './ps-demux.ts';
import { parseH264Sps, parseH265Sps } from './sps.ts';

const TIMESCALE = 90_000;
const TRACK_ID = 1;
/** Sample flags (§8.8.3.1): a sync sample depends on nothing; others depend on earlier pictures and are not sync samples. */
const SYNC_SAMPLE_FLAGS = 0x02000000;
const OTHER_SAMPLE_FLAGS = 0x01010000;
/** Jumps forward by more than this (a camera's clock reset) keep the timeline going at frame pace instead. */
const MAX_FORWARD_JUMP_TICKS = 10 * TIMESCALE;

function box(type: string, ...parts: Buffer[]): Buffer {
  const size = 8 + parts.reduce((a, p) => a + p.length, 0);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(size, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, ...parts], size);
}

function fullBox(type: string, version: number, flags: number, ...parts: Buffer[]): Buffer {
  const vf = Buffer.alloc(4);
  vf.writeUInt32BE(((version << 24) | flags) >>> 0, 0);
  return box(type, vf, ...parts);
}

const u8 = (...values: number[]) => Buffer.from(values);
const u16 = (...values: number[]) => {
  const b = Buffer.alloc(2 * values.length);
  values.forEach((v, i) => b.writeUInt16BE(v, 2 * i));
  return b;
};
const u32 = (...values: number[]) => {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
};
const UNITY_MATRIX = u32(0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000);
const withLength16 = (nal: Buffer) => Buffer.concat([u16(nal.length), nal]);

/** The parameter sets of a keyframe, and what the sample entry is built from. */
interface ParameterSets {
  vps: Buffer[];
  sps: Buffer[];
  pps: Buffer[];
}

function avcC(sets: ParameterSets): { config: Buffer; width: number; height: number } {
  const sps = parseH264Sps(sets.sps[0]!);
  const parts = [
    u8(1, sps.profileIdc, sps.constraintFlags, sps.levelIdc, 0xff /* 4-byte NAL lengths */, 0xe0 | sets.sps.length),
    ...sets.sps.map(withLength16),
    u8(sets.pps.length),
    ...sets.pps.map(withLength16),
  ];
  // High profiles add chroma format and bit depths (ISO/IEC 14496-15 §5.3.3.1.2).
  if (![66, 77, 88].includes(sps.profileIdc)) parts.push(u8(0xfc | sps.chromaFormatIdc, 0xf8 | (sps.bitDepthLuma - 8), 0xf8 | (sps.bitDepthChroma - 8), 0));
  return { config: box('avcC', ...parts), width: sps.width, height: sps.height };
}

function hvcC(sets: ParameterSets): { config: Buffer; width: number; height: number } {
  const sps = parseH265Sps(sets.sps[0]!);
  const arrays = (
    [
      [NAL_TYPES.h265.vps, sets.vps],
      [NAL_TYPES.h265.sps, sets.sps],
      [NAL_TYPES.h265.pps, sets.pps],
    ] as const
  ).filter(([, nals]) => nals.length);
  const header = Buffer.concat([
    u8(1),
    sps.profileTierLevel,
    u8(0xf0, 0x00, 0xfc /* no parallelism info */, 0xfc | sps.chromaFormatIdc, 0xf8 | (sps.bitDepthLuma - 8), 0xf8 | (sps.bitDepthChroma - 8)),
    u16(0), // avgFrameRate unknown
    u8((sps.maxSubLayers << 3) | (sps.temporalIdNesting ? 0x04 : 0) | 0x03 /* 4-byte NAL lengths */, arrays.length),
  ]);
  const config = box('hvcC', header, ...arrays.map(([type, nals]) => Buffer.concat([u8(0x80 | type), u16(nals.length), ...nals.map(withLength16)])));
  return { config, width: sps.width, height: sps.height };
}

/** The init segment (ftyp + moov) for one video track of 90 kHz. */
export function initSegment(codec: VideoCodec, sets: ParameterSets): Mp4Init {
  const { config, width, height } = codec === 'h264' ? avcC(sets) : hvcC(sets);
  const entryType = codec === 'h264' ? 'avc1' : 'hvc1'; // parameter sets in the entry (and repeated in-band, which both allow)
  const sampleEntry = box(entryType, Buffer.alloc(6), u16(1 /* data_reference_index */), Buffer.alloc(16), u16(width, height), u32(0x00480000, 0x00480000, 0), u16(1), Buffer.alloc(32), u16(0x0018, 0xffff), config);
  const stbl = box(
    'stbl',
    fullBox('stsd', 0, 0, u32(1), sampleEntry),
    fullBox('stts', 0, 0, u32(0)),
    fullBox('stsc', 0, 0, u32(0)),
    fullBox('stsz', 0, 0, u32(0, 0)),
    fullBox('stco', 0, 0, u32(0)),
  );
  const minf = box('minf', fullBox('vmhd', 0, 1, Buffer.alloc(8)), box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1))), stbl);
  const mdia = box(
    'mdia',
    fullBox('mdhd', 0, 0, u32(0, 0, TIMESCALE, 0), u16(0x55c4 /* und */, 0)),
    fullBox('hdlr', 0, 0, u32(0), Buffer.from('vide', 'latin1'), Buffer.alloc(12), Buffer.from('VideoHandler\0', 'latin1')),
    minf,
  );
  const tkhd = fullBox('tkhd', 0, 3 /* enabled, in movie */, u32(0, 0, TRACK_ID, 0, 0, 0, 0), u16(0, 0, 0, 0), UNITY_MATRIX, u32(width * 0x10000, height * 0x10000));
  const mvhd = fullBox('mvhd', 0, 0, u32(0, 0, 1000, 0, 0x00010000), u16(0x0100, 0), Buffer.alloc(8), UNITY_MATRIX, Buffer.alloc(24), u32(TRACK_ID + 1));
  const mvex = box('mvex', fullBox('trex', 0, 0, u32(TRACK_ID, 1, 0, 0, 0)));
  const moov = box('moov', mvhd, box('trak', tkhd, mdia), mvex);
  const ftyp = box('ftyp', Buffer.from('isom', 'latin1'), u32(0x200), Buffer.from(`isomiso6${entryType}mp41`, 'latin1'));
  const data = Buffer.concat([ftyp, moov]);
  return { data, ...describeInitSegment(data) };
}

/** moof (mfhd, traf: tfhd, tfdt, trun with one sample) + mdat, written straight into one buffer. */
function fragment(sequence: number, decodeTime: number, duration: number, compositionOffset: number, keyframe: boolean, nals: Buffer[]): Buffer {
  const MOOF_SIZE = 8 + 16 + 8 + 16 + 20 + 36; // moof, mfhd, traf, tfhd, tfdt v1, trun v1 with one sample
  const sampleSize = nals.reduce((a, n) => a + 4 + n.length, 0);
  // Its own ArrayBuffer (not a slice of Node's pool), so the RTP thread can hand it over without a copy.
  const b = Buffer.allocUnsafeSlow(MOOF_SIZE + 8 + sampleSize);
  let i = 0;
  const w32 = (v: number) => (b.writeUInt32BE(v >>> 0, i), (i += 4));
  const head = (size: number, type: string) => (w32(size), b.write(type, i, 'latin1'), (i += 4));
  head(MOOF_SIZE, 'moof');
  head(16, 'mfhd'), w32(0), w32(sequence);
  head(MOOF_SIZE - 24, 'traf');
  head(16, 'tfhd'), w32(0x020000 /* default-base-is-moof */), w32(TRACK_ID);
  head(20, 'tfdt'), w32(0x01000000), b.writeBigUInt64BE(BigInt(decodeTime), i), (i += 8);
  head(36, 'trun'), w32(0x01000f01 /* v1: data offset, duration, size, flags, composition offset */), w32(1), w32(MOOF_SIZE + 8);
  w32(duration), w32(sampleSize), w32(keyframe ? SYNC_SAMPLE_FLAGS : OTHER_SAMPLE_FLAGS), b.writeInt32BE(compositionOffset, i), (i += 4);
  head(8 + sampleSize, 'mdat');
  for (const nal of nals) {
    w32(nal.length);
    i += nal.copy(b, i);
  }
  return b;
}

const sameBuffers = (a: Buffer[], b: Buffer[]) => a.length === b.length && a.every((x, i) => x.equals(b[i]!));

/**
 * Turns access units into the init segment and per-frame fragments. Nothing comes out before the
 * first keyframe with its parameter sets; a keyframe whose parameter sets differ (the camera
 * changed resolution) gives a new init segment. Each fragment is written as soon as its picture
 * is complete: its duration is the last frame period (the next fragment's tfdt, which players go
 * by, stays exact), which saves the frame of latency waiting for the next picture would cost.
 */
export class Fmp4Writer {
  init: Mp4Init | null = null;
  private sets: ParameterSets | null = null;
  private sequence = 0;
  private firstDts: number | null = null;
  /** Added to the camera's DTS so the timeline never goes back (camera clock resets). */
  private shift = 0;
  private lastDecodeTime = -1;
  private frameTicks = 3600;

  constructor(
    readonly codec: VideoCodec,
    private readonly onInit: (init: Mp4Init) => void,
    private readonly onFragment: (fragment: Mp4Fragment) => void,
  ) {}

  push(unit: PsAccessUnit) {
    const codec = this.codec;
    const types = NAL_TYPES[codec];
    const sets: ParameterSets = { vps: [], sps: [], pps: [] };
    const samples: Buffer[] = [];
    let keyframe = false;
    for (const nal of nalUnits(unit.data)) {
      const type = nalUnitType(nal, codec);
      if (type === types.accessUnitDelimiter || type === types.filler) continue; // MP4 samples carry neither
      if (codec === 'h265' && type === NAL_TYPES.h265.vps) sets.vps.push(nal);
      else if (type === types.sps) sets.sps.push(nal);
      else if (type === types.pps) sets.pps.push(nal);
      else if (isKeyframeNal(type, codec)) keyframe = true;
      samples.push(nal);
    }
    if (!samples.length) return;
    if (keyframe && sets.sps.length && sets.pps.length && (codec === 'h264' || sets.vps.length)) {
      if (!this.sets || !sameBuffers(this.sets.sps, sets.sps) || !sameBuffers(this.sets.pps, sets.pps) || !sameBuffers(this.sets.vps, sets.vps)) {
        this.init = initSegment(codec, sets);
        this.sets = sets;
        this.onInit(this.init);
      }
    }
    if (!this.init) return; // before the first decodable keyframe
    this.firstDts ??= unit.dts;
    let decodeTime = unit.dts - this.firstDts + this.shift;
    if (this.lastDecodeTime >= 0) {
      const step = decodeTime - this.lastDecodeTime;
      if (step <= 0 || step > MAX_FORWARD_JUMP_TICKS) {
        this.shift += this.lastDecodeTime + this.frameTicks - decodeTime;
        decodeTime = this.lastDecodeTime + this.frameTicks;
      } else this.frameTicks = step;
    }
    this.lastDecodeTime = decodeTime;
    const data = fragment(++this.sequence, decodeTime, this.frameTicks, unit.pts - unit.dts, keyframe, samples);
    this.onFragment({ data, keyframe, decodeTime });
  }
}
