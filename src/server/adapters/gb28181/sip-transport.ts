import dgram from 'node:dgram';
import net from 'node:net';
import sip, { type SipMessage } from 'sip';

/** Where a message came from, and so where its answer goes. */
export interface SipPeer {
  transport: 'UDP' | 'TCP';
  address: string;
  port: number;
}

export interface SipTransportLimits {
  /** Largest header block and body accepted on a TCP stream (a datagram is bounded by UDP itself). */
  maxHeaderBytes: number;
  maxBodyBytes: number;
  maxTcpConnections: number;
  /** A TCP connection with no message for this long is closed. */
  tcpIdleMs: number;
}

export const DEFAULT_SIP_LIMITS: SipTransportLimits = { maxHeaderBytes: 16 * 1024, maxBodyBytes: 1024 * 1024, maxTcpConnections: 10_000, tcpIdleMs: 10 * 60_000 };

export interface SipTransportStats {
  received: number;
  sent: number;
  /** Datagrams or streams that were not SIP, or over a limit: dropped, counted, never stored. */
  malformed: number;
  tcpConnections: number;
  tcpRefused: number;
  /** UDP retransmissions of a request: answered again from the transaction (or dropped while it is handled), not handled twice. */
  retransmissions: number;
}

const peerKey = (p: SipPeer) => `${p.transport}:${p.address}:${p.port}`;

/** Timer J of RFC 3261 for UDP (64 × T1): how long a server transaction absorbs retransmissions. */
const TRANSACTION_MS = 32_000;
/** At most this many transactions are remembered (≈ 30 MB of answers); the oldest go first. */
const MAX_TRANSACTIONS = 100_000;

/**
 * A request and its answers share the top Via branch and the CSeq method (RFC 3261 §17.2.3), per
 * sender; Call-ID and CSeq number are added because some devices reuse one branch for everything.
 */
const transactionKey = (m: SipMessage, peer: SipPeer) => `${peer.address}:${peer.port}|${m.headers.via[0]?.params?.branch ?? ''}|${m.headers['call-id']}|${m.headers.cseq.seq}|${m.headers.cseq.method}`;

/** Only RFC 3261 branches (magic cookie z9hG4bK) identify a transaction; older requests are handled each time. */
const hasRfc3261Branch = (m: SipMessage) => String(m.headers.via[0]?.params?.branch ?? '').startsWith('z9hG4bK');

/**
 * SIP over UDP and TCP (RFC 3261 §18, framing of TCP streams by Content-Length). Parsing and
 * serialising are the `sip` package's; sockets, limits and connection reuse are ours, so a
 * flood or a garbage stream costs a counter, not memory. A device that registered over TCP is
 * answered, and later asked, on its own connection (devices behind NAT accept nothing else).
 */
export class SipTransport {
  private udp: dgram.Socket | null = null;
  private tcp: net.Server | null = null;
  private readonly connections = new Map<string, net.Socket>();
  readonly stats: SipTransportStats = { received: 0, sent: 0, malformed: 0, tcpConnections: 0, tcpRefused: 0, retransmissions: 0 };
  /**
   * Server transactions of UDP requests (RFC 3261 §17.2.2): a device retransmits a request until
   * it hears the final answer, so a retransmission is answered with the same bytes (or dropped
   * while the first copy is being handled) instead of being handled again — under load a slow
   * answer would otherwise multiply the work. Kept for timer J (64 × T1 = 32 s), in arrival order.
   */
  private readonly transactions = new Map<string, { atMs: number; answer: Buffer | null }>();
  /** The bound port (UDP and TCP), once listening. */
  port = 0;

  constructor(
    private readonly onMessage: (message: SipMessage, peer: SipPeer) => void,
    private readonly limits: SipTransportLimits = DEFAULT_SIP_LIMITS,
  ) {}

  /** Binds UDP and TCP on the same port (0 = a free port, the same for both); returns the port. */
  async listen(host: string, port: number): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      try {
        const udpPort = await this.bindUdp(host, port);
        await this.bindTcp(host, udpPort);
        this.port = udpPort;
        return udpPort;
      } catch (err) {
        await this.close();
        // With port 0 the TCP side may find the UDP port taken; another free port is tried.
        if (port !== 0 || attempt >= 5) throw err;
      }
    }
  }

  private bindUdp(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const udp = dgram.createSocket({ type: net.isIPv6(host) ? 'udp6' : 'udp4', recvBufferSize: 4 * 1024 * 1024 });
      udp.once('error', reject);
      udp.on('message', (data, rinfo) => this.received(data.toString('binary'), { transport: 'UDP', address: rinfo.address, port: rinfo.port }));
      udp.bind(port, host, () => {
        udp.off('error', reject);
        udp.on('error', (err) => console.error('SIP UDP socket error', err));
        this.udp = udp;
        resolve(udp.address().port);
      });
    });
  }

  private bindTcp(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((socket) => this.accept(socket));
      server.maxConnections = this.limits.maxTcpConnections;
      server.on('drop', () => this.stats.tcpRefused++);
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        this.tcp = server;
        resolve();
      });
    });
  }

  private accept(socket: net.Socket) {
    const peer: SipPeer = { transport: 'TCP', address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    const key = peerKey(peer);
    this.connections.set(key, socket);
    this.stats.tcpConnections = this.connections.size;
    socket.setTimeout(this.limits.tcpIdleMs, () => socket.destroy());
    socket.setNoDelay(true);
    const parse = sip.makeStreamParser(
      (m) => this.dispatch(m, peer),
      () => {
        // Over a limit: the stream cannot be resynchronised, so the connection goes.
        this.stats.malformed++;
        socket.destroy();
      },
      this.limits.maxHeaderBytes,
      this.limits.maxBodyBytes,
    );
    socket.on('data', (data) => {
      try {
        parse(data.toString('binary'));
      } catch {
        this.stats.malformed++;
        socket.destroy();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (this.connections.get(key) === socket) this.connections.delete(key);
      this.stats.tcpConnections = this.connections.size;
    });
  }

  private received(data: string, peer: SipPeer) {
    let message: SipMessage | undefined;
    try {
      message = sip.parse(data);
    } catch {
      message = undefined;
    }
    if (!message) {
      this.stats.malformed++;
      return;
    }
    this.dispatch(message, peer);
  }

  private dispatch(message: SipMessage, peer: SipPeer) {
    if (!isWellFormed(message)) {
      this.stats.malformed++;
      return;
    }
    this.stats.received++;
    if (peer.transport === 'UDP' && message.method && message.method !== 'ACK' && hasRfc3261Branch(message)) {
      const key = transactionKey(message, peer);
      const known = this.transactions.get(key);
      if (known) {
        this.stats.retransmissions++;
        if (known.answer && this.udp) this.udp.send(known.answer, peer.port, peer.address);
        return;
      }
      const now = Date.now();
      for (const [k, t] of this.transactions) {
        if (now - t.atMs < TRANSACTION_MS && this.transactions.size < MAX_TRANSACTIONS) break;
        this.transactions.delete(k);
      }
      this.transactions.set(key, { atMs: now, answer: null });
    }
    try {
      this.onMessage(message, peer);
    } catch (err) {
      console.error('SIP message handler failed', err);
    }
  }

  /** Sends on the peer's own TCP connection, or as a datagram; false when the TCP peer is gone. */
  send(message: SipMessage, peer: SipPeer): boolean {
    const bytes = Buffer.from(sip.stringify(message), 'binary');
    if (peer.transport === 'TCP') {
      const socket = this.connections.get(peerKey(peer));
      if (!socket || socket.destroyed) return false;
      socket.write(bytes);
    } else {
      if (!this.udp) return false;
      this.udp.send(bytes, peer.port, peer.address);
      if (message.status && message.status >= 200) {
        const t = this.transactions.get(transactionKey(message, peer));
        if (t) t.answer = bytes;
      }
    }
    this.stats.sent++;
    return true;
  }

  async close(): Promise<void> {
    for (const socket of this.connections.values()) socket.destroy();
    this.connections.clear();
    this.transactions.clear();
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = null;
    this.tcp = null;
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (tcp) await new Promise<void>((resolve) => tcp.close(() => resolve()));
  }
}

/** The headers every request and response must carry before anything else looks at it. */
function isWellFormed(m: SipMessage): boolean {
  const h = m.headers;
  return Boolean(h && Array.isArray(h.via) && h.via.length && h.from?.uri && h.to?.uri && h['call-id'] && h.cseq && Number.isFinite(h.cseq.seq) && (m.method || m.status));
}
