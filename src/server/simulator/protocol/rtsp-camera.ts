import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { MAX_RTP_PAYLOAD, RtpPacketizer } from '../media/rtp-packetizer.ts';
import { FramePacer, NAL_TYPES, nalUnitType, nalUnits, type PacedFrame, type TestPattern, type VideoCodec } from '../media/test-pattern.ts';

/**
 * An RTSP 1.0 camera of our own (RFC 2326) for the demo and the tests: it serves test patterns
 * as H.264 (RFC 6184) or H.265 (RFC 7798) over RTP, interleaved in the RTSP connection
 * (`RTP/AVP/TCP`) or over UDP. Paths follow Hikvision (`/Streaming/Channels/101` is channel 1's
 * main stream, 102 its sub stream), as our ONVIF camera mock reports them. With credentials it
 * asks for Digest (or Basic) authentication on everything but OPTIONS, as cameras do.
 *
 * Every session is tied to the connection that set it up and ends with it (as with most
 * cameras); UDP sessions also end after the session timeout without a request or RTCP report.
 */

export interface RtspCameraOptions {
  /** Stream path → the pattern served there, e.g. `{ [hikvisionStreamPath(1, 'main')]: pattern }`. */
  channels: Record<string, TestPattern>;
  credentials?: { username: string; password: string };
  /** Authentication scheme asked for when there are credentials; default digest. */
  auth?: 'digest' | 'basic';
  realm?: string;
  /** Seconds a UDP session lives without a request or RTCP report (announced in the Session header). Default 60. */
  sessionTimeoutS?: number;
  /** Seconds between RTCP sender reports. Default 5. */
  senderReportIntervalS?: number;
}

/** Hikvision's stream path: channel 1 main stream is 101, its sub stream 102. */
export const hikvisionStreamPath = (channel: number, stream: 'main' | 'sub' = 'main') => `/Streaming/Channels/${channel * 100 + (stream === 'main' ? 1 : 2)}`;

const SERVER_NAME = 'xiaoan-sim RTSP camera';
const SUPPORTED_METHODS = ['OPTIONS', 'DESCRIBE', 'SETUP', 'PLAY', 'PAUSE', 'TEARDOWN', 'GET_PARAMETER'];
/** A request head longer than this is not one we will ever understand. */
const MAX_REQUEST_HEAD_BYTES = 16 * 1024;
const MAX_BODY_BYTES = 64 * 1024;
const TCP_BACKLOG_LIMIT = 4 << 20;
const TRACK_CONTROL = 'trackID=1';
const REQUEST_LOG_LIMIT = 1000;

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  454: 'Session Not Found',
  455: 'Method Not Valid in This State',
  461: 'Unsupported Transport',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  505: 'RTSP Version Not Supported',
};

interface RtspRequest {
  method: string;
  url: string;
  headers: Map<string, string>;
  body: Buffer;
}

interface RtspResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** What a channel streams, prepared once: RTP-ready NAL units of each frame and the SDP fragments. */
interface PreparedChannel {
  path: string;
  pattern: TestPattern;
  /** Per frame: NAL units without AUDs, parameter sets in front of every keyframe. */
  frameNals: Buffer[][];
  mediaSdp: string;
}

type SessionTransport =
  | { kind: 'tcp'; rtpChannel: number; rtcpChannel: number }
  | { kind: 'udp'; clientHost: string; clientRtpPort: number; clientRtcpPort: number; rtpSocket: dgram.Socket; rtcpSocket: dgram.Socket };

interface RtspSession {
  id: string;
  channel: PreparedChannel;
  transport: SessionTransport;
  packetizer: RtpPacketizer;
  ssrc: number;
  pacer: FramePacer | null;
  /** Where the next PLAY continues: timestamps keep counting through PAUSE. */
  nextPts90k: number;
  lastFrame: { pts90k: number; atMs: number } | null;
  packetsSent: number;
  payloadOctetsSent: number;
  skipUntilKeyframe: boolean;
  lastActivityMs: number;
  senderReportTimer: NodeJS.Timeout | null;
}

export class RtspCamera {
  /** Every request answered: method, path and status (the last 1,000). */
  readonly requests: { method: string; path: string; status: number }[] = [];
  /** Requests refused for wrong credentials (a missing Authorization header is a challenge, not a refusal). */
  refused = 0;
  readonly stats = { packets: 0, bytes: 0 };
  private server: net.Server | null = null;
  private readonly connections = new Set<RtspConnection>();
  private readonly channels = new Map<string, PreparedChannel>();
  private readonly nonces = new Set<string>();
  private readonly sdpSessionId = String(Date.now());
  private timeoutSweep: NodeJS.Timeout | null = null;
  private port = 0;
  private host = '127.0.0.1';

  constructor(readonly opts: RtspCameraOptions) {
    for (const [path, pattern] of Object.entries(opts.channels)) this.channels.set(normalizePath(path), prepareChannel(normalizePath(path), pattern));
  }

  /** Starts listening (port 0: any free port) and returns the port. */
  async listen(host = '127.0.0.1', port = 0): Promise<number> {
    const server = net.createServer((socket) => {
      const connection = new RtspConnection(this, socket);
      this.connections.add(connection);
      socket.once('close', () => this.connections.delete(connection));
    });
    server.on('error', () => undefined); // after listening only accept errors arrive; the camera stays up
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.host = host;
    this.port = (server.address() as net.AddressInfo).port;
    const sweepEveryMs = Math.max(1000, (this.sessionTimeoutS * 1000) / 4);
    this.timeoutSweep = setInterval(() => this.endIdleUdpSessions(), sweepEveryMs);
    this.timeoutSweep.unref();
    return this.port;
  }

  /** The stream's URL on this camera, optionally with credentials in it. */
  url(path: string, opts: { withCredentials?: boolean } = {}) {
    const c = this.opts.credentials;
    const userinfo = opts.withCredentials && c ? `${encodeURIComponent(c.username)}:${encodeURIComponent(c.password)}@` : '';
    // A camera listening on every address is reached on loopback from here.
    const reachable = this.host === '0.0.0.0' ? '127.0.0.1' : this.host === '::' ? '::1' : this.host;
    const host = net.isIPv6(reachable) ? `[${reachable}]` : reachable;
    return `rtsp://${userinfo}${host}:${this.port}${normalizePath(path)}`;
  }

  /** Sessions set up and not yet torn down. */
  get sessionCount() {
    let n = 0;
    for (const c of this.connections) n += c.sessions.size;
    return n;
  }

  /** Ends every session and connection and stops listening. */
  async close() {
    if (this.timeoutSweep) clearInterval(this.timeoutSweep);
    this.timeoutSweep = null;
    const server = this.server;
    this.server = null;
    for (const connection of this.connections) connection.destroy();
    this.connections.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // What follows serves the connections of this camera; tests have no need for it.

  get sessionTimeoutS() {
    return this.opts.sessionTimeoutS ?? 60;
  }

  channel(path: string) {
    return this.channels.get(path);
  }

  logRequest(method: string, path: string, status: number) {
    this.requests.push({ method, path, status });
    if (this.requests.length > REQUEST_LOG_LIMIT) this.requests.splice(0, this.requests.length - REQUEST_LOG_LIMIT);
  }

  sdp(channel: PreparedChannel, localAddress: string) {
    const family = net.isIPv6(localAddress) ? 'IP6' : 'IP4';
    return [
      'v=0',
      `o=- ${this.sdpSessionId} 1 IN ${family} ${localAddress}`,
      `s=${SERVER_NAME}`,
      `i=${channel.path}`,
      `c=IN ${family} ${family === 'IP6' ? '::' : '0.0.0.0'}`,
      't=0 0',
      'a=control:*',
      'a=range:npt=0-',
      channel.mediaSdp,
      '',
    ].join('\r\n');
  }

  /** The challenge to send, or null when the request may proceed. */
  authenticate(req: RtspRequest): RtspResponse | null {
    const credentials = this.opts.credentials;
    if (!credentials || req.method === 'OPTIONS') return null;
    const realm = this.opts.realm ?? 'xiaoan-sim';
    const scheme = this.opts.auth ?? 'digest';
    const header = req.headers.get('authorization') ?? '';
    if (header) {
      const ok = scheme === 'basic' ? checkBasic(header, credentials) : checkDigest(header, req.method, realm, credentials, this.nonces);
      if (ok) return null;
      this.refused++;
    }
    if (scheme === 'basic') return { status: 401, headers: { 'WWW-Authenticate': `Basic realm="${realm}"` } };
    const nonce = randomBytes(16).toString('hex');
    this.nonces.add(nonce);
    if (this.nonces.size > 1000) this.nonces.delete(this.nonces.values().next().value!);
    return { status: 401, headers: { 'WWW-Authenticate': `Digest realm="${realm}", nonce="${nonce}", algorithm=MD5` } };
  }

  private endIdleUdpSessions() {
    const idleBefore = performance.now() - this.sessionTimeoutS * 1000;
    for (const connection of this.connections) {
      for (const session of [...connection.sessions.values()]) {
        if (session.transport.kind === 'udp' && session.lastActivityMs < idleBefore) connection.endSession(session);
      }
    }
  }
}

/** One client connection: parses requests (and interleaved RTCP from the client), answers them, carries interleaved RTP. */
class RtspConnection {
  readonly sessions = new Map<string, RtspSession>();
  private pending: Buffer = Buffer.alloc(0);
  /** Requests are answered in order even when one of them waits (SETUP binding UDP sockets). */
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly camera: RtspCamera,
    private readonly socket: net.Socket,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.destroy());
  }

  destroy() {
    if (this.closed) return;
    this.closed = true;
    for (const session of [...this.sessions.values()]) this.endSession(session);
    this.socket.destroy();
  }

  endSession(session: RtspSession) {
    session.pacer?.stop();
    session.pacer = null;
    if (session.senderReportTimer) clearInterval(session.senderReportTimer);
    session.senderReportTimer = null;
    if (session.transport.kind === 'udp') {
      for (const s of [session.transport.rtpSocket, session.transport.rtcpSocket]) closeQuietly(s);
    }
    this.sessions.delete(session.id);
  }

  private onData(chunk: Buffer) {
    if (this.closed) return;
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length && !this.closed) {
      if (this.pending[0] === 0x24) {
        // '$': interleaved binary data from the client (RTCP receiver reports): proof of life, otherwise ignored.
        if (this.pending.length < 4) return;
        const length = this.pending.readUInt16BE(2);
        if (this.pending.length < 4 + length) return;
        this.pending = this.pending.subarray(4 + length);
        for (const session of this.sessions.values()) session.lastActivityMs = performance.now();
        continue;
      }
      if (this.pending[0] === 0x0d || this.pending[0] === 0x0a) {
        this.pending = this.pending.subarray(1); // stray line ends between requests
        continue;
      }
      const headEnd = this.pending.indexOf('\r\n\r\n');
      const firstLineEnd = this.pending.indexOf('\r\n');
      const firstLine = this.pending.subarray(0, firstLineEnd >= 0 ? firstLineEnd : Math.min(this.pending.length, 256)).toString('latin1');
      // Refuse at once what cannot become a request line, instead of buffering garbage until the size limit.
      if ((firstLineEnd >= 0 && !/^[A-Za-z_-]+ \S+ [A-Z]+\/\d\.\d$/.test(firstLine)) || /[^\x20-\x7e]/.test(firstLine) || (headEnd < 0 && this.pending.length > MAX_REQUEST_HEAD_BYTES)) {
        this.refuseAndClose(400);
        return;
      }
      if (headEnd < 0) return;
      const request = parseRequestHead(this.pending.subarray(0, headEnd).toString('utf8'));
      if (!request) {
        this.refuseAndClose(400);
        return;
      }
      const contentLength = Number(request.headers.get('content-length') ?? 0);
      if (!Number.isInteger(contentLength) || contentLength < 0 || contentLength > MAX_BODY_BYTES) {
        this.refuseAndClose(400, request.headers.get('cseq'));
        return;
      }
      if (this.pending.length < headEnd + 4 + contentLength) return;
      request.body = Buffer.from(this.pending.subarray(headEnd + 4, headEnd + 4 + contentLength));
      this.pending = this.pending.subarray(headEnd + 4 + contentLength);
      this.queue = this.queue.then(() => this.answer(request));
    }
    // Keep a remainder of its own, not a view pinning the whole chunk.
    if (this.pending.length && this.pending.buffer.byteLength > this.pending.length * 2) this.pending = Buffer.from(this.pending);
  }

  private refuseAndClose(status: number, cseq?: string) {
    this.camera.logRequest('?', '?', status);
    this.write(status, cseq, {});
    this.closed = true;
    for (const session of [...this.sessions.values()]) this.endSession(session);
    this.socket.end();
  }

  private async answer(req: RtspRequest) {
    if (this.closed) return;
    const cseq = req.headers.get('cseq');
    let path = '?';
    let response: RtspResponse;
    try {
      const target = parseTarget(req.url);
      path = target?.path ?? req.url;
      if (!/^RTSP\/1\.0$/.test(req.headers.get(':version') ?? '')) response = { status: 505 };
      else if (cseq === undefined) response = { status: 400 };
      else response = this.camera.authenticate(req) ?? (await this.handle(req, target));
    } catch {
      response = { status: 500 };
    }
    this.camera.logRequest(req.method, path, response.status);
    this.write(response.status, cseq, response.headers ?? {}, response.body);
    if (response.status === 200 && req.method === 'PLAY') {
      const session = this.sessions.get(sessionId(req) ?? '');
      if (session && !session.pacer) this.play(session);
    }
  }

  private async handle(req: RtspRequest, target: { path: string; base: string } | null): Promise<RtspResponse> {
    switch (req.method) {
      case 'OPTIONS':
        return { status: 200, headers: { Public: SUPPORTED_METHODS.join(', ') } };
      case 'DESCRIBE': {
        const channel = target && this.camera.channel(target.path);
        if (!channel) return { status: 404 };
        return {
          status: 200,
          headers: { 'Content-Type': 'application/sdp', 'Content-Base': `${target.base}/` },
          body: this.camera.sdp(channel, unmapIpv4(this.socket.localAddress ?? '127.0.0.1')),
        };
      }
      case 'SETUP':
        return this.setup(req, target);
      case 'PLAY': {
        const session = this.sessions.get(sessionId(req) ?? '');
        if (!session) return { status: 454 };
        session.lastActivityMs = performance.now();
        const trackUrl = `${target?.base.replace(/\/trackID=\d+$/, '') ?? ''}/${TRACK_CONTROL}`;
        return {
          status: 200,
          headers: {
            Session: this.sessionHeader(session),
            Range: 'npt=0.000-',
            'RTP-Info': `url=${trackUrl};seq=${session.packetizer.nextSequence};rtptime=${session.pacer ? session.pacer.nextPts90k >>> 0 : session.nextPts90k >>> 0}`,
          },
        };
      }
      case 'PAUSE': {
        const session = this.sessions.get(sessionId(req) ?? '');
        if (!session) return { status: 454 };
        session.lastActivityMs = performance.now();
        if (session.pacer) {
          session.nextPts90k = session.pacer.nextPts90k;
          session.pacer.stop();
          session.pacer = null;
        }
        return { status: 200, headers: { Session: this.sessionHeader(session) } };
      }
      case 'TEARDOWN': {
        const session = this.sessions.get(sessionId(req) ?? '');
        if (!session) return { status: 454 };
        this.endSession(session);
        return { status: 200 };
      }
      case 'GET_PARAMETER': {
        const id = sessionId(req);
        const session = id ? this.sessions.get(id) : undefined;
        if (id && !session) return { status: 454 };
        if (session) session.lastActivityMs = performance.now();
        return { status: 200, headers: session ? { Session: this.sessionHeader(session) } : {} };
      }
      default:
        return { status: 501, headers: { Public: SUPPORTED_METHODS.join(', ') } };
    }
  }

  private async setup(req: RtspRequest, target: { path: string; base: string } | null): Promise<RtspResponse> {
    // The track's URL is the stream's path plus its control attribute.
    const channel = target && this.camera.channel(target.path.replace(/\/trackID=\d+$/, ''));
    if (!channel) return { status: 404 };
    const existingId = sessionId(req);
    const existing = existingId ? this.sessions.get(existingId) : undefined;
    if (existingId && !existing) return { status: 454 };
    if (existing?.pacer) return { status: 455 };
    const chosen = chooseTransport(req.headers.get('transport') ?? '', this.usedInterleavedChannels(existing));
    if (!chosen) return { status: 461 };

    let transport: SessionTransport;
    let transportHeader: string;
    if (chosen.kind === 'tcp') {
      transport = chosen;
      transportHeader = `RTP/AVP/TCP;unicast;interleaved=${chosen.rtpChannel}-${chosen.rtcpChannel}`;
    } else {
      const clientHost = unmapIpv4(this.socket.remoteAddress ?? '127.0.0.1');
      const [rtpSocket, rtcpSocket] = await bindUdpPair(net.isIPv6(clientHost) ? 'udp6' : 'udp4');
      transport = { kind: 'udp', clientHost, clientRtpPort: chosen.clientRtpPort, clientRtcpPort: chosen.clientRtcpPort, rtpSocket, rtcpSocket };
      transportHeader = `RTP/AVP;unicast;client_port=${chosen.clientRtpPort}-${chosen.clientRtcpPort};server_port=${rtpSocket.address().port}-${rtcpSocket.address().port}`;
    }
    if (this.closed) {
      if (transport.kind === 'udp') for (const s of [transport.rtpSocket, transport.rtcpSocket]) closeQuietly(s);
      return { status: 454 };
    }
    if (existing) {
      if (existing.transport.kind === 'udp') for (const s of [existing.transport.rtpSocket, existing.transport.rtcpSocket]) closeQuietly(s);
      existing.transport = transport;
    }
    const ssrc = existing?.ssrc ?? randomBytes(4).readUInt32BE(0);
    const session: RtspSession = existing ?? {
      id: randomBytes(8).toString('hex').toUpperCase(),
      channel,
      transport,
      ssrc,
      packetizer: new RtpPacketizer({ ssrc, maxPayload: MAX_RTP_PAYLOAD }),
      pacer: null,
      nextPts90k: Math.floor(Math.random() * 2 ** 31),
      lastFrame: null,
      packetsSent: 0,
      payloadOctetsSent: 0,
      skipUntilKeyframe: false,
      lastActivityMs: performance.now(),
      senderReportTimer: null,
    };
    if (transport.kind === 'udp') {
      // The client's RTCP receiver reports keep a UDP session alive.
      transport.rtcpSocket.on('message', () => (session.lastActivityMs = performance.now()));
    }
    this.sessions.set(session.id, session);
    return { status: 200, headers: { Transport: `${transportHeader};ssrc=${ssrc.toString(16).toUpperCase().padStart(8, '0')};mode="PLAY"`, Session: this.sessionHeader(session) } };
  }

  private usedInterleavedChannels(except?: RtspSession) {
    const used = new Set<number>();
    for (const s of this.sessions.values()) {
      if (s !== except && s.transport.kind === 'tcp') used.add(s.transport.rtpChannel).add(s.transport.rtcpChannel);
    }
    return used;
  }

  private sessionHeader(session: RtspSession) {
    return `${session.id};timeout=${this.camera.sessionTimeoutS}`;
  }

  private play(session: RtspSession) {
    // Playback starts at a keyframe, so the client can decode from the first packet.
    const pacer = new FramePacer(session.channel.pattern, (frame) => this.sendFrame(session, frame), { firstPts90k: session.nextPts90k });
    session.pacer = pacer;
    pacer.start();
    const intervalMs = (this.camera.opts.senderReportIntervalS ?? 5) * 1000;
    session.senderReportTimer ??= setInterval(() => this.sendSenderReport(session), intervalMs);
  }

  private sendFrame(session: RtspSession, frame: PacedFrame) {
    if (this.closed) return;
    const nals = session.channel.frameNals[frame.index]!;
    if (session.transport.kind === 'tcp') {
      // A client that does not read fills the socket; skip to the next keyframe rather than buffer without bound.
      if (this.socket.writableLength > TCP_BACKLOG_LIMIT) session.skipUntilKeyframe = true;
      if (session.skipUntilKeyframe && (!frame.unit.keyframe || this.socket.writableLength > TCP_BACKLOG_LIMIT / 2)) return;
      session.skipUntilKeyframe = false;
    }
    const packets = session.packetizer.packetizeNalUnits(nals, session.channel.pattern.codec, frame.pts90k);
    session.lastFrame = { pts90k: frame.pts90k, atMs: performance.now() };
    this.sendPackets(session, packets, 'rtp');
    const first = session.packetsSent === 0;
    session.packetsSent += packets.length;
    for (const p of packets) session.payloadOctetsSent += p.length - 12;
    this.camera.stats.packets += packets.length;
    for (const p of packets) this.camera.stats.bytes += p.length;
    // A first sender report right away, as cameras do, so the client has the wall-clock mapping from the start.
    if (first) this.sendSenderReport(session);
  }

  private sendPackets(session: RtspSession, packets: Buffer[], kind: 'rtp' | 'rtcp') {
    const transport = session.transport;
    if (transport.kind === 'tcp') {
      if (!this.socket.writable) return;
      const channel = kind === 'rtp' ? transport.rtpChannel : transport.rtcpChannel;
      // RFC 2326 §10.12: '$', channel, 2-byte length, packet — all of a frame in one write.
      const out = Buffer.allocUnsafe(packets.reduce((n, p) => n + 4 + p.length, 0));
      let offset = 0;
      for (const p of packets) {
        out[offset] = 0x24;
        out[offset + 1] = channel;
        out.writeUInt16BE(p.length, offset + 2);
        offset += 4 + p.copy(out, offset + 4);
      }
      this.socket.write(out);
    } else {
      const socket = kind === 'rtp' ? transport.rtpSocket : transport.rtcpSocket;
      const port = kind === 'rtp' ? transport.clientRtpPort : transport.clientRtcpPort;
      for (const p of packets) {
        try {
          socket.send(p, port, transport.clientHost, () => undefined);
        } catch {
          return; // socket closed under us: the session is ending
        }
      }
    }
  }

  /** RTCP SR + SDES CNAME (RFC 3550 §6.4.1): lets the client map RTP time to wall-clock time. */
  private sendSenderReport(session: RtspSession) {
    if (!session.pacer || !session.lastFrame) return;
    const nowMs = Date.now();
    const rtpNow = session.lastFrame.pts90k + Math.round((performance.now() - session.lastFrame.atMs) * 90);
    const ntpSeconds = Math.floor(nowMs / 1000) + 2_208_988_800;
    const ntpFraction = Math.floor(((nowMs % 1000) / 1000) * 2 ** 32);
    const sr = Buffer.alloc(28);
    sr[0] = 0x80;
    sr[1] = 200;
    sr.writeUInt16BE(6, 2);
    sr.writeUInt32BE(session.ssrc, 4);
    sr.writeUInt32BE(ntpSeconds >>> 0, 8);
    sr.writeUInt32BE(ntpFraction >>> 0, 12);
    sr.writeUInt32BE(rtpNow >>> 0, 16);
    sr.writeUInt32BE(session.packetsSent >>> 0, 20);
    sr.writeUInt32BE(session.payloadOctetsSent >>> 0, 24);
    const cname = Buffer.from('xiaoan-sim', 'latin1');
    const sdesLength = Math.ceil((4 + 2 + cname.length + 1) / 4) * 4; // SSRC, item type+length, text, END, padded
    const sdes = Buffer.alloc(4 + sdesLength);
    sdes[0] = 0x81;
    sdes[1] = 202;
    sdes.writeUInt16BE(sdes.length / 4 - 1, 2);
    sdes.writeUInt32BE(session.ssrc, 4);
    sdes[8] = 1; // CNAME
    sdes[9] = cname.length;
    cname.copy(sdes, 10);
    this.sendPackets(session, [Buffer.concat([sr, sdes])], 'rtcp');
  }

  private write(status: number, cseq: string | undefined, headers: Record<string, string>, body?: string) {
    if (this.socket.destroyed || !this.socket.writable) return;
    const bodyBytes = body === undefined ? null : Buffer.from(body, 'utf8');
    const lines = [`RTSP/1.0 ${status} ${REASONS[status] ?? 'Unknown'}`];
    if (cseq !== undefined) lines.push(`CSeq: ${cseq}`);
    lines.push(`Server: ${SERVER_NAME}`, `Date: ${new Date().toUTCString()}`);
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    if (bodyBytes) lines.push(`Content-Length: ${bodyBytes.length}`);
    const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
    this.socket.write(bodyBytes ? Buffer.concat([head, bodyBytes]) : head);
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

function normalizePath(path: string) {
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.length > 1 ? withSlash.replace(/\/+$/, '') : withSlash;
}

function parseRequestHead(head: string): RtspRequest | null {
  const [requestLine, ...headerLines] = head.split('\r\n');
  const match = /^([A-Za-z_-]+) (\S+) ([A-Z]+\/\d\.\d)$/.exec(requestLine ?? '');
  if (!match) return null;
  const headers = new Map<string, string>([[':version', match[3]!]]);
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { method: match[1]!.toUpperCase(), url: match[2]!, headers, body: Buffer.alloc(0) };
}

/** The request URL's path (decoded, without query or trailing slash) and its base for Content-Base and RTP-Info. */
function parseTarget(url: string): { path: string; base: string } | null {
  if (url === '*') return null;
  try {
    const u = new URL(url);
    if (u.protocol !== 'rtsp:') return null;
    const path = normalizePath(decodeURIComponent(u.pathname));
    return { path, base: `rtsp://${u.host}${path === '/' ? '' : path}` };
  } catch {
    return null;
  }
}

const sessionId = (req: RtspRequest) => req.headers.get('session')?.split(';')[0]?.trim();

/**
 * The first transport of the client's list that we serve: interleaved TCP (channels as asked, or
 * the next free pair), or unicast UDP with client ports. Multicast is not offered.
 */
function chooseTransport(header: string, usedChannels: Set<number>): { kind: 'tcp'; rtpChannel: number; rtcpChannel: number } | { kind: 'udp'; clientRtpPort: number; clientRtcpPort: number } | null {
  for (const spec of header.split(',')) {
    const [protocol, ...params] = spec.trim().split(';').map((p) => p.trim());
    const param = (name: string) => params.find((p) => p.toLowerCase().startsWith(`${name}=`))?.slice(name.length + 1);
    if (params.some((p) => p.toLowerCase() === 'multicast')) continue;
    const upper = protocol?.toUpperCase();
    if (upper === 'RTP/AVP/TCP') {
      const asked = /^(\d+)(?:-(\d+))?$/.exec(param('interleaved') ?? '');
      let rtpChannel = asked ? Number(asked[1]) : 0;
      if (!asked) while (usedChannels.has(rtpChannel) || usedChannels.has(rtpChannel + 1)) rtpChannel += 2;
      const rtcpChannel = asked?.[2] !== undefined ? Number(asked[2]) : rtpChannel + 1;
      if (rtpChannel > 255 || rtcpChannel > 255 || usedChannels.has(rtpChannel) || usedChannels.has(rtcpChannel)) continue;
      return { kind: 'tcp', rtpChannel, rtcpChannel };
    }
    if (upper === 'RTP/AVP' || upper === 'RTP/AVP/UDP') {
      const ports = /^(\d+)(?:-(\d+))?$/.exec(param('client_port') ?? '');
      if (!ports) continue;
      const clientRtpPort = Number(ports[1]);
      const clientRtcpPort = ports[2] !== undefined ? Number(ports[2]) : clientRtpPort + 1;
      if (clientRtpPort < 1 || clientRtpPort > 65535 || clientRtcpPort < 1 || clientRtcpPort > 65535) continue;
      return { kind: 'udp', clientRtpPort, clientRtcpPort };
    }
  }
  return null;
}

/** Two UDP sockets, RTP on an even port and RTCP on the next one when that is free (RFC 3550 §11), else any. */
async function bindUdpPair(type: 'udp4' | 'udp6'): Promise<[dgram.Socket, dgram.Socket]> {
  const bind = (port: number) =>
    new Promise<dgram.Socket | null>((resolve) => {
      const socket = dgram.createSocket(type);
      socket.once('error', () => {
        closeQuietly(socket);
        resolve(null);
      });
      socket.bind(port, () => {
        socket.removeAllListeners('error');
        socket.on('error', () => undefined);
        resolve(socket);
      });
    });
  for (let attempt = 0; attempt < 8; attempt++) {
    const rtp = await bind(0);
    if (!rtp) continue;
    const port = rtp.address().port;
    if (port % 2 === 0 && port < 65535) {
      const rtcp = await bind(port + 1);
      if (rtcp) return [rtp, rtcp];
    }
    closeQuietly(rtp);
  }
  const rtp = await bind(0);
  const rtcp = await bind(0);
  if (!rtp || !rtcp) throw new Error('could not bind UDP sockets for RTP');
  return [rtp, rtcp];
}

function closeQuietly(socket: dgram.Socket) {
  try {
    socket.close();
  } catch {
    // already closed
  }
}

const unmapIpv4 = (address: string) => (address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address);

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

function sameText(a: string, b: string) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function checkBasic(header: string, credentials: { username: string; password: string }) {
  const match = /^Basic\s+(\S+)$/i.exec(header);
  if (!match) return false;
  return sameText(Buffer.from(match[1]!, 'base64').toString('utf8'), `${credentials.username}:${credentials.password}`);
}

/** RFC 2617 digest: MD5(HA1:nonce:HA2), or with qop=auth MD5(HA1:nonce:nc:cnonce:qop:HA2); the nonce must be one we issued. */
function checkDigest(header: string, method: string, realm: string, credentials: { username: string; password: string }, nonces: Set<string>) {
  if (!/^Digest\s/i.test(header)) return false;
  const params = new Map<string, string>();
  for (const m of header.slice(7).matchAll(/(\w+)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g)) params.set(m[1]!.toLowerCase(), m[2] ?? m[3] ?? '');
  const nonce = params.get('nonce') ?? '';
  if (params.get('username') !== credentials.username || params.get('realm') !== realm || !nonces.has(nonce)) return false;
  const ha1 = md5(`${credentials.username}:${realm}:${credentials.password}`);
  const ha2 = md5(`${method}:${params.get('uri') ?? ''}`);
  const qop = params.get('qop');
  const expected = qop === 'auth' ? md5(`${ha1}:${nonce}:${params.get('nc') ?? ''}:${params.get('cnonce') ?? ''}:auth:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
  return sameText(expected, (params.get('response') ?? '').toLowerCase());
}

/** NAL units per frame for RTP (no AUDs, RFC 6184 §5.4 / RFC 7798 leave them out) and the SDP media section. */
function prepareChannel(path: string, pattern: TestPattern): PreparedChannel {
  const codec = pattern.codec;
  const parameterSetTypes: number[] = codec === 'h264' ? [NAL_TYPES.h264.sps, NAL_TYPES.h264.pps] : [NAL_TYPES.h265.vps, NAL_TYPES.h265.sps, NAL_TYPES.h265.pps];
  const firstKeyframe = pattern.frames.find((f) => f.keyframe);
  if (!firstKeyframe) throw new Error(`the pattern for ${path} has no keyframe`);
  const parameterSets = new Map<number, Buffer>();
  for (const nal of nalUnits(firstKeyframe.data)) {
    const type = nalUnitType(nal, codec);
    if (parameterSetTypes.includes(type) && !parameterSets.has(type)) parameterSets.set(type, nal);
  }
  for (const type of parameterSetTypes) if (!parameterSets.has(type)) throw new Error(`the pattern for ${path} lacks parameter set NAL type ${type}`);
  const delimiter = NAL_TYPES[codec].accessUnitDelimiter;
  const frameNals = pattern.frames.map((frame) => {
    const nals = nalUnits(frame.data).filter((nal) => nalUnitType(nal, codec) !== delimiter);
    // Parameter sets in-band before every keyframe, so a client that missed the SDP's still decodes.
    if (frame.keyframe && !nals.some((nal) => nalUnitType(nal, codec) === parameterSetTypes[1])) return [...parameterSetTypes.map((t) => parameterSets.get(t)!), ...nals];
    return nals;
  });
  const averageBytes = pattern.frames.reduce((n, f) => n + f.data.length, 0) / pattern.frames.length;
  const kbps = Math.ceil((averageBytes * 8 * pattern.fps) / 1000);
  return { path, pattern, frameNals, mediaSdp: mediaSection(codec, parameterSets, pattern, kbps) };
}

function mediaSection(codec: VideoCodec, parameterSets: Map<number, Buffer>, pattern: TestPattern, kbps: number) {
  const b64 = (type: number) => parameterSets.get(type)!.toString('base64');
  const fmtp =
    codec === 'h264'
      ? `packetization-mode=1;profile-level-id=${parameterSets.get(NAL_TYPES.h264.sps)!.subarray(1, 4).toString('hex').toUpperCase()};sprop-parameter-sets=${b64(NAL_TYPES.h264.sps)},${b64(NAL_TYPES.h264.pps)}`
      : `sprop-vps=${b64(NAL_TYPES.h265.vps)};sprop-sps=${b64(NAL_TYPES.h265.sps)};sprop-pps=${b64(NAL_TYPES.h265.pps)}`;
  return [
    'm=video 0 RTP/AVP 96',
    `b=AS:${kbps}`,
    `a=rtpmap:96 ${codec === 'h264' ? 'H264' : 'H265'}/90000`,
    `a=fmtp:96 ${fmtp}`,
    `a=framerate:${pattern.fps}`,
    `a=control:${TRACK_CONTROL}`,
  ].join('\r\n');
}
