import { Worker } from 'node:worker_threads';
import type { VideoCodec } from './ps.ts';
import type { RemuxerEvents } from './ps-remuxer.ts';
import type { RtpListen, RtpReceiverStats } from './rtp-receiver.ts';
import type { FromRtpWorker, ToRtpWorker } from './rtp-worker.ts';
import { TS_WORKER_ENTRY } from '../../util/isolated-worker.ts';


/** A stream's receiver as the main thread sees it: the same shape as RtpPsReceiver, working in the RTP thread. */
export interface RemoteReceiver {
  listen(how: RtpListen): Promise<number>;
  connect(host: string, port: number): Promise<void>;
  close(reason?: string): void;
  readonly stats: RtpReceiverStats;
}

interface Entry {
  onProgramStream: (bytes: Buffer, endOfFrame: boolean) => void;
  remuxed: RemuxerEvents | undefined;
  onCodec: (codec: VideoCodec | null) => void;
  onClosed: (reason: string) => void;
  waiting: { resolve: (v: number) => void; reject: (e: Error) => void } | null;
  stats: RtpReceiverStats;
}

const NO_STATS: RtpReceiverStats = { received: 0, lost: 0, late: 0, reordered: 0, bytes: 0, foreign: 0, gated: 0 };

/**
 * The RTP thread (adapters/media/rtp-worker.ts), started with the first stream: receivers are
 * created here and live there. If the thread dies, its streams end with the reason and the next
 * stream starts a new one.
 */
export class RtpReceivers {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly entries = new Map<number, Entry>();

  /** With `remuxed`, the stream is remuxed to fMP4 in the RTP thread and only its init segment and fragments come here. */
  create(onProgramStream: (bytes: Buffer, endOfFrame: boolean) => void, onCodec: (codec: VideoCodec | null) => void, onClosed: (reason: string) => void, remuxed?: RemuxerEvents): RemoteReceiver {
    const worker = this.thread();
    const id = this.nextId++;
    const entry: Entry = { onProgramStream, remuxed, onCodec, onClosed, waiting: null, stats: NO_STATS };
    this.entries.set(id, entry);
    const send = (m: ToRtpWorker) => worker.postMessage(m);
    const ask = (m: ToRtpWorker) =>
      new Promise<number>((resolve, reject) => {
        if (!this.entries.has(id)) return reject(new Error('the stream is closed'));
        entry.waiting = { resolve, reject };
        send(m);
      });
    return {
      listen: (how) => ask({ op: 'listen', id, how, remux: remuxed !== undefined }),
      connect: async (host, port) => void (await ask({ op: 'connect', id, host, port })),
      close: () => {
        if (this.entries.has(id)) send({ op: 'close', id });
      },
      get stats() {
        return entry.stats;
      },
    };
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(TS_WORKER_ENTRY, { workerData: { script: new URL('./rtp-worker.ts', import.meta.url).href } });
    worker.unref();
    worker.on('message', (m: FromRtpWorker) => this.onMessage(m));
    const lost = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      for (const [id, e] of this.entries) {
        e.waiting?.reject(new Error(why));
        this.entries.delete(id);
        e.onClosed(why);
      }
    };
    worker.on('error', (err) => lost(`the RTP thread failed: ${err.message}`));
    worker.on('exit', (code) => lost(`the RTP thread stopped (${code})`));
    this.worker = worker;
    return worker;
  }

  private onMessage(m: FromRtpWorker) {
    if (m.ev === 'stats') {
      for (const [id, stats] of m.stats) {
        const e = this.entries.get(id);
        if (e) e.stats = stats;
      }
      return;
    }
    const e = this.entries.get(m.id);
    if (!e) return;
    switch (m.ev) {
      case 'ps':
        return e.onProgramStream(Buffer.from(m.bytes), m.endOfFrame);
      case 'init':
        return e.remuxed?.init({ ...m.init, data: Buffer.from(m.data) });
      case 'fragment':
        return e.remuxed?.fragment({ data: Buffer.from(m.data), keyframe: m.keyframe, decodeTime: m.decodeTime });
      case 'remux-failed':
        return e.remuxed?.exit(m.reason);
      case 'codec':
        return e.onCodec(m.codec as VideoCodec | null);
      case 'listening':
        e.waiting?.resolve(m.port);
        e.waiting = null;
        return;
      case 'connected':
        e.waiting?.resolve(0);
        e.waiting = null;
        return;
      case 'failed':
        e.waiting?.reject(new Error(m.error));
        e.waiting = null;
        return;
      case 'closed':
        this.entries.delete(m.id);
        e.waiting?.reject(new Error(m.reason));
        return e.onClosed(m.reason);
    }
  }

  /** Ends the thread (the platform stops). */
  async close() {
    const worker = this.worker;
    this.worker = null;
    for (const [id, e] of this.entries) {
      this.entries.delete(id);
      e.onClosed('the platform is stopping');
    }
    await worker?.terminate();
  }
}
