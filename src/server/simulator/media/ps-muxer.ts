import type { AccessUnit, VideoCodec } from './test-pattern.ts';

/**
 * MPEG-2 Program Stream (ISO/IEC 13818-1 §2.5) as GB/T 28181 devices send it: one pack per access
 * unit — pack header, on keyframes a system header and a program stream map (so a receiver
 * joining there learns the codec), then the picture in PES packets. Video only; PTS = DTS
 * because the test patterns have no B-frames.
 */

/** stream_type in the PSM: H.264 0x1B (ISO/IEC 13818-1), H.265 0x24 (GB/T 28181-2022 §C). */
export const PS_STREAM_TYPE: Record<VideoCodec, number> = { h264: 0x1b, h265: 0x24 };
/** PES stream_id of the (first) video stream. */
export const VIDEO_STREAM_ID = 0xe0;
/** Largest PES payload we write; PES_packet_length is 16 bits, and GB devices stay near 65,000. */
export const MAX_PES_PAYLOAD = 65_000;

const PACK_START = 0xba;
const SYSTEM_HEADER_START = 0xbb;
const PROGRAM_STREAM_MAP_START = 0xbc;
/** program_mux_rate / rate_bound in units of 50 bytes/s: 20 Mbit/s, above any test pattern. */
const MUX_RATE = 50_000;
const TWO_POW_30 = 2 ** 30;
const TWO_POW_33 = 2 ** 33;

/** 33-bit clock values split for bitwise work (JS bit operators are 32-bit). */
function split33(value: number) {
  const wrapped = ((Math.floor(value) % TWO_POW_33) + TWO_POW_33) % TWO_POW_33;
  return { high3: Math.floor(wrapped / TWO_POW_30) & 0x07, low30: wrapped % TWO_POW_30 };
}

/** Pack header, 14 bytes: SCR (33 bits of 90 kHz + 9-bit extension, here 0), mux rate, no stuffing. */
export function packHeader(scr90k: number): Buffer {
  const { high3, low30 } = split33(scr90k);
  const extension = 0;
  const b = Buffer.alloc(14);
  b.writeUInt32BE(0x000001_00 | PACK_START, 0);
  b[4] = 0x40 | (high3 << 3) | 0x04 | ((low30 >> 28) & 0x03);
  b[5] = (low30 >> 20) & 0xff;
  b[6] = ((low30 >> 12) & 0xf8) | 0x04 | ((low30 >> 13) & 0x03);
  b[7] = (low30 >> 5) & 0xff;
  b[8] = ((low30 << 3) & 0xf8) | 0x04 | ((extension >> 7) & 0x03);
  b[9] = ((extension & 0x7f) << 1) | 0x01;
  b[10] = (MUX_RATE >> 14) & 0xff;
  b[11] = (MUX_RATE >> 6) & 0xff;
  b[12] = ((MUX_RATE & 0x3f) << 2) | 0x03;
  b[13] = 0xf8; // reserved bits, pack_stuffing_length 0
  return b;
}

/** System header announcing one video stream with a 2 MiB P-STD buffer (scale 1024 × 2048). */
export function systemHeader(): Buffer {
  const streams = [{ id: VIDEO_STREAM_ID, bufferScale: 1, bufferSizeBound: 2048 }];
  const b = Buffer.alloc(12 + 3 * streams.length);
  b.writeUInt32BE(0x000001_00 | SYSTEM_HEADER_START, 0);
  b.writeUInt16BE(6 + 3 * streams.length, 4);
  b[6] = 0x80 | ((MUX_RATE >> 15) & 0x7f);
  b[7] = (MUX_RATE >> 7) & 0xff;
  b[8] = ((MUX_RATE & 0x7f) << 1) | 0x01;
  b[9] = 0 << 2; // audio_bound 0, fixed_flag 0, CSPS_flag 0
  b[10] = 0x80 | 0x40 | 0x20 | 1; // audio and video locked, marker, video_bound 1
  b[11] = 0x7f; // packet_rate_restriction_flag 0, reserved
  streams.forEach((s, i) => {
    b[12 + 3 * i] = s.id;
    b[13 + 3 * i] = 0xc0 | (s.bufferScale << 5) | ((s.bufferSizeBound >> 8) & 0x1f);
    b[14 + 3 * i] = s.bufferSizeBound & 0xff;
  });
  return b;
}

/** Program stream map: the video stream's type and id, no descriptors, CRC_32 over the whole map. */
export function programStreamMap(codec: VideoCodec, version = 0): Buffer {
  const elementaryStreams = [{ type: PS_STREAM_TYPE[codec], id: VIDEO_STREAM_ID }];
  const mapLength = 4 * elementaryStreams.length;
  const b = Buffer.alloc(12 + mapLength + 4); // start code, length, flags, info length, map length, map, CRC
  b.writeUInt32BE(0x000001_00 | PROGRAM_STREAM_MAP_START, 0);
  b.writeUInt16BE(b.length - 6, 4); // program_stream_map_length: the bytes after this field
  b[6] = 0x80 | 0x60 | (version & 0x1f); // current_next_indicator 1, reserved, version
  b[7] = 0xff; // reserved, marker
  b.writeUInt16BE(0, 8); // program_stream_info_length
  b.writeUInt16BE(mapLength, 10); // elementary_stream_map_length
  elementaryStreams.forEach((s, i) => {
    b[12 + 4 * i] = s.type;
    b[13 + 4 * i] = s.id;
    b.writeUInt16BE(0, 14 + 4 * i); // elementary_stream_info_length
  });
  b.writeUInt32BE(crc32Mpeg2(b.subarray(0, b.length - 4)), b.length - 4);
  return b;
}

/** A PTS or DTS field, 5 bytes: 4-bit prefix ('0011' PTS with DTS, '0001' DTS), 33 bits with marker bits. */
function timestampField(prefix: number, value90k: number, into: Buffer, offset: number) {
  const { high3, low30 } = split33(value90k);
  into[offset] = (prefix << 4) | (high3 << 1) | 0x01;
  into[offset + 1] = (low30 >> 22) & 0xff;
  into[offset + 2] = ((low30 >> 14) & 0xfe) | 0x01;
  into[offset + 3] = (low30 >> 7) & 0xff;
  into[offset + 4] = ((low30 << 1) & 0xfe) | 0x01;
}

/** One PES packet of the video stream; the first of a picture carries PTS and DTS and marks data alignment. */
export function pesPacket(payload: Buffer, pts90k: number | null): Buffer {
  const headerDataLength = pts90k === null ? 0 : 10;
  const packetLength = 3 + headerDataLength + payload.length;
  if (packetLength > 0xffff) throw new Error(`PES payload of ${payload.length} bytes does not fit one PES packet`);
  const header = Buffer.alloc(9 + headerDataLength);
  header.writeUInt32BE(0x000001_00 | VIDEO_STREAM_ID, 0);
  header.writeUInt16BE(packetLength, 4);
  header[6] = 0x80 | (pts90k === null ? 0 : 0x04); // '10', not scrambled, data_alignment_indicator on the first
  header[7] = pts90k === null ? 0x00 : 0xc0; // PTS_DTS_flags '11'
  header[8] = headerDataLength;
  if (pts90k !== null) {
    timestampField(0x3, pts90k, header, 9);
    timestampField(0x1, pts90k, header, 14);
  }
  return Buffer.concat([header, payload]);
}

/**
 * One access unit as a PS pack. `pts90k` may exceed 33 bits (pacers count up forever); it is
 * wrapped here. SCR = PTS: the receiver gets each picture as it is due.
 */
export function muxProgramStreamFrame(unit: AccessUnit, pts90k: number, codec: VideoCodec): Buffer {
  const parts: Buffer[] = [packHeader(pts90k)];
  if (unit.keyframe) parts.push(systemHeader(), programStreamMap(codec));
  let offset = 0;
  do {
    parts.push(pesPacket(unit.data.subarray(offset, offset + MAX_PES_PAYLOAD), offset === 0 ? pts90k : null));
    offset += MAX_PES_PAYLOAD;
  } while (offset < unit.data.length);
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------

const CRC32_MPEG2_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 24;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
    table[i] = crc >>> 0;
  }
  return table;
})();

/** CRC-32/MPEG-2 (ISO/IEC 13818-1 Annex A): polynomial 0x04C11DB7, initial 0xFFFFFFFF, not reflected, no final XOR. */
export function crc32Mpeg2(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = ((crc << 8) ^ CRC32_MPEG2_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  return crc >>> 0;
}
