/**
 * RTP as GB/T 28181 devices send it (RFC 3550), and RFC 4571 framing of RTP over TCP. Parsing
 * is defensive: a datagram that is not RTP version 2 or whose lengths do not add up is refused,
 * never half-read.
 */
export interface RtpPacket {
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  marker: boolean;
  payload: Buffer;
}

/** The packet, or null when the bytes are not a well-formed RTP version 2 packet. */
export function parseRtp(bytes: Buffer): RtpPacket | null {
  if (bytes.length < 12) return null;
  const b0 = bytes[0]!;
  if (b0 >> 6 !== 2) return null;
  const padding = (b0 & 0x20) !== 0;
  const extension = (b0 & 0x10) !== 0;
  const csrcCount = b0 & 0x0f;
  let offset = 12 + 4 * csrcCount;
  if (extension) {
    if (bytes.length < offset + 4) return null;
    offset += 4 + 4 * bytes.readUInt16BE(offset + 2);
  }
  let end = bytes.length;
  if (padding) {
    const pad = bytes[bytes.length - 1]!;
    if (pad === 0) return null;
    end -= pad;
  }
  if (offset > end) return null;
  return {
    payloadType: bytes[1]! & 0x7f,
    marker: (bytes[1]! & 0x80) !== 0,
    sequence: bytes.readUInt16BE(2),
    timestamp: bytes.readUInt32BE(4),
    ssrc: bytes.readUInt32BE(8),
    payload: bytes.subarray(offset, end),
  };
}

/** How far sequence number `a` is ahead of `b`, modulo 2^16 (negative when behind). */
export function sequenceDelta(a: number, b: number): number {
  const d = (a - b) & 0xffff;
  return d >= 0x8000 ? d - 0x10000 : d;
}

export interface ReorderStats {
  received: number;
  /** Sequence numbers that never arrived before the buffer gave up on them. */
  lost: number;
  /** Packets that arrived after their turn had passed, or twice: dropped. */
  late: number;
  /** Packets that arrived after a later one and were put back in place. */
  reordered: number;
}

/**
 * A small jitter buffer: packets are released in sequence order. A gap is waited for until the
 * buffer holds `window` packets or the oldest waiting packet is `maxWaitMs` old; then the missing
 * numbers are counted lost and release goes on from the next packet held. Over UDP a few packets
 * arrive swapped under load; waiting longer than a frame would only add latency.
 */
export class RtpReorderer {
  private expected: number | null = null;
  private readonly held = new Map<number, { packet: RtpPacket; atMs: number }>();
  readonly stats: ReorderStats = { received: 0, lost: 0, late: 0, reordered: 0 };

  constructor(
    /** Called for every packet in order; `afterLoss` is true for the first packet after a gap. */
    private readonly release: (packet: RtpPacket, afterLoss: boolean) => void,
    private readonly opts: { window: number; maxWaitMs: number; now: () => number } = { window: 64, maxWaitMs: 120, now: () => performance.now() },
  ) {}

  push(packet: RtpPacket) {
    this.stats.received++;
    if (this.expected === null) this.expected = packet.sequence;
    const delta = sequenceDelta(packet.sequence, this.expected);
    if (delta < 0 || this.held.has(packet.sequence)) {
      this.stats.late++;
      return;
    }
    if (delta === 0) {
      if (this.held.size) this.stats.reordered++;
      this.emit(packet, false);
      this.drain();
    } else {
      this.held.set(packet.sequence, { packet, atMs: this.opts.now() });
    }
    this.giveUpIfOverdue();
  }

  /** Releases what is held when waiting is over (the owner calls it on a timer, so a stalled sender does not strand packets). */
  giveUpIfOverdue() {
    while (this.held.size && (this.held.size >= this.opts.window || this.opts.now() - this.oldestWaitMs() >= this.opts.maxWaitMs)) {
      const next = this.nextHeld();
      this.stats.lost += sequenceDelta(next, this.expected!);
      const held = this.held.get(next)!;
      this.held.delete(next);
      this.emit(held.packet, true);
      this.drain();
    }
  }

  private emit(packet: RtpPacket, afterLoss: boolean) {
    this.expected = (packet.sequence + 1) & 0xffff;
    this.release(packet, afterLoss);
  }

  private drain() {
    for (let h = this.held.get(this.expected!); h; h = this.held.get(this.expected!)) {
      this.held.delete(h.packet.sequence);
      this.emit(h.packet, false);
    }
  }

  private oldestWaitMs() {
    let oldest = Infinity;
    for (const h of this.held.values()) oldest = Math.min(oldest, h.atMs);
    return oldest;
  }

  private nextHeld(): number {
    let best: number | null = null;
    for (const seq of this.held.keys()) if (best === null || sequenceDelta(seq, this.expected!) < sequenceDelta(best, this.expected!)) best = seq;
    return best!;
  }
}

/**
 * RFC 4571: RTP over a TCP stream, each packet preceded by its 16-bit length. Chunks arrive cut
 * anywhere; whole packets come out. A zero length is a broken stream (the caller closes it).
 */
export class Rfc4571Deframer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onPacket: (packet: Buffer) => void) {}

  /** False when the stream is not RFC 4571 (then nothing more should be pushed). */
  push(chunk: Buffer): boolean {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let offset = 0;
    while (this.pending.length - offset >= 2) {
      const length = this.pending.readUInt16BE(offset);
      if (length < 12) return false;
      if (this.pending.length - offset - 2 < length) break;
      this.onPacket(this.pending.subarray(offset + 2, offset + 2 + length));
      offset += 2 + length;
    }
    this.pending = offset ? Buffer.from(this.pending.subarray(offset)) : this.pending;
    return true;
  }
}
