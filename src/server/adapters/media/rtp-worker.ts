/**
 * The RTP receiving thread: every GB/T 28181 stream's sockets, reordering and keyframe gate run
 * here, off the event loop that acknowledges devices and answers the API. A camera sends ~360
 * packets a second at 4 Mbps; what crosses to the main thread is one program-stream buffer per
 * frame (transferred, not copied).
 */
import { parentPort } from 'node:worker_threads';
import { RtpPsReceiver, type RtpListen } from './rtp-receiver.ts';

export type ToRtpWorker =
  | { op: 'listen'; id: number; how: RtpListen }
  | { op: 'connect'; id: number; host: string; port: number }
  | { op: 'close'; id: number };

export type FromRtpWorker =
  | { ev: 'listening'; id: number; port: number }
  | { ev: 'connected'; id: number }
  | { ev: 'failed'; id: number; error: string }
  | { ev: 'codec'; id: number; codec: string | null }
  | { ev: 'ps'; id: number; bytes: ArrayBuffer }
  | { ev: 'closed'; id: number; reason: string }
  | { ev: 'stats'; stats: [number, RtpPsReceiver['stats']][] };

const port = parentPort!;
const receivers = new Map<number, RtpPsReceiver>();
const post = (m: FromRtpWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

port.on('message', (m: ToRtpWorker) => {
  if (m.op === 'listen') {
    const receiver = new RtpPsReceiver(
      (ps) => {
        // A copy of exactly the frame's bytes, transferred: the datagram buffers it came from stay here.
        const bytes = new ArrayBuffer(ps.length);
        new Uint8Array(bytes).set(ps);
        post({ ev: 'ps', id: m.id, bytes }, [bytes]);
      },
      (codec) => post({ ev: 'codec', id: m.id, codec }),
      (reason) => {
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
