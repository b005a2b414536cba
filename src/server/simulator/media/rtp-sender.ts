import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { muxProgramStreamFrame } from './ps-muxer.ts';
import { frameRfc4571, RtpPacketizer } from './rtp-packetizer.ts';
import { FramePacer, type PacedFrame, type TestPattern } from './test-pattern.ts';

/**
 * The media half of a simulated GB/T 28181 device: after the platform's INVITE it streams a test
 * pattern as PS over RTP to the address and SSRC of the SDP, over UDP or TCP (RFC 4571 framing;
 * GB/T 28181-2016 §C / RFC 4145 `a=setup`):
 *  - UDP: datagrams to the platform's `c=`/`m=` address;
 *  - TCP active: the platform's SDP said `a=setup:passive`, so the device connects to it;
 *  - TCP passive: the platform's SDP said `a=setup:active`, so the device listens (port 0 here),
 *    puts its port in its 200 OK, and the platform connects.
 */
export type RtpDestination =
  | { transport: 'UDP'; host: string; port: number }
  | { transport: 'TCP'; mode: 'active'; host: string; port: number }
  | { transport: 'TCP'; mode: 'passive'; /** Address to listen on; default all. */ host?: string };

export interface RtpPsSenderOptions {
  pattern: TestPattern;
  ssrc: number;
  destination: RtpDestination;
  /** Begin in the middle of a GOP (as when a receiver joins a running camera) instead of at a keyframe. */
  startMidGop?: boolean;
  payloadType?: number;
  firstSequence?: number;
  firstTimestamp90k?: number;
  /** UDP source port; default any. */
  localPort?: number;
  /**
   * Sees every frame's packets before they are sent and returns what to send instead: tests drop,
   * duplicate or reorder packets (holding some back for a later frame is allowed).
   */
  transform?: (packets: Buffer[], frame: PacedFrame) => Buffer[];
  /** Called once when sending ends other than by stop(): the peer closed the TCP connection, or it failed. */
  onEnd?: (reason: 'peer-closed' | 'error', error?: Error) => void;
}

export interface RtpSenderStats {
  /** Frames handed to the socket (after a TCP backlog, frames are skipped until the next keyframe). */
  frames: number;
  packets: number;
  /** RTP bytes (headers included, RFC 4571 length prefixes not). */
  bytes: number;
  /** Frames skipped because the TCP connection could not keep up. */
  framesSkipped: number;
  /** UDP sends that failed (a real device does not notice either). */
  sendErrors: number;
}

/** Bytes queued on a TCP connection beyond which frames are skipped, as a camera's encoder buffer overflows. */
const TCP_BACKLOG_LIMIT = 4 << 20;

export class RtpPsSender {
  readonly stats: RtpSenderStats = { frames: 0, packets: 0, bytes: 0, framesSkipped: 0, sendErrors: 0 };
  private readonly packetizer: RtpPacketizer;
  private readonly pacer: FramePacer;
  private udp: dgram.Socket | null = null;
  private udpTarget: { address: string; port: number } | null = null;
  private tcp: net.Socket | null = null;
  private listener: net.Server | null = null;
  private stopped = false;
  private ended = false;
  private skipUntilKeyframe = false;
  private boundPort = 0;

  constructor(private readonly opts: RtpPsSenderOptions) {
    this.packetizer = new RtpPacketizer({ ssrc: opts.ssrc, payloadType: opts.payloadType, firstSequence: opts.firstSequence });
    this.pacer = new FramePacer(opts.pattern, (frame) => this.send(frame), { startMidGop: opts.startMidGop, firstPts90k: opts.firstTimestamp90k });
  }

  /** The local port: the UDP source port, the TCP client port, or (TCP passive) the port the platform must connect to. */
  get localPort() {
    return this.boundPort;
  }

  /** The sequence number of the next packet. */
  get nextSequence() {
    return this.packetizer.nextSequence;
  }

  /**
   * Opens the socket and starts streaming; for TCP passive it resolves once listening (streaming
   * starts when the platform connects). Rejects when the socket cannot be opened or connected.
   */
  async start(): Promise<{ localPort: number }> {
    if (this.stopped) throw new Error('this sender was stopped');
    const destination = this.opts.destination;
    if (destination.transport === 'UDP') {
      // Resolved once: dgram would look a host name up again for every packet.
      const address = net.isIP(destination.host) ? destination.host : (await lookup(destination.host)).address;
      const socket = dgram.createSocket(net.isIPv6(address) ? 'udp6' : 'udp4');
      this.udp = socket;
      socket.on('error', () => this.stats.sendErrors++);
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        // stop() during bind closes the socket, and dgram then never calls back.
        socket.once('close', () => reject(new Error('the sender was stopped while starting')));
        socket.bind(this.opts.localPort ?? 0, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      this.udpTarget = { address, port: destination.port };
      this.boundPort = socket.address().port;
      if (!this.stopped) this.pacer.start();
    } else if (destination.mode === 'active') {
      const socket = net.connect({ host: destination.host, port: destination.port });
      this.tcp = socket;
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.once('close', () => reject(new Error('the sender was stopped while starting')));
        socket.once('connect', () => {
          socket.off('error', reject);
          resolve();
        });
      });
      this.boundPort = socket.localPort ?? 0;
      this.watchTcp(socket);
      if (!this.stopped) this.pacer.start();
    } else {
      const server = net.createServer((socket) => this.accept(socket));
      this.listener = server;
      server.on('error', () => undefined); // after listening, errors only concern accepting; the stream goes on
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.once('close', () => reject(new Error('the sender was stopped while starting')));
        server.listen(0, destination.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      this.boundPort = (server.address() as net.AddressInfo).port;
    }
    return { localPort: this.boundPort };
  }

  /** Stops streaming and closes every socket. Safe to call more than once, and after the peer has gone. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.pacer.stop();
    const closing: Promise<void>[] = [];
    if (this.udp) {
      const socket = this.udp;
      closing.push(new Promise<void>((resolve) => {
        try {
          socket.close(() => resolve());
        } catch {
          resolve(); // already closed
        }
      }));
    }
    if (this.tcp) closing.push(closeTcp(this.tcp));
    if (this.listener) {
      const server = this.listener;
      closing.push(new Promise<void>((resolve) => server.close(() => resolve())));
    }
    this.udp = null;
    this.tcp = null;
    this.listener = null;
    await Promise.all(closing);
  }

  /** The platform connected to our listening port: the first connection gets the stream, later ones are refused. */
  private accept(socket: net.Socket) {
    if (this.tcp || this.stopped) {
      socket.on('error', () => undefined).destroy();
      return;
    }
    this.tcp = socket;
    this.watchTcp(socket);
    this.pacer.start();
  }

  private watchTcp(socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', () => undefined); // the platform sends nothing we need (RTCP over TCP would arrive here)
    socket.on('error', (err) => this.end('error', err));
    socket.on('close', () => this.end('peer-closed'));
  }

  private end(reason: 'peer-closed' | 'error', error?: Error) {
    this.pacer.stop();
    if (this.stopped || this.ended) return;
    this.ended = true;
    this.opts.onEnd?.(reason, error);
  }

  private send(frame: PacedFrame) {
    if (this.stopped || this.ended) return;
    if (this.tcp && this.tcp.writableLength > TCP_BACKLOG_LIMIT) this.skipUntilKeyframe = true;
    if (this.skipUntilKeyframe) {
      if (!frame.unit.keyframe || (this.tcp && this.tcp.writableLength > TCP_BACKLOG_LIMIT / 2)) {
        this.stats.framesSkipped++;
        return;
      }
      this.skipUntilKeyframe = false;
    }
    const ps = muxProgramStreamFrame(frame.unit, frame.pts90k, this.opts.pattern.codec);
    let packets = this.packetizer.packetizeFrame(ps, frame.pts90k);
    if (this.opts.transform) packets = this.opts.transform(packets, frame);
    this.stats.frames++;
    this.stats.packets += packets.length;
    for (const p of packets) this.stats.bytes += p.length;
    if (!packets.length) return;
    if (this.udp && this.udpTarget) {
      const { address, port } = this.udpTarget;
      for (const packet of packets) {
        this.udp.send(packet, port, address, (err) => {
          if (err) this.stats.sendErrors++;
        });
      }
    } else if (this.tcp && this.tcp.writable) {
      // One write per frame: the syscalls, not the bytes, are what costs.
      this.tcp.write(frameRfc4571(packets));
    }
  }
}

/** Ends a TCP connection (sending what is queued), destroying it if the peer does not close within a second. */
function closeTcp(socket: net.Socket): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => socket.destroy(), 1000);
    force.unref();
    socket.once('close', () => {
      clearTimeout(force);
      resolve();
    });
    socket.on('error', () => undefined);
    socket.end();
  });
}
