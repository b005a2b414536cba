import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import sip, { type SipMessage } from 'sip';
import { authorizationHeader, unquote } from '../../adapters/gb28181/digest.ts';
import { MANSCDP_CONTENT_TYPE, buildManscdp, decodeBody, parseManscdp, type ManscdpMessage } from '../../adapters/gb28181/manscdp.ts';

export interface GbDeviceOptions {
  gbId: string;
  password: string;
  /** The platform's id and SIP domain. */
  platformId: string;
  domain: string;
  host: string;
  port: number;
  transport: 'UDP' | 'TCP';
  /** X-GB-Ver: 2.0 (GB/T 28181-2016) or 3.0 (2022). */
  version?: '2.0' | '3.0';
  /** The address put in Contact, as a device behind NAT declares its LAN address; default the socket's own. */
  declared?: { host: string; port: number };
  /** Answers the platform's MESSAGEs (queries, controls, alarm confirmations); default 200 OK. */
  onMessage?: (msg: ManscdpMessage, raw: SipMessage) => void;
}

/** What the platform answered. */
export interface GbAnswer {
  status: number;
  reason: string;
  message: SipMessage;
  warning: string | null;
}

/**
 * A GB/T 28181 device (camera or NVR) speaking real SIP over UDP or TCP: it registers with digest,
 * keeps alive, raises alarms and answers what the platform asks. The demo simulator and the tests
 * use it; it is also a readable account of what a device does.
 */
export class GbDevice {
  private udp: dgram.Socket | null = null;
  private tcp: net.Socket | null = null;
  private readonly waiting = new Map<string, (m: SipMessage) => void>();
  private readonly callId = randomBytes(10).toString('hex');
  private readonly tag = randomBytes(5).toString('hex');
  private cseq = 1;
  private sn = 1;
  /** MESSAGEs the platform sent, newest last. */
  readonly received: ManscdpMessage[] = [];

  constructor(private readonly o: GbDeviceOptions) {}

  async connect(): Promise<void> {
    if (this.o.transport === 'UDP') {
      const udp = dgram.createSocket('udp4');
      udp.on('message', (data) => this.onData(data.toString('binary')));
      await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
      this.udp = udp;
    } else {
      const socket = net.connect(this.o.port, this.o.host);
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      const parse = sip.makeStreamParser((m) => this.onMessage(m));
      socket.on('data', (d) => parse(d.toString('binary')));
      socket.on('error', () => undefined);
      this.tcp = socket;
    }
  }

  get localPort(): number {
    return this.udp ? this.udp.address().port : (this.tcp?.localPort ?? 0);
  }

  /** REGISTER with digest: the first try is challenged (401), the second carries the answer. */
  async register(expires = 3600, opts: { password?: string; withoutExpires?: boolean } = {}): Promise<GbAnswer> {
    const first = await this.send(this.registerRequest(expires, opts.withoutExpires));
    if (first.status !== 401) return first;
    const challenge = (first.message.headers['www-authenticate'] as { nonce: string; realm: string }[] | undefined)?.[0];
    if (!challenge) return first;
    const req = this.registerRequest(expires, opts.withoutExpires);
    req.headers.authorization = [authorizationHeader(this.o.gbId, unquote(challenge.realm), opts.password ?? this.o.password, 'REGISTER', req.uri!, unquote(challenge.nonce))];
    return this.send(req);
  }

  /** One REGISTER as given (tests: without credentials, with a forged header …). */
  registerOnce(expires = 3600, authorization?: SipMessage['headers']['authorization']): Promise<GbAnswer> {
    const req = this.registerRequest(expires);
    if (authorization) req.headers.authorization = authorization;
    return this.send(req);
  }

  private registerRequest(expires: number, withoutExpires = false): SipMessage {
    const req = this.request('REGISTER', `sip:${this.o.platformId}@${this.o.domain}`);
    req.headers.to = { uri: `sip:${this.o.gbId}@${this.o.domain}`, params: {} };
    req.headers.contact = [{ uri: `sip:${this.o.gbId}@${this.o.declared?.host ?? '127.0.0.1'}:${this.o.declared?.port ?? this.localPort}`, params: {} }];
    if (!withoutExpires) req.headers.expires = String(expires);
    return req;
  }

  keepalive(): Promise<GbAnswer> {
    return this.message('Notify', { CmdType: 'Keepalive', SN: this.sn++, DeviceID: this.o.gbId, Status: 'OK' });
  }

  /** An alarm notification (GB/T 28181 §A.2.4.3) from this device or one of its channels. */
  alarm(a: { channelId?: string; method: number; type?: number; priority?: number; time: string; description?: string; sn?: number }): Promise<GbAnswer> {
    return this.message('Notify', {
      CmdType: 'Alarm',
      SN: a.sn ?? this.sn++,
      DeviceID: a.channelId ?? this.o.gbId,
      AlarmPriority: a.priority ?? 1,
      AlarmMethod: a.method,
      AlarmTime: a.time,
      ...(a.description ? { AlarmDescription: a.description } : {}),
      ...(a.type !== undefined ? { Info: { AlarmType: a.type } } : {}),
    });
  }

  /** A MANSCDP MESSAGE with the given root and fields (GB18030-encoded). */
  message(root: 'Notify' | 'Response', fields: Record<string, unknown>): Promise<GbAnswer> {
    return this.sendBody(buildManscdp(root, fields));
  }

  /** A MESSAGE with any body bytes (tests: malformed XML, other encodings). */
  sendBody(latin1Body: string): Promise<GbAnswer> {
    const req = this.request('MESSAGE', `sip:${this.o.platformId}@${this.o.domain}`);
    req.headers['content-type'] = MANSCDP_CONTENT_TYPE;
    req.content = latin1Body;
    req.headers['content-length'] = Buffer.byteLength(latin1Body, 'binary');
    return this.send(req);
  }

  private request(method: string, uri: string): SipMessage {
    const branch = `z9hG4bK${randomBytes(8).toString('hex')}`;
    return {
      method,
      uri,
      version: '2.0',
      headers: {
        via: [{ version: '2.0', protocol: this.o.transport, host: '127.0.0.1', port: this.localPort, params: { branch, rport: null } }],
        from: { uri: `sip:${this.o.gbId}@${this.o.domain}`, params: { tag: this.tag } },
        to: { uri: `sip:${this.o.platformId}@${this.o.domain}`, params: {} },
        'call-id': method === 'REGISTER' ? this.callId : randomBytes(10).toString('hex'),
        cseq: { seq: this.cseq++, method },
        'max-forwards': '70',
        'user-agent': 'xiaoan-gb-simulator',
        'x-gb-ver': this.o.version ?? '3.0',
        'content-length': 0,
      },
      content: '',
    };
  }

  private send(req: SipMessage, timeoutMs = 10_000): Promise<GbAnswer> {
    const branch = String(req.headers.via[0]!.params.branch);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(branch);
        reject(new Error(`no answer to ${req.method} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(branch, (m) => {
        clearTimeout(timer);
        this.waiting.delete(branch);
        const warning = m.headers.warning;
        resolve({ status: m.status!, reason: m.reason ?? '', message: m, warning: typeof warning === 'string' ? warning : null });
      });
      this.write(req);
    });
  }

  private write(m: SipMessage) {
    const bytes = Buffer.from(sip.stringify(m), 'binary');
    if (this.udp) this.udp.send(bytes, this.o.port, this.o.host);
    else this.tcp?.write(bytes);
  }

  private onData(data: string) {
    const m = sip.parse(data);
    if (m) this.onMessage(m);
  }

  private onMessage(m: SipMessage) {
    if (m.status) {
      if (m.status < 200) return;
      this.waiting.get(String(m.headers.via?.[0]?.params?.branch ?? ''))?.(m);
      return;
    }
    // A request from the platform: answer it, then hand the MANSCDP body on.
    this.write(sip.makeResponse(m, 200, 'OK'));
    if (m.method !== 'MESSAGE') return;
    try {
      const msg = parseManscdp(decodeBody(m.content, String(m.headers['content-type'] ?? '')));
      this.received.push(msg);
      this.o.onMessage?.(msg, m);
    } catch {
      // a body the simulator cannot read is ignored
    }
  }

  async close(): Promise<void> {
    this.waiting.clear();
    if (this.udp) await new Promise<void>((r) => this.udp!.close(() => r()));
    this.tcp?.destroy();
    this.udp = null;
    this.tcp = null;
  }
}
