import { mkdir, open, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** What a segment file is written through: `fs.promises.open`'s handle, or a test's slow disk. */
export interface SegmentFileHandle {
  writev(buffers: Buffer[]): Promise<unknown>;
  close(): Promise<void>;
}

/** Opens a new file at the path asked for, or beside it; resolves with the handle and where it went. */
export type OpenSegmentFile = (absolutePath: string) => Promise<{ handle: SegmentFileHandle; absolutePath: string }>;

/** Creates the folders and the file; never overwrites (a second segment in the same second gets a suffix: 101502-1.mp4). */
export const openExclusive: OpenSegmentFile = async (wanted) => {
  await mkdir(path.dirname(wanted), { recursive: true });
  const ext = path.extname(wanted);
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? wanted : `${wanted.slice(0, -ext.length)}-${n}${ext}`;
    try {
      return { handle: (await open(candidate, 'wx')) as FileHandle, absolutePath: candidate };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 100) throw err;
    }
  }
};

/**
 * One segment file being written: parts are queued in memory and written in order by one async
 * loop (never blocking the event loop); the owner bounds what it queues by `queuedBytes`. A failed
 * open or write makes the file `failed`; later parts are dropped and `finish` removes it.
 */
export class SegmentFile {
  queuedBytes = 0;
  writtenBytes = 0;
  failed: Error | null = null;
  private queue: Buffer[] = [];
  private handle: Promise<SegmentFileHandle | null>;
  private pumping: Promise<void> | null = null;
  private finished = false;

  constructor(
    /** Where the file is asked for; `absolutePath` once it is open (a suffix when the name was taken). */
    public absolutePath: string,
    openFile: OpenSegmentFile,
    private readonly onDrained: (bytes: number) => void,
  ) {
    this.handle = openFile(absolutePath).then(
      (opened) => {
        this.absolutePath = opened.absolutePath;
        return opened.handle;
      },
      (err: Error) => {
        this.fail(err);
        return null;
      },
    );
  }

  /** Queues parts for writing; false (and nothing queued) once the file has failed. Never calls back synchronously. */
  write(parts: Buffer[]): boolean {
    if (this.failed || this.finished) return false;
    for (const p of parts) {
      this.queue.push(p);
      this.queuedBytes += p.length;
    }
    this.pumping ??= this.pump();
    return true;
  }

  private async pump() {
    const handle = await this.handle;
    while (handle && this.queue.length && !this.failed) {
      const batch = this.queue;
      this.queue = [];
      const bytes = batch.reduce((n, b) => n + b.length, 0);
      try {
        await handle.writev(batch);
        this.writtenBytes += bytes;
      } catch (err) {
        this.fail(err as Error);
      }
      this.queuedBytes -= bytes;
      this.onDrained(bytes);
    }
    this.pumping = null;
  }

  private fail(err: Error) {
    this.failed ??= err;
    // What waits in the queue is dropped; a batch being written is accounted for by the loop.
    const dropped = this.queue.reduce((n, b) => n + b.length, 0);
    this.queue = [];
    this.queuedBytes -= dropped;
    if (dropped) this.onDrained(dropped);
  }

  /** Writes what is queued and closes the file; a failed file is removed. Resolves with the bytes on disk, or the error. */
  async finish(): Promise<{ bytes: number } | { error: Error }> {
    this.finished = true;
    while (this.pumping) await this.pumping;
    const handle = await this.handle;
    try {
      await handle?.close();
    } catch (err) {
      this.failed ??= err as Error;
    }
    if (this.failed) {
      // Only a file this segment created is removed (a failed open created none).
      if (handle) await unlink(this.absolutePath).catch(() => undefined);
      return { error: this.failed };
    }
    return { bytes: this.writtenBytes };
  }
}
