/**
 * The RTP receiving thread: every GB/T 28181 stream's sockets, reordering and keyframe gate run
 * here, off the event loop that acknowledges devices and answers the API. A camera sends ~360
 * packets a second at 4 Mbps. With the builtin remuxer the program stream is also turned into
 * fMP4 here, and what crosses to the main thread is one ready fragment per frame; otherwise one
 * program-stream buffer per frame for ffmpeg (both transferred, not copied).
 */
import { parentPort } from 'node:worker_threads';
import type { Mp4Init } from './fmp4.ts';
import { PsRemuxer } from './ps-remuxer.ts';
import { RtpPsReceiver, type RtpListen } from './rtp-receiver.ts';

export type ToRtpWorker =
  /** `remux`: turn the stream into fMP4 in this thread. */
  | { op: 'listen'; id: number; how: RtpListen; remux: boolean }
  | { op: 'connect'; id: number; host: string; port: number }
  | { op: 'close'; id: number };

export type FromRtpWorker =
  | { ev: 'listening'; id: number; port: number }
  | { ev: 'connected'; id: number }
  | { ev: 'failed'; id: number; error: string }
  | { ev: 'codec'; id: number; codec: string | null }
  | { ev: 'ps'; id: number; bytes: ArrayBuffer; endOfFrame: boolean }
  | { ev: 'init'; id: number; init: Omit<Mp4Init, 'data'>; data: ArrayBuffer }
  | { ev: 'fragment'; id: number; data: ArrayBuffer; keyframe: boolean; decodeTime: number }
  | { ev: 'remux-failed'; id: number; reason: string }
  | { ev: 'closed'; id: number; reason: string }
  | { ev: 'stats'; stats: [number, RtpPsReceiver['stats']][] };

const port = parentPort!;
const receivers = new Map<number, RtpPsReceiver>();
const post = (m: FromRtpWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

/** The bytes as an ArrayBuffer of their own to transfer: the buffer itself when it is exactly that, else a copy. */
function transferable(b: Buffer): ArrayBuffer {
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer) return b.buffer;
  const copy = new ArrayBuffer(b.length);
  new Uint8Array(copy).set(b);
  return copy;
}

port.on('message', (m: ToRtpWorker) => {
  if (m.op === 'listen') {
    const remuxer = m.remux
      ? new PsRemuxer(null, {
          init: ({ data, ...init }) => {
            const bytes = transferable(Buffer.from(data)); // the writer keeps its init: send a copy
            post({ ev: 'init', id: m.id, init, data: bytes }, [bytes]);
          },
          fragment: (f) => {
            const data = transferable(f.data);
            post({ ev: 'fragment', id: m.id, data, keyframe: f.keyframe, decodeTime: f.decodeTime }, [data]);
          },
          exit: (reason) => post({ ev: 'remux-failed', id: m.id, reason }),
        })
      : null;
    const receiver = new RtpPsReceiver(
      (ps, endOfFrame) => {
        if (remuxer) return remuxer.write(ps, endOfFrame);
        // A copy of exactly the frame's bytes, transferred: the datagram buffers it came from stay here.
        const bytes = new ArrayBuffer(ps.length);
        new Uint8Array(bytes).set(ps);
        post({ ev: 'ps', id: m.id, bytes, endOfFrame }, [bytes]);
      },
      (codec) => post({ ev: 'codec', id: m.id, codec }),
      (reason) => {
        remuxer?.stop();
        receivers.delete(m.id);
        post({ ev: 'closed', id: m.id, reason });
      },
    );
    receivers.set(m.id, receiver);
    receiver.listen(m.how).then(
      (p) => post({ ev: 'listening', id: m.id, port: p }),
      (err: Error) => post({ ev: 'failed', id: m.id, error: err.message }),
    );
  } else if (m.op === 'connect') {
    const receiver = receivers.get(m.id);
    if (!receiver) return post({ ev: 'failed', id: m.id, error: 'the stream is closed' });
    receiver.connect(m.host, m.port).then(
      () => post({ ev: 'connected', id: m.id }),
      (err: Error) => post({ ev: 'failed', id: m.id, error: err.message }),
    );
  } else if (m.op === 'close') {
    receivers.get(m.id)?.close();
  }
});

// Figures for the streams' status, once a second (the main thread keeps the last ones).
setInterval(() => post({ ev: 'stats', stats: [...receivers].map(([id, r]) => [id, r.stats]) }), 1000).unref();
