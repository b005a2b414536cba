import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import sip, { type SipMessage } from 'sip';
import { authorizationHeader, unquote } from '../../adapters/gb28181/digest.ts';
import { MANSCDP_CONTENT_TYPE, buildManscdp, decodeBody, parseManscdp, text, type ManscdpMessage } from '../../adapters/gb28181/manscdp.ts';
import { decodePtz } from '../../adapters/gb28181/ptz.ts';
import { parseAnswer as parseSdp, type MediaAnswer } from '../../adapters/gb28181/sdp.ts';

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
  /** Called with each MESSAGE the platform sends (queries, controls, alarm confirmations), after the 200. */
  onMessage?: (msg: ManscdpMessage, raw: SipMessage) => void;
  /** The channels this device reports in its catalog (an NVR's cameras and alarm inputs). */
  channels?: GbChannel[];
  /** Items per catalog MESSAGE (devices split large catalogs; 4 keeps a UDP datagram small). */
  catalogPageSize?: number;
  /** Days of recordings the device holds (answered to RecordInfo as one file per hour). Default 30. */
  recordDays?: number;
  /** How far the device's clock is ahead of true time (DeviceStatus, alarm times). */
  clockSkewMs?: number;
  /** True time (tests inject theirs). */
  now?: () => number;
  /** How the device streams video when the platform INVITEs a channel; without it, INVITEs are refused (488). */
  media?: GbDeviceMedia;
}

/** A device's video sender for one INVITE (the demo and tests plug in an RTP/PS sender). */
export interface GbDeviceMedia {
  /**
   * Prepares a channel's stream to the platform's offer (where to send, UDP or TCP and who connects,
   * the SSRC). `port` is where the device listens when the platform connects (TCP active), else 0;
   * `start` is called on the ACK, `stop` on BYE.
   */
  prepare(channelId: string, offer: MediaAnswer): Promise<{ port: number; start(): void; stop(): void }>;
}

export interface GbChannel {
  gbId: string;
  name: string;
  status?: 'ON' | 'OFF';
  lon?: number;
  lat?: number;
  /** 1 dome, 3 fixed. */
  ptzType?: number;
  /** 1 outdoor, 2 indoor. */
  roomType?: number;
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
  /** The platform's catalog subscription, once it subscribed. */
  subscription: { callId: string; platformTag: string; tag: string; platformUri: string } | null = null;
  /** Streams the platform INVITEd and has not ended, by Call-ID. */
  readonly streams = new Map<string, { channelId: string; offer: MediaAnswer; started: boolean; start(): void; stop(): void; dialog: SipMessage }>();
  /** PTZ commands obeyed, newest last (decoded PTZCmd). */
  readonly ptz: { channelId: string; command: number; data2: number }[] = [];

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
    if (m.method === 'INVITE') return void this.onInvite(m);
    if (m.method === 'ACK') {
      const s = this.streams.get(m.headers['call-id']);
      if (s && !s.started) {
        s.started = true;
        s.start();
        // A recording played back at 1×: when its span has been sent, the device says so (MediaStatus 121, §9.8.2).
        const range = s.offer.session === 'Playback' ? s.offer.range : null;
        if (range) {
          const timer = setTimeout(() => {
            if (this.streams.get(m.headers['call-id']) === s) void this.message('Notify', { CmdType: 'MediaStatus', SN: this.sn++, DeviceID: s.channelId, NotifyType: 121 }).catch(() => undefined);
          }, (range.endS - range.startS) * 1000);
          const stop = s.stop;
          s.stop = () => (clearTimeout(timer), stop());
        }
      }
      return;
    }
    if (m.method === 'BYE') {
      const s = this.streams.get(m.headers['call-id']);
      this.streams.delete(m.headers['call-id']);
      s?.stop();
      this.write(sip.makeResponse(m, s ? 200 : 481, s ? 'OK' : 'Call/Transaction Does Not Exist'));
      return;
    }
    if (m.method === 'SUBSCRIBE') {
      // A catalog subscription: a dialog whose NOTIFYs carry the channels' changes.
      const tag = randomBytes(5).toString('hex');
      this.subscription = { callId: m.headers['call-id'], platformTag: String(m.headers.from.params.tag ?? ''), tag, platformUri: m.headers.from.uri };
      const res = sip.makeResponse(m, 200, 'OK');
      res.headers.to = { ...res.headers.to, params: { ...res.headers.to.params, tag } };
      res.headers.expires = String(m.headers.expires ?? '3600');
      this.write(res);
      return;
    }
    this.write(sip.makeResponse(m, 200, 'OK'));
    if (m.method !== 'MESSAGE') return;
    let msg: ManscdpMessage;
    try {
      msg = parseManscdp(decodeBody(m.content, String(m.headers['content-type'] ?? '')));
    } catch {
      return; // a body the simulator cannot read is ignored
    }
    this.received.push(msg);
    if (msg.root === 'Query') void this.answerQuery(msg).catch(() => undefined);
    if (msg.root === 'Control' && msg.cmdType === 'DeviceControl') {
      const ptz = decodePtz(text(msg.body.PTZCmd));
      if (ptz) this.ptz.push({ channelId: msg.deviceId, command: ptz.command, data2: ptz.data2 });
    }
    this.o.onMessage?.(msg, m);
  }

  /** INVITE (GB/T 28181 §9.2): answer with where the stream comes from, start it on the ACK. */
  private async onInvite(m: SipMessage) {
    const callId = m.headers['call-id'];
    if (this.streams.has(callId)) return; // a retransmission while the first copy is handled
    const channelId = userOf(m.uri ?? '') || userOf(m.headers.to.uri);
    const refuse = (status: number, reason: string) => this.write(sip.makeResponse(m, status, reason));
    if (!this.o.media) return refuse(488, 'Not Acceptable Here');
    let offer: MediaAnswer;
    try {
      offer = parseSdp(Buffer.from(m.content, 'binary').toString('utf8'));
    } catch {
      return refuse(400, 'Bad Request');
    }
    this.write(sip.makeResponse(m, 100, 'Trying'));
    let handle: Awaited<ReturnType<GbDeviceMedia['prepare']>>;
    try {
      handle = await this.o.media.prepare(channelId, offer);
    } catch {
      return refuse(500, 'Server Internal Error');
    }
    const tag = randomBytes(5).toString('hex');
    const tcp = offer.transport === 'TCP';
    const setup = offer.setup === 'active' ? 'passive' : 'active';
    const sdp = [
      'v=0',
      `o=${channelId} 0 0 IN IP4 127.0.0.1`,
      `s=${offer.session === 'Playback' ? 'Playback' : 'Play'}`,
      'c=IN IP4 127.0.0.1',
      offer.range ? `t=${offer.range.startS} ${offer.range.endS}` : 't=0 0',
      `m=video ${handle.port || 15060} ${tcp ? 'TCP/RTP/AVP' : 'RTP/AVP'} 96`,
      'a=sendonly',
      'a=rtpmap:96 PS/90000',
      ...(tcp ? [`a=setup:${setup}`, 'a=connection:new'] : []),
      `y=${offer.ssrc ?? '0000000000'}`,
      'f=',
    ].join('\r\n') + '\r\n';
    const res = sip.makeResponse(m, 200, 'OK');
    res.headers.to = { ...res.headers.to, params: { ...res.headers.to.params, tag } };
    res.headers.contact = [{ uri: `sip:${channelId}@127.0.0.1:${this.localPort}`, params: {} }];
    res.headers['content-type'] = 'application/sdp';
    res.content = sdp;
    res.headers['content-length'] = Buffer.byteLength(sdp, 'binary');
    this.streams.set(callId, { channelId, offer, started: false, ...handle, dialog: res });
    this.write(res);
  }

  /** The device ends a stream itself (BYE), as a camera does when it reboots or its channel goes away. */
  async hangUp(callId: string): Promise<GbAnswer | null> {
    const s = this.streams.get(callId);
    if (!s) return null;
    this.streams.delete(callId);
    s.stop();
    const req = this.request('BYE', s.dialog.headers.from.uri);
    req.headers['call-id'] = callId;
    req.headers.from = s.dialog.headers.to;
    req.headers.to = s.dialog.headers.from;
    return this.send(req);
  }

  private get deviceNow(): number {
    return (this.o.now ?? Date.now)() + (this.o.clockSkewMs ?? 0);
  }

  private async answerQuery(q: ManscdpMessage): Promise<void> {
    const base = { SN: q.sn, DeviceID: q.deviceId };
    switch (q.cmdType) {
      case 'Catalog':
        return this.sendCatalog(q.sn);
      case 'DeviceInfo':
        await this.message('Response', { CmdType: 'DeviceInfo', ...base, DeviceName: `SIM-${this.o.gbId.slice(-6)}`, Result: 'OK', Manufacturer: 'xiaoan-sim', Model: 'SIM-NVR-64', Firmware: 'V4.74.010', Channel: this.o.channels?.length ?? 0 });
        return;
      case 'DeviceStatus':
        await this.message('Response', { CmdType: 'DeviceStatus', ...base, Result: 'OK', Online: 'ONLINE', Status: 'OK', Encode: 'ON', Record: 'ON', DeviceTime: beijing(this.deviceNow) });
        return;
      case 'RecordInfo':
        return this.sendRecords(q);
    }
  }

  /** One file per hour of the window that lies within the days the device keeps, 8 per MESSAGE. */
  private async sendRecords(q: ManscdpMessage): Promise<void> {
    const now = this.deviceNow;
    const keptFrom = now - (this.o.recordDays ?? 30) * 86_400_000;
    const from = Math.max(fromBeijing(text(q.body.StartTime)), keptFrom);
    const to = Math.min(fromBeijing(text(q.body.EndTime)), now);
    const files: { start: number; end: number }[] = [];
    for (let t = Math.floor(from / 3_600_000) * 3_600_000; t < to; t += 3_600_000) files.push({ start: Math.max(t, from), end: Math.min(t + 3_600_000, to) });
    for (let i = 0; i < Math.max(files.length, 1); i += 8) {
      const page = files.slice(i, i + 8);
      await this.message('Response', {
        CmdType: 'RecordInfo',
        SN: q.sn,
        DeviceID: q.deviceId,
        Name: q.deviceId,
        SumNum: files.length,
        RecordList: {
          '@Num': page.length,
          Item: page.map((f) => ({ DeviceID: q.deviceId, Name: q.deviceId, FilePath: `/rec/${q.deviceId}/${f.start}.ps`, Address: 'sim', StartTime: beijing(f.start), EndTime: beijing(f.end), Secrecy: 0, Type: 'time' })),
        },
      });
    }
  }

  /** Tells the subscribed platform that channels changed (Event ON, OFF, ADD, DEL, UPDATE …) by NOTIFY. */
  notifyCatalog(changes: (GbChannel & { event: 'ON' | 'OFF' | 'VLOST' | 'DEFECT' | 'ADD' | 'DEL' | 'UPDATE' })[]): Promise<GbAnswer> {
    const s = this.subscription;
    if (!s) return Promise.reject(new Error('the platform has not subscribed'));
    const body = buildManscdp('Notify', {
      CmdType: 'Catalog',
      SN: this.sn++,
      DeviceID: this.o.gbId,
      SumNum: changes.length,
      DeviceList: { '@Num': changes.length, Item: changes.map((c) => ({ DeviceID: c.gbId, Name: c.name, Event: c.event, Status: c.status ?? (c.event === 'OFF' ? 'OFF' : 'ON'), ParentID: this.o.gbId, Info: { PTZType: c.ptzType ?? 3, RoomType: c.roomType ?? 1 } })) },
    });
    const req = this.request('NOTIFY', s.platformUri);
    req.headers['call-id'] = s.callId;
    req.headers.from = { uri: `sip:${this.o.gbId}@${this.o.domain}`, params: { tag: s.tag } };
    req.headers.to = { uri: s.platformUri, params: { tag: s.platformTag } };
    req.headers.event = 'Catalog';
    req.headers['subscription-state'] = 'active';
    req.headers['content-type'] = MANSCDP_CONTENT_TYPE;
    req.content = body;
    req.headers['content-length'] = Buffer.byteLength(body, 'binary');
    return this.send(req);
  }

  /** Answers a catalog query with every channel, a few per MESSAGE, numbered by the query's SN. */
  async sendCatalog(sn: number): Promise<void> {
    const channels = this.o.channels ?? [];
    const size = Math.max(1, this.o.catalogPageSize ?? 4);
    for (let i = 0; i < Math.max(channels.length, 1); i += size) {
      const page = channels.slice(i, i + size);
      await this.message('Response', {
        CmdType: 'Catalog',
        SN: sn,
        DeviceID: this.o.gbId,
        SumNum: channels.length,
        DeviceList: {
          '@Num': page.length,
          Item: page.map((c) => ({
            DeviceID: c.gbId,
            Name: c.name,
            Manufacturer: 'xiaoan-sim',
            Model: 'SIM-IPC',
            Owner: 'Owner',
            CivilCode: this.o.domain.slice(0, 6),
            Address: c.name,
            Parental: 0,
            ParentID: this.o.gbId,
            SafetyWay: 0,
            RegisterWay: 1,
            Secrecy: 0,
            Status: c.status ?? 'ON',
            Longitude: c.lon ?? 0,
            Latitude: c.lat ?? 0,
            Info: { PTZType: c.ptzType ?? 3, RoomType: c.roomType ?? 1, UseType: 1 },
          })),
        },
      });
    }
  }

  async close(): Promise<void> {
    this.waiting.clear();
    for (const stream of this.streams.values()) stream.stop();
    this.streams.clear();
    if (this.udp) await new Promise<void>((r) => this.udp!.close(() => r()));
    this.tcp?.destroy();
    this.udp = null;
    this.tcp = null;
  }
}

const userOf = (uri: string) => sip.parseUri(uri)?.user ?? '';

/** GB/T 28181 local (Beijing) time without a zone. */
const beijing = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19);
const fromBeijing = (v: string) => Date.parse(`${v}+08:00`);
