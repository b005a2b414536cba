import type { Clock } from '../../clock.ts';

/** Failed device authentications one address may make per minute before it is answered 429 unheard. */
export const FAILED_AUTH_PER_ADDRESS_PER_MINUTE = 30;
/** Dead letters one device may add per hour; past it, refusals are counted, not stored. */
export const DEAD_LETTERS_PER_DEVICE_PER_HOUR = 1000;
/** Bytes of a refused message kept in its dead letter (enough to see what went wrong). */
export const DEAD_LETTER_RAW_MAX_BYTES = 64 * 1024;
/** Addresses or devices tracked per window; beyond it the window starts over (memory stays bounded). */
const MAX_TRACKED = 10_000;

/** Counts per key in fixed windows, in bounded memory. */
class WindowCounter {
  private windowStart = 0;
  private readonly counts = new Map<string, number>();
  constructor(
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  /** Adds one for `key` and returns the count in the current window. */
  hit(key: string): number {
    this.roll();
    if (!this.counts.has(key) && this.counts.size >= MAX_TRACKED) this.counts.clear();
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    return n;
  }

  count(key: string): number {
    this.roll();
    return this.counts.get(key) ?? 0;
  }

  private roll() {
    const now = this.clock.now();
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.counts.clear();
    }
  }
}

/**
 * What ingest keeps of senders it will not hear (issue 17, finding 2): an unauthenticated request
 * stores nothing, only these counters; an address that keeps failing is refused before any work;
 * an authenticated device can fill the dead letters only up to a cap per hour.
 */
export class IngestGuard {
  private readonly failedByAddress: WindowCounter;
  private readonly deadLettersByDevice: WindowCounter;
  readonly refusals = { unauthenticated: 0, throttled: 0, deadLettersNotStored: 0 };

  constructor(clock: Clock) {
    this.failedByAddress = new WindowCounter(60_000, clock);
    this.deadLettersByDevice = new WindowCounter(3_600_000, clock);
  }

  /** False when the address failed too often this minute: answer 429 without authenticating. */
  mayTry(address: string): boolean {
    if (this.failedByAddress.count(address) < FAILED_AUTH_PER_ADDRESS_PER_MINUTE) return true;
    this.refusals.throttled++;
    return false;
  }

  failedAuthentication(address: string) {
    this.refusals.unauthenticated++;
    this.failedByAddress.hit(address);
  }

  /** Whether a dead letter of this device may be stored (counts it when so). */
  mayStoreDeadLetter(deviceId: string | null): boolean {
    if (deviceId === null || this.deadLettersByDevice.hit(deviceId) <= DEAD_LETTERS_PER_DEVICE_PER_HOUR) return true;
    this.refusals.deadLettersNotStored++;
    return false;
  }
}
