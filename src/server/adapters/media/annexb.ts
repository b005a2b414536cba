/**
 * H.264 / H.265 elementary streams in Annex-B form (NAL units behind 00 00 01 start codes), as
 * cameras put them into a program stream: NAL unit types, where units start, and Exp-Golomb
 * reading of parameter sets.
 */
import type { VideoCodec } from './ps.ts';

/** The NAL unit type: H.264 has it in the low 5 bits of the first header byte, H.265 in bits 1–6. */
export function nalUnitType(nal: Buffer, codec: VideoCodec): number {
  return codec === 'h264' ? nal[0]! & 0x1f : (nal[0]! >> 1) & 0x3f;
}

export const NAL_TYPES = {
  h264: { accessUnitDelimiter: 9, idr: 5, sps: 7, pps: 8, sei: 6, filler: 12 },
  h265: { accessUnitDelimiter: 35, vps: 32, sps: 33, pps: 34, prefixSei: 39, filler: 38 },
} as const;

/** Contains an IDR picture (H.264 NAL type 5; H.265 IRAP types 16–21), so decoding can start here. */
export const isKeyframeNal = (type: number, codec: VideoCodec) => (codec === 'h264' ? type === NAL_TYPES.h264.idr : type >= 16 && type <= 21);

/** A coded slice of a picture (VCL NAL unit). */
export const isPictureNal = (type: number, codec: VideoCodec) => (codec === 'h264' ? type >= 1 && type <= 5 : type <= 31);

const START_CODE = Buffer.from([0, 0, 1]);

/** Where each NAL unit of an Annex-B stream starts: its start code (3 or 4 bytes) and its header. */
export function nalPositions(stream: Buffer): { startCode: number; header: number }[] {
  const positions: { startCode: number; header: number }[] = [];
  for (let at = stream.indexOf(START_CODE); at >= 0; at = stream.indexOf(START_CODE, at + 3)) {
    // A zero before 00 00 01 belongs to a 4-byte start code (zero_byte), not to the previous NAL.
    positions.push({ startCode: at > 0 && stream[at - 1] === 0 ? at - 1 : at, header: at + 3 });
  }
  return positions;
}

/** The NAL units of an Annex-B buffer, without start codes (trailing zeros of a unit stay; they are harmless). */
export function nalUnits(annexB: Buffer): Buffer[] {
  const positions = nalPositions(annexB);
  return positions.map((p, i) => annexB.subarray(p.header, i + 1 < positions.length ? positions[i + 1]!.startCode : annexB.length)).filter((nal) => nal.length > 0);
}

/**
 * The codec of a keyframe's access unit when no stream map said (some devices send none): H.265
 * puts a VPS (header 40 01) before its SPS, H.264 an SPS (67, 27 or 47). Null when neither is there.
 */
export function guessCodec(annexB: Buffer): VideoCodec | null {
  for (const p of nalPositions(annexB)) {
    const first = annexB[p.header];
    if (first === 0x40 && annexB[p.header + 1] === 0x01) return 'h265';
    if (first !== undefined && (first & 0x9f) === 0x07) return 'h264';
  }
  return null;
}

/** The RBSP of a NAL unit: its bytes with the emulation prevention bytes (the 03 of 00 00 03) taken out. */
export function rbsp(nal: Buffer): Buffer {
  const out = Buffer.allocUnsafe(nal.length);
  let n = 0;
  let zeros = 0;
  for (const byte of nal) {
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    zeros = byte === 0 ? zeros + 1 : 0;
    out[n++] = byte;
  }
  return out.subarray(0, n);
}

/** Reads bits and Exp-Golomb codes (ITU-T H.264 §9.1) from an RBSP. */
export class BitReader {
  private bit = 0;
  constructor(private readonly bytes: Buffer, startByte = 0) {
    this.bit = startByte * 8;
  }

  u(bits: number): number {
    let value = 0;
    for (let i = 0; i < bits; i++) {
      const byte = this.bytes[this.bit >> 3];
      if (byte === undefined) throw new Error('parameter set ends early');
      value = value * 2 + ((byte >> (7 - (this.bit & 7))) & 1);
      this.bit++;
    }
    return value;
  }

  skip(bits: number) {
    this.bit += bits;
  }

  /** ue(v): unsigned Exp-Golomb. */
  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) if (++zeros > 31) throw new Error('bad Exp-Golomb code');
    return 2 ** zeros - 1 + this.u(zeros);
  }

  /** se(v): signed Exp-Golomb. */
  se(): number {
    const k = this.ue();
    return k & 1 ? (k + 1) / 2 : -(k / 2);
  }
}
