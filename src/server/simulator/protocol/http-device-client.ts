/**
 * A device that pushes its events over HTTP (POST /api/ingest/events, HTTP Basic
 * deviceId:secret), batching what it has: a batch goes out when it is full or `flushMs` after its
 * first event. Each event's promise settles with the platform's answer for that item, including
 * the per-item results of a 400 (the valid items of a partly bad batch are stored all the same).
 * Network errors and 5xx answers are retried with backoff; repeats are harmless because the
 * platform stores a sourceEventId once.
 */
import type { IngestEnvelopeT } from '../../../shared/events.ts';

export interface HttpItemResult {
  index: number;
  status: 'stored' | 'duplicate' | 'rejected';
  id?: string;
  reason?: string;
  field?: string | null;
}

export interface HttpDeviceClientOptions {
  /** Base URL of the platform, e.g. http://127.0.0.1:8080 */
  url: string;
  deviceId: string;
  secret: string;
  /** Most events in one POST (the platform takes up to 1000). Default 100. */
  maxBatch?: number;
  /** How long the first event of a batch waits for company. Default 1000 ms. */
  flushMs?: number;
  timeoutMs?: number;
  /** Attempts after the first for network errors and 5xx. Default 3. */
  retries?: number;
}

/** The platform refused the whole batch (authentication, malformed body) or stayed unreachable. */
export class HttpIngestError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly code?: string,
  ) {
    super(message);
  }
}

interface Pending {
  envelope: IngestEnvelopeT;
  resolve(r: HttpItemResult): void;
  reject(err: Error): void;
}

export class HttpDeviceClient {
  readonly deviceId: string;
  readonly stats = { batches: 0, stored: 0, duplicates: 0, rejected: 0, failed: 0, retries: 0 };
  /** When the last batch was answered by the platform (ms epoch; 0 = never). */
  lastSentAt = 0;
  lastError: Error | null = null;

  private readonly endpoint: string;
  private readonly authorization: string;
  private readonly maxBatch: number;
  private readonly flushMs: number;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private closed = false;

  constructor(opts: HttpDeviceClientOptions) {
    this.deviceId = opts.deviceId;
    this.endpoint = new URL('/api/ingest/events', opts.url.replace('//localhost', '//127.0.0.1')).toString();
    this.authorization = 'Basic ' + Buffer.from(`${opts.deviceId}:${opts.secret}`).toString('base64');
    this.maxBatch = Math.min(1000, opts.maxBatch ?? 100);
    this.flushMs = opts.flushMs ?? 1000;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.retries = opts.retries ?? 3;
  }

  /** Events waiting to be sent or waiting for their answer. */
  get pending(): number {
    return this.queue.length;
  }

  /** Queues one event; settles with the platform's answer for it. */
  send(envelope: IngestEnvelopeT): Promise<HttpItemResult> {
    if (this.closed) return Promise.reject(new Error('client closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ envelope, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.kick(0);
      else if (!this.timer) this.kick(this.flushMs);
    });
  }

  /** POST /api/ingest/heartbeat: marks the device online without storing an event. */
  async heartbeat(): Promise<void> {
    const res = await fetch(this.endpoint.replace('/api/ingest/events', '/api/ingest/heartbeat'), {
      method: 'POST',
      headers: { authorization: this.authorization },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (res.status !== 204) throw new HttpIngestError(`heartbeat answered ${res.status}`, res.status);
    this.lastSentAt = Date.now();
  }

  /** Sends everything queued now and waits for the answers. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.running || this.queue.length) {
      if (this.running) await this.running;
      else this.running = this.drain().finally(() => (this.running = null));
    }
  }

  /** Flushes, then refuses further events. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private kick(delayMs: number) {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.running) this.running = this.drain().finally(() => (this.running = null));
      // A batch that filled up meanwhile is picked up by drain's loop.
    }, delayMs);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.post(batch.map((p) => p.envelope));
        batch.forEach((p, i) => {
          const r = results[i] ?? { index: i, status: 'rejected' as const, reason: 'no result for this item' };
          if (r.status === 'stored') this.stats.stored++;
          else if (r.status === 'duplicate') this.stats.duplicates++;
          else this.stats.rejected++;
          p.resolve(r);
        });
      } catch (err) {
        this.stats.failed += batch.length;
        this.lastError = err as Error;
        for (const p of batch) p.reject(err as Error);
      }
    }
  }

  private async post(events: IngestEnvelopeT[]): Promise<HttpItemResult[]> {
    const body = JSON.stringify({ events });
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(this.endpoint, {
          method: 'POST',
          headers: { authorization: this.authorization, 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (err) {
        if (attempt < this.retries) {
          await this.backoff(attempt);
          continue;
        }
        throw new HttpIngestError(`POST ${this.endpoint} failed: ${(err as Error).message}`, null);
      }
      this.stats.batches++;
      const text = await res.text();
      let parsed: { results?: HttpItemResult[]; code?: string; message?: string } = {};
      try {
        parsed = JSON.parse(text);
      } catch {
        // an answer that is not JSON (proxy error page): handled below by status
      }
      if (res.status === 200 || (res.status === 400 && Array.isArray(parsed.results))) {
        this.lastSentAt = Date.now();
        return parsed.results ?? [];
      }
      if (res.status >= 500 && attempt < this.retries) {
        await this.backoff(attempt);
        continue;
      }
      throw new HttpIngestError(`ingest answered ${res.status}: ${parsed.message ?? text.slice(0, 200)}`, res.status, parsed.code);
    }
  }

  private backoff(attempt: number) {
    this.stats.retries++;
    return new Promise((r) => setTimeout(r, 500 * 2 ** attempt * (0.5 + Math.random() * 0.5)));
  }
}
