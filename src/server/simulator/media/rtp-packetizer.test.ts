/** RTP headers, sequence wrap, PS cutting, RFC 6184/7798 fragmentation and RFC 4571 framing, read back field by field. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { frameRfc4571, MAX_RTP_PAYLOAD, parseRtpPacket, Rfc4571Reader, RtpPacketizer, ssrcFromSdp, ssrcToSdp } from './rtp-packetizer.ts';

const bytes = (length: number, seed = 1) => Buffer.from(Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff));

/** Reassembles NAL units from single-NAL and FU packets (the receiving side of RFC 6184 / RFC 7798). */
function depacketize(packets: Buffer[], codec: 'h264' | 'h265'): Buffer[] {
  const nals: Buffer[] = [];
  let fragments: Buffer[] = [];
  for (const packet of packets) {
    const payload = parseRtpPacket(packet)!.payload;
    const type = codec === 'h264' ? payload[0]! & 0x1f : (payload[0]! >> 1) & 0x3f;
    if (type !== (codec === 'h264' ? 28 : 49)) {
      nals.push(payload);
      continue;
    }
    const headerBytes = codec === 'h264' ? 1 : 2;
    const fuHeader = payload[headerBytes]!;
    if (fuHeader & 0x80) {
      const nalHeader =
        codec === 'h264' ? Buffer.from([(payload[0]! & 0xe0) | (fuHeader & 0x1f)]) : Buffer.from([(payload[0]! & 0x81) | ((fuHeader & 0x3f) << 1), payload[1]!]);
      fragments = [nalHeader];
    }
    fragments.push(payload.subarray(headerBytes + 1));
    if (fuHeader & 0x40) nals.push(Buffer.concat(fragments));
  }
  return nals;
}

describe('RTP packetizer', () => {
  it('cuts a PS frame into RFC 3550 packets: V=2, PT 96, one timestamp, marker on the last, sequence wrapping at 65535', () => {
    const packetizer = new RtpPacketizer({ ssrc: 100000001, firstSequence: 65534 });
    const frame = bytes(5000);
    const timestamp = 2 ** 32 + 7; // pacers count past 32 bits: the header carries it modulo 2^32
    const packets = packetizer.packetizeFrame(frame, timestamp);
    const parsed = packets.map((p) => parseRtpPacket(p)!);
    assert.deepEqual(parsed.map((p) => p.sequence), [65534, 65535, 0, 1]);
    assert.deepEqual(parsed.map((p) => p.marker), [false, false, false, true]);
    for (const p of parsed) {
      assert.equal(p.version, 2);
      assert.equal(p.payloadType, 96);
      assert.equal(p.timestamp, 7);
      assert.equal(p.ssrc, 100000001);
      assert.equal(p.csrcCount, 0);
      assert.equal(p.hasExtension, false);
      assert.ok(p.payload.length <= MAX_RTP_PAYLOAD, `payload of ${p.payload.length} bytes`);
    }
    assert.deepEqual(Buffer.concat(parsed.map((p) => p.payload)), frame);
    assert.equal(packetizer.nextSequence, 2);
    // A frame of exactly one payload's size is one packet with the marker.
    const single = packetizer.packetizeFrame(bytes(MAX_RTP_PAYLOAD), 0).map((p) => parseRtpPacket(p)!);
    assert.deepEqual(single.map((p) => [p.sequence, p.marker]), [[2, true]]);
  });

  it('refuses an SSRC that is not 32-bit', () => {
    assert.throws(() => new RtpPacketizer({ ssrc: 2 ** 32 }), /32-bit/);
    assert.throws(() => new RtpPacketizer({ ssrc: -1 }), /32-bit/);
  });

  it('reads the GB/T 28181 SSRC of an SDP y= line as a number, and writes it back', () => {
    assert.equal(ssrcFromSdp('0100000001'), 100000001);
    assert.equal(ssrcFromSdp('y=1310000001'), 1310000001);
    assert.equal(ssrcToSdp(100000001), '0100000001');
    assert.throws(() => ssrcFromSdp('12345'), /10 decimal digits/);
    assert.throws(() => ssrcFromSdp('9999999999'), /32 bits/);
  });

  it('sends small NAL units whole and large ones as FU-A (H.264), marker on the picture\'s last packet', () => {
    const sps = Buffer.from([0x67, 0x42, 0xc0, 0x1e, 1, 2, 3]);
    const idr = Buffer.concat([Buffer.from([0x65]), bytes(4000)]);
    const packets = new RtpPacketizer({ ssrc: 1, firstSequence: 10 }).packetizeNalUnits([sps, idr], 'h264', 9000);
    const parsed = packets.map((p) => parseRtpPacket(p)!);
    assert.equal(parsed[0]!.payload[0], 0x67, 'SPS in a single NAL unit packet');
    assert.equal(parsed[1]!.payload[0], (0x65 & 0xe0) | 28, 'FU indicator keeps F and NRI');
    assert.equal(parsed[1]!.payload[1], 0x80 | 5, 'start bit and the IDR type');
    assert.equal(parsed.at(-1)!.payload[1], 0x40 | 5, 'end bit on the last fragment');
    assert.ok(parsed.slice(2, -1).every((p) => p.payload[1] === 5), 'middle fragments have neither bit');
    assert.deepEqual(parsed.map((p) => p.marker), parsed.map((_, i) => i === parsed.length - 1));
    assert.ok(packets.every((p) => p.length - 12 <= MAX_RTP_PAYLOAD), 'no payload above 1,400 bytes');
    assert.deepEqual(depacketize(packets, 'h264'), [sps, idr]);
  });

  it('fragments H.265 NAL units with the two-byte FU payload header (type 49)', () => {
    const vps = Buffer.from([0x40, 0x01, 0x0c, 0x01]);
    const idr = Buffer.concat([Buffer.from([0x26, 0x01]), bytes(3000, 5)]);
    const packets = new RtpPacketizer({ ssrc: 2 }).packetizeNalUnits([vps, idr], 'h265', 0);
    const parsed = packets.map((p) => parseRtpPacket(p)!);
    assert.equal((parsed[1]!.payload[0]! >> 1) & 0x3f, 49);
    assert.equal(parsed[1]!.payload[1], 0x01, 'TID copied');
    assert.equal(parsed[1]!.payload[2], 0x80 | 19, 'start bit and IDR_W_RADL');
    assert.equal(parsed.filter((p) => p.marker).length, 1);
    assert.deepEqual(depacketize(packets, 'h265'), [vps, idr]);
  });

  it('frames packets for TCP with a 2-byte length (RFC 4571) and reads them back across any chunking', () => {
    const packetizer = new RtpPacketizer({ ssrc: 3 });
    const packets = packetizer.packetizeFrame(bytes(10_000), 0);
    const stream = Buffer.concat([frameRfc4571(packets.slice(0, 3)), frameRfc4571(packets.slice(3))]);
    assert.equal(stream.readUInt16BE(0), packets[0]!.length);
    for (const chunkSize of [1, 2, 3, 700, 1414, stream.length]) {
      const reader = new Rfc4571Reader();
      const read: Buffer[] = [];
      for (let offset = 0; offset < stream.length; offset += chunkSize) read.push(...reader.push(stream.subarray(offset, offset + chunkSize)));
      assert.deepEqual(read, packets, `chunks of ${chunkSize}`);
    }
  });

  it('parses packets of other senders: CSRCs, a header extension and padding', () => {
    const packet = Buffer.from([
      0xb1, 0xe0, 0x00, 0x05, 0, 0, 0, 9, 0, 0, 0, 7, // V=2, P, X, CC=1; M, PT 96; seq 5; ts 9; SSRC 7
      0, 0, 0, 1, // CSRC
      0xbe, 0xde, 0x00, 0x01, 1, 2, 3, 4, // extension of one word
      0xaa, 0xbb, // payload
      0, 0, 3, // padding of 3
    ]);
    const parsed = parseRtpPacket(packet)!;
    assert.deepEqual({ ...parsed, payload: [...parsed.payload] }, { version: 2, marker: true, payloadType: 96, sequence: 5, timestamp: 9, ssrc: 7, csrcCount: 1, hasExtension: true, payload: [0xaa, 0xbb] });
    assert.equal(parseRtpPacket(Buffer.alloc(8)), null);
  });
});
