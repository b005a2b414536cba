/**
 * The RTP receiving thread: every GB/T 28181 stream's receiving runs here (rtp-streams.ts), off
 * the event loop that acknowledges devices and answers the API. A camera sends ~360 packets a
 * second at 4 Mbps; what crosses to the main thread is one buffer per frame, transferred, not copied.
 */
import { parentPort } from 'node:worker_threads';
import { payloadOf, rtpStreams, type ToRtpStreams } from './rtp-streams.ts';

const port = parentPort!;
const streams = rtpStreams((m) => {
  const payload = payloadOf(m);
  port.postMessage(m, payload instanceof ArrayBuffer ? [payload] : []);
});
port.on('message', (m: ToRtpStreams) => streams.handle(m));
