import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';
import type { VideoCodec } from './ps.ts';
import type { RemuxerEvents } from './ps-remuxer.ts';
import type { RtpListen, RtpReceiverStats } from './rtp-receiver.ts';
import { asBuffer, type FromRtpStreams, type ToRtpStreams } from './rtp-streams.ts';
import { MEDIA_NODE_PATH, decodeFromNode } from './media-node-wire.ts';
import { TS_WORKER_ENTRY } from '../../util/isolated-worker.ts';

/** A stream's receiver as the API sees it: the same shape as RtpPsReceiver, working in the RTP thread or on a media node. */
export interface RemoteReceiver {
  listen(how: RtpListen): Promise<number>;
  connect(host: string, port: number): Promise<void>;
  close(reason?: string): void;
  readonly stats: RtpReceiverStats;
}

/** Where streams are received: a line to the RTP thread or to a media node. */
export interface RtpChannel {
  send(m: ToRtpStreams): void;
  close(): Promise<void>;
}
/** Opens a channel; `lost` is called once if it fails or ends by itself. */
export type OpenRtpChannel = (receive: (m: FromRtpStreams) => void, lost: (why: string) => void) => RtpChannel;

/** The RTP thread of this process (adapters/media/rtp-worker.ts). */
export const rtpThread: OpenRtpChannel = (receive, lost) => {
  const worker = new Worker(TS_WORKER_ENTRY, { workerData: { script: new URL('./rtp-worker.ts', import.meta.url).href } });
  worker.unref();
  worker.on('message', receive);
  worker.on('error', (err) => lost(`the RTP thread failed: ${err.message}`));
  worker.on('exit', (code) => lost(`the RTP thread stopped (${code})`));
  return { send: (m) => worker.postMessage(m), close: async () => void (await worker.terminate()) };
};

/**
 * A media node in another process or on another machine (adapters/media/media-node-server.ts),
 * reached at `url` with the shared secret. Requests made while connecting wait for the connection.
 */
export function mediaNode(url: string, secret: string): OpenRtpChannel {
  const where = new URL(MEDIA_NODE_PATH, url.replace(/\/+$/, '') + '/').href;
  return (receive, lost) => {
    const ws = new WebSocket(where, { headers: { authorization: `Bearer ${secret}` }, handshakeTimeout: 5000, perMessageDeflate: false });
    const pending: string[] = [];
    ws.on('open', () => {
      for (const m of pending.splice(0)) ws.send(m);
    });
    ws.on('message', (data: Buffer, binary) => {
      if (!binary) return;
      let m: FromRtpStreams;
      try {
        m = decodeFromNode(data);
      } catch (err) {
        return ws.terminate(), lost(`the media node at ${url} sent a malformed frame (${(err as Error).message})`);
      }
      receive(m);
    });
    ws.on('unexpected-response', (_req, res) => {
      lost(res.statusCode === 401 ? `the media node at ${url} refused the secret (XIAOAN_MEDIA_NODE_SECRET differs)` : `the media node at ${url} answered HTTP ${res.statusCode}`);
      ws.terminate();
    });
    ws.on('error', (err) => lost(`the media node at ${url} is unreachable: ${err.message}`));
    ws.on('close', () => lost(`the connection to the media node at ${url} closed`));
    return {
      send: (m) => {
        const text = JSON.stringify(m);
        if (ws.readyState === WebSocket.OPEN) ws.send(text);
        else if (ws.readyState === WebSocket.CONNECTING) pending.push(text);
      },
      close: async () => {
        if (ws.readyState === WebSocket.CLOSED) return;
        const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
        ws.terminate();
        await closed;
      },
    };
  };
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
 * The streams' receivers, created here and living in the RTP thread or on a media node: the channel
 * opens with the first stream. If it is lost (the thread dies, the node goes away), its streams end
 * with the reason and the next stream opens a new one.
 */
export class RtpReceivers {
  private channel: RtpChannel | null = null;
  private nextId = 1;
  private readonly entries = new Map<number, Entry>();

  constructor(private readonly open: OpenRtpChannel = rtpThread) {}

  /** With `remuxed`, the stream is remuxed to fMP4 where it is received and only its init segment and fragments come here. */
  create(onProgramStream: (bytes: Buffer, endOfFrame: boolean) => void, onCodec: (codec: VideoCodec | null) => void, onClosed: (reason: string) => void, remuxed?: RemuxerEvents): RemoteReceiver {
    const channel = this.line();
    const id = this.nextId++;
    const entry: Entry = { onProgramStream, remuxed, onCodec, onClosed, waiting: null, stats: NO_STATS };
    this.entries.set(id, entry);
    const ask = (m: ToRtpStreams) =>
      new Promise<number>((resolve, reject) => {
        if (!this.entries.has(id)) return reject(new Error('the stream is closed'));
        entry.waiting = { resolve, reject };
        channel.send(m);
      });
    return {
      listen: (how) => ask({ op: 'listen', id, how, remux: remuxed !== undefined }),
      connect: async (host, port) => void (await ask({ op: 'connect', id, host, port })),
      close: () => {
        if (this.entries.has(id)) channel.send({ op: 'close', id });
      },
      get stats() {
        return entry.stats;
      },
    };
  }

  private line(): RtpChannel {
    if (this.channel) return this.channel;
    let channel: RtpChannel | null = null;
    let gone = false;
    const lost = (why: string) => {
      if (gone) return;
      gone = true;
      if (this.channel === channel) this.channel = null;
      for (const [id, e] of this.entries) {
        e.waiting?.reject(new Error(why));
        this.entries.delete(id);
        e.onClosed(why);
      }
    };
    channel = this.open((m) => this.onMessage(m), lost);
    if (!gone) this.channel = channel;
    return channel;
  }

  private onMessage(m: FromRtpStreams) {
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
        return e.onProgramStream(asBuffer(m.bytes), m.endOfFrame);
      case 'init':
        return e.remuxed?.init({ ...m.init, data: asBuffer(m.data) });
      case 'fragment':
        return e.remuxed?.fragment({ data: asBuffer(m.data), keyframe: m.keyframe, decodeTime: m.decodeTime });
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

  /** Ends the channel (the platform stops). */
  async close() {
    const channel = this.channel;
    this.channel = null;
    for (const [id, e] of this.entries) {
      this.entries.delete(id);
      e.onClosed('the platform is stopping');
    }
    await channel?.close();
  }
}
