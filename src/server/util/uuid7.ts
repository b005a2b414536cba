import { randomBytes, randomUUID } from 'node:crypto';

let lastMs = 0;
let counter = 0;
let pool = randomBytes(4096);
let offset = pool.length;

/**
 * Where ids take their time and randomness from. Normally the wall clock and the OS; while the
 * demo history is generated (simulator/history), a clock set to the historical instant and a
 * seeded stream, so the same seed gives the same ids (see util/deterministic-ids.ts).
 */
export interface IdSource {
  now(): number;
  /** `n` random bytes. */
  bytes(n: number): Buffer;
}

let source: IdSource | null = null;
let saved: { lastMs: number; counter: number } | null = null;

/** Installs a source (null restores the wall clock and the OS); the id sequence state starts afresh for it. */
export function setIdSource(next: IdSource | null): void {
  if (next && !source) saved = { lastMs, counter };
  if (!next && saved) ({ lastMs, counter } = saved);
  if (next) {
    lastMs = 0;
    counter = 0;
  }
  source = next;
}

function random(n: number): Buffer {
  if (source) return source.bytes(n);
  if (offset + n > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  const out = pool.subarray(offset, offset + n);
  offset += n;
  return out;
}

/**
 * UUID version 7 (RFC 9562): 48-bit Unix milliseconds, then a 12-bit counter that keeps ids
 * from one process strictly increasing within a millisecond, then random bits. Sorting by id
 * sorts by creation time, which lets the event store page by id.
 */
export function uuid7(now = source ? source.now() : Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    counter = random(2).readUInt16BE(0) & 0x3ff; // start low so the counter rarely overflows
  } else {
    counter++;
    if (counter > 0xfff) {
      lastMs++; // borrow the next millisecond rather than repeat an id
      counter = 0;
    }
  }
  const b = Buffer.allocUnsafe(16);
  b.writeUIntBE(lastMs, 0, 6);
  b[6] = 0x70 | (counter >> 8);
  b[7] = counter & 0xff;
  random(8).copy(b, 8);
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * A random (version 4) UUID for records whose id carries no time: from the OS, or from the
 * installed id source while the demo history is generated (so its ids repeat with its seed).
 */
export function uuid4(): string {
  if (!source) return randomUUID();
  const b = Buffer.from(source.bytes(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
