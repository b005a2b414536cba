import { OnvifConnection, explain, withDeadline, type OnvifTarget } from './onvif-client.ts';

/** The long poll the platform asks for: the `onvif` package asks PullMessages to wait up to PT1M. */
export const PULL_WAIT_MS = 60_000;
/** A camera that answers an empty PullMessages at once (ignoring the Timeout) is not asked again sooner than this. */
const MIN_EMPTY_PULL_MS = 1_000;

export interface PullStatus {
  state: 'starting' | 'subscribed' | 'retrying' | 'stopped';
  lastPullAt: string | null;
  lastEventAt: string | null;
  lastEventTopic: string | null;
  /** Notifications stored as events, sent to dead letters, skipped (ends of states, unmapped topics). */
  stored: number;
  deadLetters: number;
  skipped: number;
  failures: number;
  lastError: string | null;
  lastErrorAt: string | null;
}

export interface PullHandlers {
  /** Each answer to PullMessages (empty ones too: the camera is alive). */
  onPulled(messages: unknown[], status: PullStatus): Promise<void>;
}

export interface PullOptions {
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  nowIso: () => string;
}

/**
 * One camera's pull-point subscription (ONVIF Core §9.1): CreatePullPointSubscription, then
 * PullMessages in a loop, Renew when the subscription nears its end, and Unsubscribe at stop.
 * On any failure the subscription is dropped and created again after a backoff (1 s doubling to
 * a minute). `stop()` aborts the poll in flight, clears the backoff timer and ends the loop: no
 * timer or socket is left behind.
 */
export class PullPoint {
  readonly status: PullStatus = { state: 'starting', lastPullAt: null, lastEventAt: null, lastEventTopic: null, stored: 0, deadLetters: 0, skipped: 0, failures: 0, lastError: null, lastErrorAt: null };
  private conn: OnvifConnection;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private sleeping: { timer: NodeJS.Timeout; wake: () => void } | null = null;

  constructor(
    readonly target: OnvifTarget,
    private readonly handlers: PullHandlers,
    private readonly opts: PullOptions,
  ) {
    this.conn = new OnvifConnection(target, opts.timeoutMs);
  }

  start() {
    this.loop ??= this.run();
  }

  private async run() {
    let subscribed = false;
    let opened = false;
    while (!this.stopped) {
      try {
        if (!opened) {
          await withDeadline(this.conn.open(), this.opts.timeoutMs * 2, 'the camera');
          opened = true;
        }
        if (!subscribed) {
          await this.ask((cb) => this.conn.cam.createPullPointSubscription(cb));
          subscribed = true;
          this.status.state = 'subscribed';
        }
        const asked = performance.now();
        const answer = await this.ask<{ notificationMessage?: unknown; currentTime?: unknown; terminationTime?: unknown }>((cb) => this.conn.cam.pullMessages({ messageLimit: 50 }, cb));
        if (this.stopped) break;
        this.status.lastPullAt = this.opts.nowIso();
        this.status.failures = 0;
        const messages = answer?.notificationMessage === undefined ? [] : Array.isArray(answer.notificationMessage) ? answer.notificationMessage : [answer.notificationMessage];
        await this.handlers.onPulled(messages, this.status);
        // Some cameras extend the subscription with each pull, others (Axis) only on Renew.
        const left = timeOf(answer?.terminationTime) - timeOf(answer?.currentTime);
        if (!(left > PULL_WAIT_MS + 30_000)) await this.ask((cb) => this.conn.cam.renew({}, cb));
        const took = performance.now() - asked;
        if (!messages.length && took < MIN_EMPTY_PULL_MS) await this.sleep(MIN_EMPTY_PULL_MS - took);
      } catch (err) {
        if (this.stopped) break;
        subscribed = false;
        this.status.failures++;
        this.status.state = 'retrying';
        this.status.lastError = explain(err, this.target).message;
        this.status.lastErrorAt = this.opts.nowIso();
        // A camera that restarted knows neither the subscription nor (maybe) its clock: start over.
        if (this.status.failures > 1) opened = false;
        await this.sleep(Math.min(this.opts.retryBaseMs * 2 ** (this.status.failures - 1), this.opts.retryMaxMs));
      }
    }
    if (subscribed) {
      // Polite, and bounded: a camera that is gone is not waited for.
      await withDeadline(this.ask((cb) => this.conn.cam.unsubscribe(cb, true)), 2_000, 'the camera').catch(() => undefined);
    }
    this.conn.close();
    this.status.state = 'stopped';
  }

  private ask<T = any>(fn: (cb: (err: Error | null, data?: T) => void) => void): Promise<T> {
    return new Promise((resolve, reject) => fn((err, data) => (err ? reject(err) : resolve(data as T))));
  }

  private sleep(ms: number) {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleeping = null;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleeping = { timer, wake };
    });
  }

  async stop() {
    this.stopped = true;
    this.sleeping?.wake();
    // Aborts the long poll in flight (its callback fails, the loop sees `stopped`).
    this.conn.close();
    await this.loop;
    this.conn.close();
  }
}

function timeOf(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') return Date.parse(v);
  return Number.NaN;
}
