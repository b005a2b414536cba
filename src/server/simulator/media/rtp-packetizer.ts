import type { VideoCodec } from './test-pattern.ts';

/**
 * RTP packets (RFC 3550) for the simulated cameras: a GB/T 28181 device's PS frames cut into
 * fixed-size pieces (payload type 96, `a=rtpmap:96 PS/90000`), and H.264 / H.265 NAL units for
 * RTSP (RFC 6184 / RFC 7798: single NAL unit packets and fragmentation units). Plus the RFC 4571
 * framing RTP gets over TCP.
 */

export const RTP_HEADER_BYTES = 12;
/** Dynamic payload type used for PS (GB/T 28181) and for H.264/H.265 in our SDPs. */
export const DYNAMIC_PAYLOAD_TYPE = 96;
/** Keeps a packet (20 IP + 8 UDP + 12 RTP + payload) well under a 1,500-byte Ethernet MTU. */
export const MAX_RTP_PAYLOAD = 1400;

export interface RtpPacketizerOptions {
  ssrc: number;
  payloadType?: number;
  /** Default random, as RFC 3550 §5.1 asks (tests pick one near 65535 to see the wrap). */
  firstSequence?: number;
  maxPayload?: number;
}

const FU_A = 28; // RFC 6184 §5.8
const H265_FU = 49; // RFC 7798 §4.4.3

export class RtpPacketizer {
  readonly ssrc: number;
  readonly payloadType: number;
  readonly maxPayload: number;
  private sequence: number;

  constructor(opts: RtpPacketizerOptions) {
    if (!Number.isInteger(opts.ssrc) || opts.ssrc < 0 || opts.ssrc > 0xffffffff) throw new Error(`SSRC must be a 32-bit unsigned integer, got ${opts.ssrc}`);
    this.ssrc = opts.ssrc;
    this.payloadType = opts.payloadType ?? DYNAMIC_PAYLOAD_TYPE;
    this.maxPayload = opts.maxPayload ?? MAX_RTP_PAYLOAD;
    if (this.maxPayload < 16) throw new Error('maxPayload is too small to carry fragments');
    this.sequence = (opts.firstSequence ?? Math.floor(Math.random() * 0x10000)) & 0xffff;
  }

  /** The sequence number the next packet gets. */
  get nextSequence() {
    return this.sequence;
  }

  /** One packet; the timestamp is taken modulo 2^32 (pacers count up without wrapping). */
  packet(payload: Buffer | Buffer[], timestamp90k: number, marker: boolean): Buffer {
    const parts = Array.isArray(payload) ? payload : [payload];
    const packet = Buffer.allocUnsafe(RTP_HEADER_BYTES + parts.reduce((n, p) => n + p.length, 0));
    packet[0] = 0x80; // V=2, no padding, no extension, no CSRC
    packet[1] = (marker ? 0x80 : 0) | (this.payloadType & 0x7f);
    packet.writeUInt16BE(this.sequence, 2);
    packet.writeUInt32BE(timestamp90k >>> 0, 4);
    packet.writeUInt32BE(this.ssrc, 8);
    let offset = RTP_HEADER_BYTES;
    for (const part of parts) offset += part.copy(packet, offset);
    this.sequence = (this.sequence + 1) & 0xffff;
    return packet;
  }

  /** A frame's bytes (a PS pack) cut into packets of at most maxPayload bytes; the marker is set on the last. */
  packetizeFrame(frame: Buffer, timestamp90k: number): Buffer[] {
    const packets: Buffer[] = [];
    for (let offset = 0; offset < frame.length; offset += this.maxPayload) {
      const end = Math.min(frame.length, offset + this.maxPayload);
      packets.push(this.packet(frame.subarray(offset, end), timestamp90k, end === frame.length));
    }
    return packets;
  }

  /**
   * The NAL units (without start codes) of one picture, each in a single NAL unit packet when it
   * fits and in fragmentation units otherwise (FU-A for H.264, FU type 49 for H.265); the marker
   * is set on the picture's last packet.
   */
  packetizeNalUnits(nals: Buffer[], codec: VideoCodec, timestamp90k: number): Buffer[] {
    const packets: Buffer[] = [];
    nals.forEach((nal, nalIndex) => {
      const lastNal = nalIndex === nals.length - 1;
      if (nal.length <= this.maxPayload) {
        packets.push(this.packet(nal, timestamp90k, lastNal));
        return;
      }
      const headerBytes = codec === 'h264' ? 1 : 2;
      const nalType = codec === 'h264' ? nal[0]! & 0x1f : (nal[0]! >> 1) & 0x3f;
      // The payload header takes the NAL's F/NRI (H.264) or F/layer/TID (H.265) bits with the FU type.
      const payloadHeader = codec === 'h264' ? Buffer.from([(nal[0]! & 0xe0) | FU_A]) : Buffer.from([(nal[0]! & 0x81) | (H265_FU << 1), nal[1]!]);
      const chunk = this.maxPayload - payloadHeader.length - 1;
      for (let offset = headerBytes; offset < nal.length; offset += chunk) {
        const end = Math.min(nal.length, offset + chunk);
        const fuHeader = (offset === headerBytes ? 0x80 : 0) | (end === nal.length ? 0x40 : 0) | nalType;
        packets.push(this.packet([payloadHeader, Buffer.from([fuHeader]), nal.subarray(offset, end)], timestamp90k, lastNal && end === nal.length));
      }
    });
    return packets;
  }
}

/** The fields of an RTP packet, and its payload after CSRCs, header extension and padding. */
export interface RtpPacket {
  version: number;
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  csrcCount: number;
  hasExtension: boolean;
  payload: Buffer;
}

/** Reads an RTP packet; null when it is too short or inconsistent to be one. */
export function parseRtpPacket(packet: Buffer): RtpPacket | null {
  if (packet.length < RTP_HEADER_BYTES) return null;
  const csrcCount = packet[0]! & 0x0f;
  const hasExtension = (packet[0]! & 0x10) !== 0;
  const hasPadding = (packet[0]! & 0x20) !== 0;
  let offset = RTP_HEADER_BYTES + 4 * csrcCount;
  if (hasExtension) {
    if (packet.length < offset + 4) return null;
    offset += 4 + 4 * packet.readUInt16BE(offset + 2);
  }
  const padding = hasPadding ? packet[packet.length - 1]! : 0;
  if (offset + padding > packet.length) return null;
  return {
    version: packet[0]! >> 6,
    marker: (packet[1]! & 0x80) !== 0,
    payloadType: packet[1]! & 0x7f,
    sequence: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    ssrc: packet.readUInt32BE(8),
    csrcCount,
    hasExtension,
    payload: packet.subarray(offset, packet.length - padding),
  };
}

/**
 * The SSRC of a GB/T 28181 SDP `y=` line: 10 decimal digits (first 0 live, 1 playback; then 5
 * digits of the domain; then a 4-digit serial) read as a number.
 */
export function ssrcFromSdp(y: string): number {
  const digits = y.trim().replace(/^y=/, '');
  if (!/^\d{10}$/.test(digits)) throw new Error(`a GB/T 28181 SSRC is 10 decimal digits, got "${y}"`);
  const ssrc = Number(digits);
  if (ssrc > 0xffffffff) throw new Error(`SSRC ${digits} does not fit 32 bits`);
  return ssrc;
}

/** The `y=` form of an SSRC: 10 decimal digits, zero-padded. */
export const ssrcToSdp = (ssrc: number) => String(ssrc >>> 0).padStart(10, '0');

/** RFC 4571 framing for RTP over TCP: each packet behind a 2-byte big-endian length. */
export function frameRfc4571(packets: Buffer[]): Buffer {
  const framed = Buffer.allocUnsafe(packets.reduce((n, p) => n + 2 + p.length, 0));
  let offset = 0;
  for (const packet of packets) {
    if (packet.length > 0xffff) throw new Error(`an RTP packet of ${packet.length} bytes cannot be framed for TCP`);
    offset = framed.writeUInt16BE(packet.length, offset);
    offset += packet.copy(framed, offset);
  }
  return framed;
}

/** Undoes RFC 4571 framing on a TCP byte stream, whatever the chunk boundaries. */
export class Rfc4571Reader {
  private pending: Buffer = Buffer.alloc(0);

  /** The packets completed by this chunk. */
  push(chunk: Buffer): Buffer[] {
    const data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const packets: Buffer[] = [];
    let offset = 0;
    while (offset + 2 <= data.length) {
      const length = data.readUInt16BE(offset);
      if (offset + 2 + length > data.length) break;
      packets.push(data.subarray(offset + 2, offset + 2 + length));
      offset += 2 + length;
    }
    // Copied so a kept remainder does not pin the whole chunk in memory.
    this.pending = Buffer.from(data.subarray(offset));
    return packets;
  }
}
