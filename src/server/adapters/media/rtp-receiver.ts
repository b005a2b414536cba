import dgram from 'node:dgram';
import net from 'node:net';
import { PsGate, type VideoCodec } from './ps.ts';
import { Rfc4571Deframer, RtpReorderer, parseRtp, type ReorderStats } from './rtp.ts';

export interface RtpReceiverStats extends ReorderStats {
  bytes: number;
  /** Datagrams that were not RTP, or of another SSRC than the stream's. */
  foreign: number;
  /** Payloads dropped before the first keyframe or while resynchronising after a loss. */
  gated: number;
}

export type RtpListen =
  | { transport: 'UDP'; host: string }
  /** TCP passive: the platform listens, the device connects (RFC 4571 framing). */
  | { transport: 'TCP'; setup: 'passive'; host: string }
  /** TCP active: the platform connects to the device's port once the device answered. */
  | { transport: 'TCP'; setup: 'active' };

/**
 * Receives one GB/T 28181 stream: RTP over UDP or RFC 4571 TCP, locked to the first SSRC heard (a
 * device must use the one the INVITE named, but many put another; the first one wins and the rest
 * is counted as foreign, so a stray or injected stream cannot mix in), put in sequence order, and
 * gated so the program stream handed on begins at a keyframe.
 */
export class RtpPsReceiver {
  private udp: dgram.Socket | null = null;
  private server: net.Server | null = null;
  private connection: net.Socket | null = null;
  private ssrc: number | null = null;
  private readonly gate = new PsGate();
  private readonly reorderer: RtpReorderer;
  private readonly flushTimer: NodeJS.Timeout;
  private closed = false;
  private bytes = 0;
  private frame: Buffer[] = [];
  private frameBytes = 0;
  private foreign = 0;
  port = 0;
  /** When the last packet of the stream arrived (performance.now()), for the no-data watchdog. */
  lastPacketAt = performance.now();

  constructor(
    /** `endOfFrame`: the bytes end a frame (RTP marker bit), not just the 256 KB limit of one write. */
    private readonly onProgramStream: (bytes: Buffer, endOfFrame: boolean) => void,
    private readonly onCodec: (codec: VideoCodec | null) => void,
    private readonly onClosed: (reason: string) => void,
  ) {
    this.reorderer = new RtpReorderer((packet, afterLoss) => {
      const ps = this.gate.accept(packet.payload, afterLoss, (codec) => this.onCodec(codec));
      if (ps) this.collect(ps, packet.marker);
    });
    // A stalled sender must not strand the packets held for reordering.
    this.flushTimer = setInterval(() => this.reorderer.giveUpIfOverdue(), 100);
    this.flushTimer.unref();
  }

  /** Binds the receiving socket (port 0: the system picks); returns the port to put in the SDP offer (0 for TCP active). */
  async listen(how: RtpListen): Promise<number> {
    if (how.transport === 'UDP') {
      const udp = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
      udp.on('message', (datagram) => this.packet(datagram));
      udp.on('error', () => this.close('socket error'));
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(0, how.host, () => resolve());
      });
      this.udp = udp;
      this.port = udp.address().port;
    } else if (how.setup === 'passive') {
      const server = net.createServer((socket) => {
        // One device stream per port: a second connection is not this stream.
        if (this.connection) return socket.destroy();
        this.adopt(socket);
      });
      server.maxConnections = 2;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, how.host, () => resolve());
      });
      this.server = server;
      this.port = (server.address() as net.AddressInfo).port;
    }
    return this.port;
  }

  /** TCP active: connects to where the device's SDP answer said it listens. */
  async connect(host: string, port: number, timeoutMs = 5000): Promise<void> {
    const socket = net.connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => (socket.destroy(), reject(new Error(`no TCP connection to the camera at ${host}:${port} in ${timeoutMs} ms`))), timeoutMs);
      socket.once('connect', () => (clearTimeout(timer), resolve()));
      socket.once('error', (err) => (clearTimeout(timer), reject(err)));
    });
    this.adopt(socket);
  }

  private adopt(socket: net.Socket) {
    this.connection = socket;
    socket.setNoDelay(true);
    const deframer = new Rfc4571Deframer((p) => this.packet(p));
    socket.on('data', (chunk) => {
      if (!deframer.push(chunk)) {
        this.foreign++;
        socket.destroy();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.close('the camera closed the TCP stream'));
  }

  private packet(bytes: Buffer) {
    const packet = parseRtp(bytes);
    if (!packet || (this.ssrc !== null && packet.ssrc !== this.ssrc)) {
      this.foreign++;
      return;
    }
    this.ssrc ??= packet.ssrc;
    this.bytes += bytes.length;
    this.lastPacketAt = performance.now();
    this.reorderer.push(packet);
  }

  /**
   * A frame's payloads go to ffmpeg in one write (at the marker bit that ends the frame, or at
   * 256 KB): one pipe write per frame instead of one per packet, ~15× fewer system calls.
   */
  private collect(ps: Buffer, endOfFrame: boolean) {
    this.frame.push(ps);
    this.frameBytes += ps.length;
    if (!endOfFrame && this.frameBytes < 256 * 1024) return;
    this.onProgramStream(this.frame.length === 1 ? this.frame[0]! : Buffer.concat(this.frame, this.frameBytes), endOfFrame);
    this.frame = [];
    this.frameBytes = 0;
  }

  get stats(): RtpReceiverStats {
    return { ...this.reorderer.stats, bytes: this.bytes, foreign: this.foreign, gated: this.gate.dropped };
  }

  get codec(): VideoCodec | null {
    return this.gate.codec;
  }

  close(reason = 'closed') {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.flushTimer);
    this.udp?.close();
    this.server?.close();
    this.connection?.destroy();
    this.onClosed(reason);
  }
}
