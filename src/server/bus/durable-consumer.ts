/**
 * A consumer that loses nothing (issue 11): it reads what was stored after its last offset, then
 * the live batches, one batch at a time and in order. The handler writes its effects and the new
 * offset in one transaction (see `EventsService.saveOffset`), so after a crash the next start
 * replays exactly what was not yet handled; a handler whose effects are idempotent per message can
 * write its offset less often. A failing batch is retried, with back-off, before any later one.
 *
 * The source is the seam for more than one server instance: today the live batches come from the
 * in-process bus; a PostgreSQL LISTEN/NOTIFY or MQTT source can feed the same consumer later.
 */

export interface ConsumerSource<T extends { id: string }> {
  /** Where this consumer stopped ('' for the beginning). */
  offset(): Promise<string>;
  /** Stored messages after `afterId`, in id order, at most `limit`. */
  after(afterId: string, limit: number): Promise<T[]>;
  /** Live batches as they commit; returns the unsubscribe. */
  subscribe(onBatch: (batch: T[]) => void): () => void;
}

export interface DurableConsumerOptions {
  /** Messages read per page while catching up. */
  page?: number;
  /** Runs once the stored backlog is handled, before live batches (e.g. work left pending by a crash). */
  afterReplay?: () => Promise<unknown>;
  onError?: (err: unknown) => void;
}

export class DurableConsumer<T extends { id: string }> {
  private readonly queue: T[][] = [];
  private lastId = '';
  private busy = false;
  private started = false;
  private stopped = false;
  private idle: (() => void)[] = [];
  private unsubscribe: (() => void) | null = null;
  readonly stats = { batches: 0, messages: 0, errors: 0 };

  constructor(
    readonly name: string,
    private readonly source: ConsumerSource<T>,
    /** Handles a batch of messages newer than the offset; must save the offset with its effects. */
    private readonly handler: (batch: T[]) => Promise<void>,
    private readonly opts: DurableConsumerOptions = {},
  ) {}

  private onError(err: unknown) {
    (this.opts.onError ?? ((e) => console.error(`consumer ${this.name} failed`, e)))(err);
  }

  /** Catches up with the store, then follows live batches; returns how many stored messages it replayed. */
  async start(): Promise<number> {
    // Subscribed first: whatever commits during the replay waits in the queue (duplicates are skipped by id).
    this.unsubscribe = this.source.subscribe((batch) => {
      if (this.stopped) return;
      this.queue.push(batch);
      void this.drain();
    });
    this.lastId = await this.source.offset();
    const page = this.opts.page ?? 1000;
    let replayed = 0;
    this.busy = true;
    try {
      for (;;) {
        const batch = await this.source.after(this.lastId, page);
        if (!batch.length) break;
        await this.handle(batch);
        replayed += batch.length;
        if (batch.length < page) break;
      }
      await this.opts.afterReplay?.();
    } finally {
      this.busy = false;
      this.started = true;
    }
    void this.drain();
    return replayed;
  }

  private async handle(batch: T[]) {
    const fresh = batch.filter((m) => m.id > this.lastId);
    if (!fresh.length) return;
    await this.handler(fresh);
    this.lastId = fresh[fresh.length - 1]!.id;
    this.stats.batches++;
    this.stats.messages += fresh.length;
  }

  private async drain() {
    if (this.busy || !this.started || this.stopped) return;
    this.busy = true;
    try {
      while (this.queue.length && !this.stopped) {
        try {
          await this.handle(this.queue[0]!);
          this.queue.shift();
        } catch (err) {
          // Order matters (merging, counts, the offset): retry this batch before any later one.
          this.stats.errors++;
          this.onError(err);
          setTimeout(() => void this.drain(), Math.min(30_000, 500 * 2 ** Math.min(6, this.stats.errors))).unref();
          return;
        }
      }
    } finally {
      this.busy = false;
      for (const f of this.idle.splice(0)) f();
    }
  }

  /**
   * Shutdown: the batch in progress finishes, later ones are left to the store (the next start
   * replays them from the offset), so nothing runs against a closed database.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.queue.length = 0;
    if (this.busy) await new Promise<void>((r) => this.idle.push(r));
  }

  /** Resolves when everything queued so far has been handled (tests, shutdown). */
  settled(): Promise<void> {
    if (!this.busy && !this.queue.length && this.started) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }
}
