/**
 * A media node: the RTP receiving and remuxing of GB/T 28181 streams in a process of its own (on
 * the API's machine or another one), so video never competes with the API and device
 * acknowledgements for a core, and a large campus adds nodes as cameras grow. The API process
 * connects over one WebSocket with the shared secret and asks for receiving ports; the node
 * sends back fMP4 fragments. When the API goes away, its streams end here.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { MEDIA_NODE_PATH, decodeToNode, encodeFromNode } from './media-node-wire.ts';
import { rtpStreams } from './rtp-streams.ts';

export interface MediaNodeOptions {
  host: string;
  port: number;
  secret: string;
  log?: (line: string) => void;
}

export interface MediaNode {
  readonly port: number;
  /** Streams received now, over every connected API process. */
  streams(): number;
  close(): Promise<void>;
}

const digest = (s: string) => createHash('sha256').update(s).digest();
/** Requests from the API are small; anything bigger is not one. */
const MAX_REQUEST_BYTES = 16 * 1024;
/** A client that reads too slowly is cut off rather than letting video pile up in memory. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

export async function startMediaNode(opts: MediaNodeOptions): Promise<MediaNode> {
  const log = opts.log ?? (() => undefined);
  const expected = digest(`Bearer ${opts.secret}`);
  const authorized = (req: IncomingMessage) => timingSafeEqual(digest(req.headers.authorization ?? ''), expected);
  const counts = new Map<WebSocket, () => number>();
  const streamCount = () => [...counts.values()].reduce((n, c) => n + c(), 0);

  const http = createServer((req, res) => {
    // A health probe for supervisors and the admin; no stream details without the secret.
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ status: 'ok', clients: counts.size, streams: streamCount() }));
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'not found: a media node serves /health and the WebSocket ' + MEDIA_NODE_PATH }));
  });
  const wss = new WebSocketServer({
    server: http,
    path: MEDIA_NODE_PATH,
    maxPayload: MAX_REQUEST_BYTES,
    verifyClient: (info, done) => (authorized(info.req) ? done(true) : done(false, 401, 'wrong or missing media node secret')),
  });
  wss.on('connection', (ws, req) => {
    const peer = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    log(`API process connected from ${peer}`);
    const ids = new Set<number>();
    const streams = rtpStreams((m) => {
      if (m.ev === 'listening') ids.add(m.id);
      if (m.ev === 'closed') ids.delete(m.id);
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return ws.terminate();
      ws.send(encodeFromNode(m));
    });
    counts.set(ws, () => ids.size);
    ws.on('message', (data, binary) => {
      try {
        if (binary) throw new Error('binary request');
        streams.handle(decodeToNode(String(data)));
      } catch (err) {
        log(`refused a request from ${peer}: ${(err as Error).message}`);
      }
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      streams.close('the API process disconnected from the media node');
      counts.delete(ws);
      log(`API process at ${peer} disconnected`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port, opts.host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  return {
    port,
    streams: streamCount,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
