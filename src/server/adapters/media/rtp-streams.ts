/**
 * The receiving end of GB/T 28181 streams, driven by messages: the RTP thread (rtp-worker.ts) and a
 * media node in another process or on another machine (media-node.ts) run the same code, only
 * the channel the messages travel on differs. Every stream's sockets, reordering and keyframe gate
 * run here; with the builtin remuxer the program stream is also turned into fMP4 here, and what
 * goes back is one ready fragment per frame (otherwise one program-stream buffer per frame for
 * ffmpeg).
 */
import type { Mp4Init } from './fmp4.ts';
import { PsRemuxer } from './ps-remuxer.ts';
import { RtpPsReceiver, type RtpListen } from './rtp-receiver.ts';

export type ToRtpStreams =
  /** `remux`: turn the stream into fMP4 where it is received. */
  | { op: 'listen'; id: number; how: RtpListen; remux: boolean }
  | { op: 'connect'; id: number; host: string; port: number }
  | { op: 'close'; id: number };

/** Media bytes of a message: an ArrayBuffer of their own (transferred between threads), or a view into a media node frame. */
export type MediaBytes = ArrayBuffer | Uint8Array;

export type FromRtpStreams =
  | { ev: 'listening'; id: number; port: number }
  | { ev: 'connected'; id: number }
  | { ev: 'failed'; id: number; error: string }
  | { ev: 'codec'; id: number; codec: string | null }
  | { ev: 'ps'; id: number; bytes: MediaBytes; endOfFrame: boolean }
  | { ev: 'init'; id: number; init: Omit<Mp4Init, 'data'>; data: MediaBytes }
  | { ev: 'fragment'; id: number; data: MediaBytes; keyframe: boolean; decodeTime: number }
  | { ev: 'remux-failed'; id: number; reason: string }
  | { ev: 'closed'; id: number; reason: string }
  | { ev: 'stats'; stats: [number, RtpPsReceiver['stats']][] };

/** The bytes a message carries, if any (sent as the binary part of a media node frame, transferred between threads). */
export function payloadOf(m: FromRtpStreams): MediaBytes | null {
  return m.ev === 'ps' ? m.bytes : m.ev === 'init' || m.ev === 'fragment' ? m.data : null;
}

/** The bytes as an ArrayBuffer of their own to transfer: the buffer itself when it is exactly that, else a copy. */
function transferable(b: Buffer): ArrayBuffer {
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer) return b.buffer;
  const copy = new ArrayBuffer(b.length);
  new Uint8Array(copy).set(b);
  return copy;
}

/**
 * The streams of one client (the API process): `handle` takes its requests, `post` carries the
 * answers and the media back. `close` ends every stream (the client went away).
 */
/** The bytes as a Buffer, without copying. */
export const asBuffer = (b: MediaBytes): Buffer => (b instanceof Uint8Array ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : Buffer.from(b));

export function rtpStreams(post: (m: FromRtpStreams) => void): { handle(m: ToRtpStreams): void; close(reason: string): void } {
  const receivers = new Map<number, RtpPsReceiver>();
  const stats = setInterval(() => post({ ev: 'stats', stats: [...receivers].map(([id, r]) => [id, r.stats]) }), 1000);
  stats.unref();

  const handle = (m: ToRtpStreams) => {
    if (m.op === 'listen') {
      if (receivers.has(m.id)) return post({ ev: 'failed', id: m.id, error: `stream ${m.id} is already open` });
      const remuxer = m.remux
        ? new PsRemuxer(null, {
            init: ({ data, ...init }) => post({ ev: 'init', id: m.id, init, data: transferable(Buffer.from(data)) }), // the writer keeps its init: send a copy
            fragment: (f) => post({ ev: 'fragment', id: m.id, data: transferable(f.data), keyframe: f.keyframe, decodeTime: f.decodeTime }),
            exit: (reason) => post({ ev: 'remux-failed', id: m.id, reason }),
          })
        : null;
      const receiver = new RtpPsReceiver(
        (ps, endOfFrame) => {
          if (remuxer) return remuxer.write(ps, endOfFrame);
          // A copy of exactly the frame's bytes: the datagram buffers it came from stay here.
          const bytes = new ArrayBuffer(ps.length);
          new Uint8Array(bytes).set(ps);
          post({ ev: 'ps', id: m.id, bytes, endOfFrame });
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
  };

  return {
    handle,
    close(reason) {
      clearInterval(stats);
      for (const r of [...receivers.values()]) r.close(reason);
    },
  };
}
