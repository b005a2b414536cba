import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PsGate, codecOfStreamMap } from '../../src/server/adapters/media/ps.ts';
import { Rfc4571Deframer, RtpReorderer, parseRtp, sequenceDelta, type RtpPacket } from '../../src/server/adapters/media/rtp.ts';

function rtp(seq: number, payload: Buffer | string, o: { ssrc?: number; marker?: boolean; csrc?: number; extensionWords?: number; padding?: number } = {}): Buffer {
  const csrc = o.csrc ?? 0;
  const head = Buffer.alloc(12 + 4 * csrc);
  head[0] = 0x80 | (o.extensionWords !== undefined ? 0x10 : 0) | (o.padding ? 0x20 : 0) | csrc;
  head[1] = (o.marker ? 0x80 : 0) | 96;
  head.writeUInt16BE(seq & 0xffff, 2);
  head.writeUInt32BE(seq * 3600, 4);
  head.writeUInt32BE(o.ssrc ?? 100000001, 8);
  const ext = o.extensionWords !== undefined ? Buffer.alloc(4 + 4 * o.extensionWords) : Buffer.alloc(0);
  if (o.extensionWords !== undefined) ext.writeUInt16BE(o.extensionWords, 2);
  const pad = o.padding ? Buffer.concat([Buffer.alloc(o.padding - 1), Buffer.from([o.padding])]) : Buffer.alloc(0);
  return Buffer.concat([head, ext, Buffer.from(payload), pad]);
}

describe('RTP parsing', () => {
  it('strips the fixed header, CSRCs, a header extension and padding', () => {
    const p = parseRtp(rtp(7, 'payload', { csrc: 2, extensionWords: 3, padding: 4, marker: true }))!;
    assert.equal(p.payload.toString(), 'payload');
    assert.equal(p.sequence, 7);
    assert.equal(p.marker, true);
    assert.equal(p.payloadType, 96);
    assert.equal(p.ssrc, 100000001);
  });

  it('refuses what is not RTP version 2 or whose lengths do not add up', () => {
    assert.equal(parseRtp(Buffer.from('hello world, not rtp')), null);
    assert.equal(parseRtp(Buffer.alloc(8)), null);
    const lying = rtp(1, 'x', { extensionWords: 0 });
    lying.writeUInt16BE(500, 14); // extension claims 2,000 bytes
    assert.equal(parseRtp(lying), null);
  });

  it('compares sequence numbers across the 16-bit wrap', () => {
    assert.equal(sequenceDelta(2, 65534), 4);
    assert.equal(sequenceDelta(65534, 2), -4);
  });
});

describe('RTP reordering', () => {
  const collect = (opts?: { window: number; maxWaitMs: number }) => {
    let now = 0;
    const out: { seq: number; afterLoss: boolean }[] = [];
    const r = new RtpReorderer((p, afterLoss) => out.push({ seq: p.sequence, afterLoss }), { ...(opts ?? { window: 8, maxWaitMs: 100 }), now: () => now });
    const push = (seq: number) => r.push(parseRtp(rtp(seq, 'x')) as RtpPacket);
    return { r, out, push, advance: (ms: number) => (now += ms) };
  };

  it('puts swapped packets back in order, across the sequence wrap', () => {
    const { r, out, push } = collect();
    for (const seq of [65533, 65535, 65534, 1, 0, 2]) push(seq);
    assert.deepEqual(out.map((o) => o.seq), [65533, 65534, 65535, 0, 1, 2]);
    assert.equal(r.stats.lost, 0);
    assert.equal(r.stats.reordered, 2);
  });

  it('drops duplicates and packets whose turn has passed', () => {
    const { r, out, push } = collect();
    for (const seq of [10, 11, 11, 12, 10]) push(seq);
    assert.deepEqual(out.map((o) => o.seq), [10, 11, 12]);
    assert.equal(r.stats.late, 2);
  });

  it('gives up on a lost packet when the window fills, and marks the packet after the gap', () => {
    const { r, out, push } = collect({ window: 4, maxWaitMs: 10_000 });
    push(1);
    for (const seq of [3, 4, 5, 6]) push(seq); // 2 never comes
    assert.deepEqual(out.map((o) => o.seq), [1, 3, 4, 5, 6]);
    assert.deepEqual(out.map((o) => o.afterLoss), [false, true, false, false, false]);
    assert.equal(r.stats.lost, 1);
  });

  it('gives up on a lost packet after the longest wait, even when the sender stalls', () => {
    const { r, out, push, advance } = collect({ window: 64, maxWaitMs: 100 });
    push(1);
    push(3);
    assert.deepEqual(out.map((o) => o.seq), [1]);
    advance(150);
    r.giveUpIfOverdue();
    assert.deepEqual(out.map((o) => o.seq), [1, 3]);
    assert.equal(r.stats.lost, 1);
  });
});

describe('RFC 4571 framing over TCP', () => {
  it('reassembles packets cut anywhere across chunks', () => {
    const packets = [rtp(1, 'a'.repeat(30)), rtp(2, 'b'.repeat(1400)), rtp(3, 'c')];
    const stream = Buffer.concat(packets.map((p) => Buffer.concat([Buffer.from([p.length >> 8, p.length & 0xff]), p])));
    const got: Buffer[] = [];
    const d = new Rfc4571Deframer((p) => got.push(Buffer.from(p)));
    for (let i = 0; i < stream.length; i += 7) assert.equal(d.push(stream.subarray(i, i + 7)), true);
    assert.deepEqual(got.map((p) => parseRtp(p)!.sequence), [1, 2, 3]);
    assert.equal(parseRtp(got[1]!)!.payload.length, 1400);
  });

  it('says the stream is broken when a length cannot be an RTP packet', () => {
    const d = new Rfc4571Deframer(() => undefined);
    assert.equal(d.push(Buffer.from([0, 3, 1, 2, 3])), false);
  });
});

describe('program stream gate', () => {
  const pack = Buffer.from([0, 0, 1, 0xba, 0x44, 0, 4, 0, 4, 1, 1, 0x89, 0xc3, 0xf8]);
  const psm = (streamType: number) => {
    // PSM: start code, length, flags, program_stream_info_length 0, es_map_length 4, one entry, CRC
    const body = Buffer.from([0xe0, 0xff, 0, 0, 0, 4, streamType, 0xe0, 0, 0, 1, 2, 3, 4]);
    const head = Buffer.from([0, 0, 1, 0xbc, 0, body.length]);
    return Buffer.concat([head, body]);
  };
  const pes = Buffer.from([0, 0, 1, 0xe0, 0, 3, 0x80, 0, 0]);

  it('reads the video codec from the stream map', () => {
    assert.equal(codecOfStreamMap(psm(0x1b)), 'h264');
    assert.equal(codecOfStreamMap(psm(0x24)), 'h265');
    assert.equal(codecOfStreamMap(pes), null);
  });

  it('passes nothing before a keyframe pack, then everything; after a loss it resumes at a pack start', () => {
    const gate = new PsGate();
    const opened: (string | null)[] = [];
    const keyframe = Buffer.concat([pack, psm(0x24), pes]);
    assert.equal(gate.accept(pes, false), null); // mid-GOP: middle of a frame
    assert.equal(gate.accept(Buffer.concat([pack, pes]), false), null); // a P-frame pack
    assert.equal(gate.accept(keyframe, false, (c) => opened.push(c)), keyframe);
    assert.deepEqual(opened, ['h265']);
    assert.equal(gate.accept(pes, false), pes);
    assert.equal(gate.accept(pes, true), null); // the packet after a loss is mid-pack
    const next = Buffer.concat([pack, pes]);
    assert.equal(gate.accept(next, false), next);
    assert.equal(gate.dropped, 3);
  });
});
