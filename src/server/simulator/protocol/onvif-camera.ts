import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An ONVIF camera (Profile S) of our own, speaking SOAP 1.2 over real HTTP: the device, media,
 * PTZ and event services the platform uses, with WS-UsernameToken digest checked on every call
 * but GetSystemDateAndTime (as the ONVIF core spec allows, so a client can learn the clock first).
 * Tests and the demo queue events (motion, digital input, tamper) that the next PullMessages
 * returns. It answers the minimal set the `onvif` package needs; anything else is a SOAP fault.
 * (Written from the ONVIF specs; the agsh/onvif mock server and fixtures were read, not copied.)
 */
export interface OnvifCameraOptions {
  username: string;
  password: string;
  manufacturer?: string;
  model?: string;
  firmware?: string;
  serial?: string;
  /** Stream profiles, main stream first. Default: 3840×2160 main, 640×360 sub. */
  profiles?: { token: string; name: string; encoding: string; width: number; height: number }[];
  /** PTZ presets (token → name); a camera without them has no PTZ service. */
  presets?: { token: string; name: string }[];
  /** Longest a PullMessages is held waiting for an event (a real camera holds up to the Timeout asked, PT1M). */
  maxPullWaitMs?: number;
  /** Port of the camera's RTSP server (default 554; tests and the demo run one on a free port). */
  rtspPort?: number;
  /** Put the credentials into the RTSP URIs, as some cameras do. */
  credentialsInStreamUri?: boolean;
  /** True time (tests inject theirs). */
  now?: () => number;
}

/** What a test can queue: an ONVIF notification, as a topic and its Source and Data items. */
export interface OnvifEvent {
  topic: string;
  data: Record<string, string>;
  source?: Record<string, string>;
  /** Changed (default) or Initialized (the state sent when a subscription starts). */
  operation?: 'Changed' | 'Initialized';
  utcTime?: string;
}

/** Ready-made events of the standard topics. */
export const onvifEvents = {
  motion: (on = true): OnvifEvent => ({ topic: 'tns1:RuleEngine/CellMotionDetector/Motion', source: { VideoSourceConfigurationToken: 'vsc-1', VideoAnalyticsConfigurationToken: 'vac-1', Rule: 'MyMotionDetectorRule' }, data: { IsMotion: String(on) } }),
  motionAlarm: (on = true): OnvifEvent => ({ topic: 'tns1:VideoSource/MotionAlarm', source: { Source: 'vs-1' }, data: { State: String(on) } }),
  digitalInput: (on = true, token = 'DI-1'): OnvifEvent => ({ topic: 'tns1:Device/Trigger/DigitalInput', source: { InputToken: token }, data: { LogicalState: String(on) } }),
  sceneChange: (on = true): OnvifEvent => ({ topic: 'tns1:VideoSource/GlobalSceneChange/ImagingService', source: { Source: 'vs-1' }, data: { State: String(on) } }),
  tooDark: (on = true): OnvifEvent => ({ topic: 'tns1:VideoSource/ImageTooDark/ImagingService', source: { Source: 'vs-1' }, data: { State: String(on) } }),
};

interface Subscription {
  id: string;
  queue: OnvifEvent[];
  terminationMs: number;
  waiting: { resolve: () => void; timer: NodeJS.Timeout } | null;
}

const NS = [
  'xmlns:s="http://www.w3.org/2003/05/soap-envelope"',
  'xmlns:tt="http://www.onvif.org/ver10/schema"',
  'xmlns:tds="http://www.onvif.org/ver10/device/wsdl"',
  'xmlns:trt="http://www.onvif.org/ver10/media/wsdl"',
  'xmlns:tptz="http://www.onvif.org/ver20/ptz/wsdl"',
  'xmlns:tev="http://www.onvif.org/ver10/events/wsdl"',
  'xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2"',
  'xmlns:wsa5="http://www.w3.org/2005/08/addressing"',
  'xmlns:tns1="http://www.onvif.org/ver10/topics"',
  'xmlns:ter="http://www.onvif.org/ver10/error"',
].join(' ');

const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** The text of the first element with this local name (any prefix). */
const field = (xml: string, name: string) => new RegExp(`<(?:[\\w-]+:)?${name}(?:\\s[^>]*)?>([^<]*)</(?:[\\w-]+:)?${name}>`).exec(xml)?.[1]?.trim() ?? null;
/** ISO-8601 durations as clients send them (PT1M, PT60S, PT2M30S). */
const durationMs = (v: string | null) => {
  const m = v ? /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(v) : null;
  return m ? ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000 : null;
};

export class OnvifCamera {
  private server: http.Server | null = null;
  private readonly subscriptions = new Map<string, Subscription>();
  /** Every action received, in order (tests read it). */
  readonly requests: string[] = [];
  /** Every GotoPreset: the profile and preset asked. */
  readonly gotoPresets: { profileToken: string; presetToken: string }[] = [];
  /** Refused calls (wrong user or password). */
  refused = 0;
  private base = '';
  private readonly profiles;
  private readonly presets;
  private readonly now: () => number;

  constructor(private readonly opts: OnvifCameraOptions) {
    this.profiles = opts.profiles ?? [
      { token: 'profile_main', name: 'mainStream', encoding: 'H264', width: 3840, height: 2160 },
      { token: 'profile_sub', name: 'subStream', encoding: 'H264', width: 640, height: 360 },
    ];
    this.presets = opts.presets ?? [];
    this.now = opts.now ?? Date.now;
  }

  /** Starts listening (port 0: any free port) and returns the port. */
  async listen(host = '127.0.0.1', port = 0): Promise<number> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
    const bound = (server.address() as AddressInfo).port;
    this.base = `http://${host}:${bound}`;
    return bound;
  }

  /** Queues an event for every subscription (the next PullMessages returns it). */
  emit(event: OnvifEvent) {
    for (const sub of this.subscriptions.values()) {
      sub.queue.push({ ...event, utcTime: event.utcTime ?? new Date(this.now()).toISOString() });
      sub.waiting?.resolve();
    }
  }

  get subscriptionCount() {
    return this.subscriptions.size;
  }

  /** Forgets every subscription, as a camera does when it reboots: the next PullMessages is refused. */
  dropSubscriptions() {
    for (const sub of this.subscriptions.values()) sub.waiting?.resolve();
    this.subscriptions.clear();
  }

  async close() {
    this.dropSubscriptions();
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const xml = Buffer.concat(chunks).toString('utf8');
    const action = /<(?:[\w-]+:)?Body[^>]*>\s*<(?:[\w-]+:)?(\w+)/.exec(xml)?.[1] ?? '';
    this.requests.push(action);
    const send = (status: number, body: string) => {
      if (res.writableEnded || res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/soap+xml; charset=utf-8' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?><s:Envelope ${NS}><s:Body>${body}</s:Body></s:Envelope>`);
    };
    const fault = (status: number, code: 'Sender' | 'Receiver', subcode: string, reason: string) =>
      send(status, `<s:Fault><s:Code><s:Value>s:${code}</s:Value><s:Subcode><s:Value>${subcode}</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en">${esc(reason)}</s:Text></s:Reason></s:Fault>`);

    // ONVIF core §5.12: every call but GetSystemDateAndTime is authenticated; a bad token is HTTP 400 ter:NotAuthorized.
    if (action !== 'GetSystemDateAndTime' && !this.authorized(xml)) {
      this.refused++;
      return fault(400, 'Sender', 'ter:NotAuthorized', 'Sender not Authorized');
    }
    try {
      const answer = await this.answer(action, xml, req.url ?? '/');
      if (answer === null) return fault(400, 'Sender', 'ter:ActionNotSupported', `${action || 'the request'} is not supported by this camera`);
      send(200, answer);
    } catch (err) {
      fault(400, 'Sender', 'ter:InvalidArgVal', (err as Error).message);
    }
  }

  /** WS-UsernameToken PasswordDigest = Base64(SHA-1(nonce + created + password)). */
  private authorized(xml: string): boolean {
    const username = field(xml, 'Username');
    const digest = field(xml, 'Password');
    const nonce = field(xml, 'Nonce');
    const created = field(xml, 'Created');
    if (!username || !digest || !nonce || !created) return false;
    const expected = createHash('sha1')
      .update(Buffer.concat([Buffer.from(nonce, 'base64'), Buffer.from(created, 'utf8'), Buffer.from(this.opts.password, 'utf8')]))
      .digest('base64');
    return username === this.opts.username && digest === expected;
  }

  private async answer(action: string, xml: string, path: string): Promise<string | null> {
    const iso = (ms: number) => new Date(ms).toISOString();
    const o = this.opts;
    switch (action) {
      case 'GetSystemDateAndTime': {
        const d = new Date(this.now());
        return `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>CST-8</tt:TZ></tt:TimeZone><tt:UTCDateTime><tt:Time><tt:Hour>${d.getUTCHours()}</tt:Hour><tt:Minute>${d.getUTCMinutes()}</tt:Minute><tt:Second>${d.getUTCSeconds()}</tt:Second></tt:Time><tt:Date><tt:Year>${d.getUTCFullYear()}</tt:Year><tt:Month>${d.getUTCMonth() + 1}</tt:Month><tt:Day>${d.getUTCDate()}</tt:Day></tt:Date></tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`;
      }
      case 'GetServices': {
        const service = (ns: string, path: string) => `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>${this.base}${path}</tds:XAddr><tds:Version><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tds:Version></tds:Service>`;
        return `<tds:GetServicesResponse>${[
          service('http://www.onvif.org/ver10/device/wsdl', '/onvif/device_service'),
          service('http://www.onvif.org/ver10/media/wsdl', '/onvif/media_service'),
          service('http://www.onvif.org/ver10/events/wsdl', '/onvif/event_service'),
          this.presets.length ? service('http://www.onvif.org/ver20/ptz/wsdl', '/onvif/ptz_service') : '',
        ].join('')}</tds:GetServicesResponse>`;
      }
      case 'GetCapabilities':
        return `<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Device><tt:XAddr>${this.base}/onvif/device_service</tt:XAddr></tt:Device><tt:Events><tt:XAddr>${this.base}/onvif/event_service</tt:XAddr><tt:WSSubscriptionPolicySupport>false</tt:WSSubscriptionPolicySupport><tt:WSPullPointSupport>true</tt:WSPullPointSupport><tt:WSPausableSubscriptionManagerInterfaceSupport>false</tt:WSPausableSubscriptionManagerInterfaceSupport></tt:Events><tt:Media><tt:XAddr>${this.base}/onvif/media_service</tt:XAddr></tt:Media>${this.presets.length ? `<tt:PTZ><tt:XAddr>${this.base}/onvif/ptz_service</tt:XAddr></tt:PTZ>` : ''}</tds:Capabilities></tds:GetCapabilitiesResponse>`;
      case 'GetDeviceInformation':
        return `<tds:GetDeviceInformationResponse><tds:Manufacturer>${esc(o.manufacturer ?? 'xiaoan-sim')}</tds:Manufacturer><tds:Model>${esc(o.model ?? 'SIM-IPC-4K')}</tds:Model><tds:FirmwareVersion>${esc(o.firmware ?? 'V5.7.3 build 230901')}</tds:FirmwareVersion><tds:SerialNumber>${esc(o.serial ?? 'SIM0001')}</tds:SerialNumber><tds:HardwareId>88</tds:HardwareId></tds:GetDeviceInformationResponse>`;
      case 'GetProfiles':
        return `<trt:GetProfilesResponse>${this.profiles
          .map(
            (p) =>
              `<trt:Profiles token="${esc(p.token)}" fixed="true"><tt:Name>${esc(p.name)}</tt:Name><tt:VideoSourceConfiguration token="vsc-1"><tt:Name>VideoSourceConfig</tt:Name><tt:UseCount>${this.profiles.length}</tt:UseCount><tt:SourceToken>vs-1</tt:SourceToken><tt:Bounds x="0" y="0" width="${this.profiles[0]!.width}" height="${this.profiles[0]!.height}"/></tt:VideoSourceConfiguration>` +
              `<tt:VideoEncoderConfiguration token="vec-${esc(p.token)}"><tt:Name>${esc(p.name)}</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>${esc(p.encoding)}</tt:Encoding><tt:Resolution><tt:Width>${p.width}</tt:Width><tt:Height>${p.height}</tt:Height></tt:Resolution><tt:Quality>5</tt:Quality><tt:RateControl><tt:FrameRateLimit>25</tt:FrameRateLimit><tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>4096</tt:BitrateLimit></tt:RateControl></tt:VideoEncoderConfiguration>` +
              (this.presets.length ? `<tt:PTZConfiguration token="ptz-1"><tt:Name>PTZ</tt:Name><tt:UseCount>${this.profiles.length}</tt:UseCount><tt:NodeToken>ptz-node-1</tt:NodeToken></tt:PTZConfiguration>` : '') +
              `</trt:Profiles>`,
          )
          .join('')}</trt:GetProfilesResponse>`;
      case 'GetStreamUri':
      case 'GetSnapshotUri': {
        const token = field(xml, 'ProfileToken');
        const index = this.profiles.findIndex((p) => p.token === token);
        if (index < 0) throw new Error(`no profile ${token}`);
        const host = new URL(this.base).hostname;
        const userinfo = o.credentialsInStreamUri ? `${encodeURIComponent(o.username)}:${encodeURIComponent(o.password)}@` : '';
        const uri = action === 'GetStreamUri' ? `rtsp://${userinfo}${host}:${o.rtspPort ?? 554}/Streaming/Channels/${101 + index}` : `${this.base}/onvif/snapshot/${index + 1}.jpg`;
        return `<trt:${action}Response><trt:MediaUri><tt:Uri>${esc(uri)}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:${action}Response>`;
      }
      case 'GetPresets':
        if (!this.presets.length) return null;
        return `<tptz:GetPresetsResponse>${this.presets.map((p) => `<tptz:Preset token="${esc(p.token)}"><tt:Name>${esc(p.name)}</tt:Name></tptz:Preset>`).join('')}</tptz:GetPresetsResponse>`;
      case 'GotoPreset': {
        const profileToken = field(xml, 'ProfileToken') ?? '';
        const presetToken = field(xml, 'PresetToken') ?? '';
        if (!this.presets.some((p) => p.token === presetToken)) throw new Error(`no preset ${presetToken}`);
        this.gotoPresets.push({ profileToken, presetToken });
        return '<tptz:GotoPresetResponse/>';
      }
      case 'CreatePullPointSubscription': {
        const id = randomUUID();
        const lifetime = durationMs(field(xml, 'InitialTerminationTime')) ?? 60_000;
        this.subscriptions.set(id, { id, queue: [], terminationMs: this.now() + lifetime, waiting: null });
        return `<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference><wsa5:Address>${this.base}/onvif/subscription/${id}</wsa5:Address></tev:SubscriptionReference><wsnt:CurrentTime>${iso(this.now())}</wsnt:CurrentTime><wsnt:TerminationTime>${iso(this.now() + lifetime)}</wsnt:TerminationTime></tev:CreatePullPointSubscriptionResponse>`;
      }
      case 'PullMessages':
      case 'Renew':
      case 'Unsubscribe': {
        const sub = this.subscriptions.get(path.split('/').pop() ?? '');
        if (!sub) throw new Error('no such subscription (it ended or the camera restarted)');
        if (action === 'Unsubscribe') {
          sub.waiting?.resolve();
          this.subscriptions.delete(sub.id);
          return '<wsnt:UnsubscribeResponse/>';
        }
        if (action === 'Renew') {
          sub.terminationMs = this.now() + (durationMs(field(xml, 'TerminationTime')) ?? 60_000);
          return `<wsnt:RenewResponse><wsnt:TerminationTime>${iso(sub.terminationMs)}</wsnt:TerminationTime><wsnt:CurrentTime>${iso(this.now())}</wsnt:CurrentTime></wsnt:RenewResponse>`;
        }
        const limit = Number(field(xml, 'MessageLimit') ?? 10);
        if (!sub.queue.length) await this.waitForEvents(sub, Math.min(durationMs(field(xml, 'Timeout')) ?? 60_000, o.maxPullWaitMs ?? 60_000));
        const messages = sub.queue.splice(0, limit);
        return `<tev:PullMessagesResponse><tev:CurrentTime>${iso(this.now())}</tev:CurrentTime><tev:TerminationTime>${iso(sub.terminationMs)}</tev:TerminationTime>${messages.map(notification).join('')}</tev:PullMessagesResponse>`;
      }
      default:
        return null;
    }
  }

  /** A long poll: until an event is queued, the subscription ends, or the wait is over. */
  private waitForEvents(sub: Subscription, ms: number) {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sub.waiting = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      sub.waiting = { resolve: done, timer };
    });
  }
}

function notification(e: OnvifEvent): string {
  const items = (kind: 'Source' | 'Data', values: Record<string, string> | undefined) =>
    `<tt:${kind}>${Object.entries(values ?? {})
      .map(([name, value]) => `<tt:SimpleItem Name="${esc(name)}" Value="${esc(value)}"/>`)
      .join('')}</tt:${kind}>`;
  return (
    `<wsnt:NotificationMessage><wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">${esc(e.topic)}</wsnt:Topic>` +
    `<wsnt:Message><tt:Message UtcTime="${esc(e.utcTime!)}" PropertyOperation="${e.operation ?? 'Changed'}">${items('Source', e.source)}${items('Data', e.data)}</tt:Message></wsnt:Message></wsnt:NotificationMessage>`
  );
}
