import http from 'node:http';
import { Cam } from 'onvif';

/**
 * What the platform asks of an ONVIF camera, over the `onvif` package (agsh/onvif, callback API).
 * Its `connect()` is not used: it also reads the video sources and *throws* from inside a socket
 * callback on a camera whose profiles name no source (an uncaught exception, not an error), and
 * its own event loop (started by an `event` listener) keeps timers nobody can clear. So the steps
 * are run here one by one, and the pull loop is ours (onvif-pull.ts), over the package's calls.
 * Every camera gets its own keep-alive-free HTTP agent, so stopping it aborts what is in flight.
 */
export interface OnvifTarget {
  host: string;
  port: number;
  username: string;
  password: string;
}

export interface OnvifProfile {
  token: string;
  name: string;
  encoding: string | null;
  width: number | null;
  height: number | null;
  /** RTSP URI with any user:password the camera put in it removed. */
  streamUri: string | null;
  hasPtz: boolean;
}

export interface OnvifProbe {
  manufacturer: string | null;
  model: string | null;
  firmware: string | null;
  serial: string | null;
  profiles: OnvifProfile[];
  snapshotUri: string | null;
  /** PTZ presets of the main profile (token and name); empty without PTZ. */
  presets: { token: string; name: string }[];
  hasPtz: boolean;
  /** Camera clock minus ours, from GetSystemDateAndTime. */
  clockOffsetMs: number | null;
}

/** Why talking to the camera failed, in words an installer can act on. */
export class OnvifError extends Error {
  constructor(
    readonly reason: 'unreachable' | 'unauthorized' | 'not_onvif' | 'refused',
    message: string,
  ) {
    super(message);
  }
}

/** The SOAP calls are callbacks `(err, data, xml)`; this awaits one. */
function call<T = any>(fn: (cb: (err: Error | null, data?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, data) => (err ? reject(err) : resolve(data as T))));
}

/** The same, with the answer's XML as it came. */
function callXml<T = any>(fn: (cb: (err: Error | null, data?: T, xml?: string) => void) => void): Promise<{ data: T; xml: string }> {
  return new Promise((resolve, reject) => fn((err, data, xml) => (err ? reject(err) : resolve({ data: data as T, xml: xml ?? '' }))));
}

/**
 * The package's parser turns every text that looks like a number into one ("007" → 7), so tokens
 * and serial numbers are read from the XML as sent: a preset "01" must be called as "01".
 */
const unescape = (v: string) => v.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
function attributeOf(xml: string, element: string, attribute: string): string[] {
  const re = new RegExp(`<(?:[\\w-]+:)?${element}\\b[^>]*?\\b${attribute}="([^"]*)"`, 'g');
  return [...xml.matchAll(re)].map((m) => unescape(m[1]!));
}
function textOf(xml: string, element: string): string | null {
  const m = new RegExp(`<(?:[\\w-]+:)?${element}>([^<]*)</`).exec(xml);
  return m ? unescape(m[1]!.trim()) : null;
}

const str = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : typeof v === 'object' ? null : String(v));
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null);
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** An RTSP (or HTTP) URI without the user:password some cameras put in it. */
export function withoutCredentials(uri: string | null): string | null {
  if (!uri) return null;
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** One camera's connection: the `onvif` Cam and the agent its sockets belong to. */
export class OnvifConnection {
  readonly cam: InstanceType<typeof Cam>;
  private readonly agent = new http.Agent({ keepAlive: false });

  constructor(
    readonly target: OnvifTarget,
    timeoutMs: number,
  ) {
    this.cam = new Cam({
      hostname: target.host,
      port: target.port,
      username: target.username,
      password: target.password,
      timeout: timeoutMs,
      autoconnect: false,
      // Services at the address the installer entered, not the LAN address the camera advertises (NAT, port forwarding).
      preserveAddress: true,
      agent: this.agent,
    });
  }

  /** Learns the camera's clock (WS-Security timestamps use it) and where its services are. */
  async open(): Promise<number | null> {
    const time = await call<Date>((cb) => this.cam.getSystemDateAndTime(cb));
    try {
      await call((cb) => this.cam.getServices(true, cb));
    } catch {
      // Cameras older than ONVIF 2.x know only GetCapabilities.
      await call((cb) => this.cam.getCapabilities(cb));
    }
    return time instanceof Date ? time.getTime() - Date.now() : null;
  }

  /** Device information, profiles with their stream URIs, the snapshot URI and the PTZ presets. */
  async probe(): Promise<OnvifProbe> {
    const clockOffsetMs = await this.open();
    const info = await callXml<Record<string, unknown>>((cb) => this.cam.getDeviceInformation(cb));
    const raw = await callXml<any[]>((cb) => this.cam.getProfiles(cb));
    const profileTokens = attributeOf(raw.xml, 'Profiles', 'token');
    const hasPtzService = Boolean(this.cam.uri?.ptz);
    const profiles: OnvifProfile[] = [];
    for (const [i, p] of (raw.data ?? []).entries()) {
      const token = profileTokens.length === raw.data.length ? profileTokens[i]! : str(p?.$?.token);
      if (!token) continue;
      const enc = p.videoEncoderConfiguration ?? {};
      const stream = await call<{ uri?: unknown }>((cb) => this.cam.getStreamUri({ protocol: 'RTSP', profileToken: token }, cb)).catch(() => null);
      profiles.push({
        token,
        name: str(p.name) ?? token,
        encoding: str(enc.encoding),
        width: num(enc.resolution?.width),
        height: num(enc.resolution?.height),
        streamUri: withoutCredentials(str(stream?.uri)),
        hasPtz: hasPtzService && Boolean(p.PTZConfiguration),
      });
    }
    const main = profiles[0];
    const snapshot = main ? await call<{ uri?: unknown }>((cb) => this.cam.getSnapshotUri({ profileToken: main.token }, cb)).catch(() => null) : null;
    const hasPtz = Boolean(main?.hasPtz);
    let presets: { token: string; name: string }[] = [];
    if (hasPtz && main) {
      const answer = await callXml((cb) => this.cam.getPresets({ profileToken: main.token }, cb));
      // Each <Preset token="…"><Name>…</Name>, in the camera's order (the package's answer is keyed by name, which need not be unique).
      presets = [...answer.xml.matchAll(/<(?:[\w-]+:)?Preset\b[^>]*?\btoken="([^"]*)"[^>]*>([\s\S]*?)<\/(?:[\w-]+:)?Preset>/g)].map((m) => {
        const token = unescape(m[1]!);
        return { token, name: textOf(m[2]!, 'Name') ?? token };
      });
    }
    return {
      manufacturer: textOf(info.xml, 'Manufacturer') ?? str(info.data?.manufacturer),
      model: textOf(info.xml, 'Model') ?? str(info.data?.model),
      firmware: textOf(info.xml, 'FirmwareVersion') ?? str(info.data?.firmwareVersion),
      serial: textOf(info.xml, 'SerialNumber') ?? str(info.data?.serialNumber),
      profiles,
      snapshotUri: withoutCredentials(str(snapshot?.uri)),
      presets,
      hasPtz,
      clockOffsetMs,
    };
  }

  async gotoPreset(profileToken: string, presetToken: string): Promise<void> {
    await call((cb) => this.cam.gotoPreset({ profileToken, preset: presetToken }, cb));
  }

  /** Aborts every request in flight and closes the sockets. */
  close() {
    this.agent.destroy();
  }
}

/** Connects, reads what the camera is, and closes: the answer or an OnvifError. */
export async function probeCamera(target: OnvifTarget, timeoutMs: number): Promise<OnvifProbe> {
  const conn = new OnvifConnection(target, timeoutMs);
  try {
    return await withDeadline(conn.probe(), timeoutMs * 3, `${target.host}:${target.port}`);
  } catch (err) {
    throw explain(err, target);
  } finally {
    conn.close();
  }
}

/** Rejects after `ms` (a camera that accepts the connection and then says nothing). */
export function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer from ${what} within ${Math.round(ms / 1000)} s`), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** The package's errors (socket codes, SOAP faults, HTTP 401) as one of our reasons. */
export function explain(err: unknown, target: Pick<OnvifTarget, 'host' | 'port'>): OnvifError {
  if (err instanceof OnvifError) return err;
  const e = err as Error & { code?: string };
  const at = `${target.host}:${target.port}`;
  const message = e?.message ?? String(err);
  switch (e?.code) {
    case 'ECONNREFUSED':
      return new OnvifError('unreachable', `nothing answers at ${at} (connection refused): check the address and the ONVIF port (often 80, 8000 or 8080)`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new OnvifError('unreachable', `${at} cannot be reached from the server (${e.code}): check the address and the network between them`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new OnvifError('unreachable', `the host name ${target.host} does not resolve (${e.code})`);
    case 'ETIMEDOUT':
    case 'ECONNRESET':
      return new OnvifError('unreachable', `${at} did not answer in time (${message})`);
  }
  if (/Network timeout/i.test(message)) return new OnvifError('unreachable', `${at} did not answer in time`);
  if (/not ?authori[sz]ed|Digest authentication failed|401/i.test(message)) {
    return new OnvifError('unauthorized', `the camera at ${at} refused the username or password (${message.replace(/^ONVIF SOAP Fault: /, '')}); check them, and that the user exists in the camera's ONVIF user list (many cameras keep it apart from the web login)`);
  }
  if (/Wrong ONVIF SOAP response/i.test(message)) return new OnvifError('not_onvif', `${at} answered, but not as an ONVIF device service (is this the camera's ONVIF port?)`);
  return new OnvifError('refused', `the camera at ${at} refused: ${message.replace(/^ONVIF SOAP Fault: /, '')}`);
}
