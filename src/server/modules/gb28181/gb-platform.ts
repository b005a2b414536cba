import { randomBytes } from 'node:crypto';
import os from 'node:os';
import sip, { type SipMessage } from 'sip';
import type { GbCatalogSync, GbDeviceInfo, GbDeviceStatus, GbExchange, GbExchangeKind } from '../../../shared/gb28181.ts';
import { parseGbId } from '../../../shared/gb28181-id.ts';
import { DigestNonces, challengeHeader, credentialsOf, responseMatches } from '../../adapters/gb28181/digest.ts';
import { MANSCDP_CONTENT_TYPE, ManscdpError, buildManscdp, decodeBody, parseManscdp, text, type ManscdpMessage } from '../../adapters/gb28181/manscdp.ts';
import type { SipPeer, SipTransport } from '../../adapters/gb28181/sip-transport.ts';
import { buildOffer, parseAnswer, type MediaAnswer, type MediaTransport, type TcpSetup } from '../../adapters/gb28181/sdp.ts';
import type { Clock } from '../../clock.ts';
import type { ModuleDb } from '../../store/tables.ts';
import type { Device } from '../../../shared/devices.ts';
import type { DevicesService } from '../devices/index.ts';
import type { DeviceHealthService } from '../health/index.ts';
import type { DeviceCredentialsService, IngestService } from '../ingest/index.ts';
import { SYSTEM_ACTOR } from '../../http/policy.ts';
import { ptzPreset } from '../../adapters/gb28181/ptz.ts';
import { gbLocalTime, mapGbAlarm } from './gb-alarms.ts';
import { PagedAnswers, catalogPage, channelDevice, channelKind, recordPage, type CatalogItem, type GbRecord } from './gb-catalog.ts';
import { GbDevicesRepository, type GbRegistration } from './gb-devices.repository.ts';

export interface GbPlatformOptions {
  /** The platform's 20-digit id and its SIP domain (the digest realm). */
  platformId: string;
  domain: string;
  keepaliveS: number;
  offlineAfterMissed: number;
  /** Address put in Via and From of what the platform sends (devices answer to the packet's source anyway). */
  advertisedHost?: string;
}

/** Registration lifetimes accepted; a device asking for more gets the maximum (GB/T 28181 suggests 86,400 s). */
const MIN_EXPIRES_S = 30;
const MAX_EXPIRES_S = 86_400;
/** Unknown ids that tried to register, kept in memory only (nothing stored for senders who are nobody). */
const MAX_UNKNOWN = 200;
/** How long an answer to a request the platform sent is awaited (UDP retransmits meanwhile, RFC 3261 timer F). */
const REQUEST_TIMEOUT_MS = 32_000;
/** How long the pages of a catalog are awaited after the device accepted the query. */
const CATALOG_TIMEOUT_MS = 30_000;
/** How long the answer of other queries (DeviceInfo, DeviceStatus, RecordInfo) is awaited. */
const QUERY_TIMEOUT_MS = 15_000;
/** How long a device has to answer an INVITE (a viewer waits for it). */
const INVITE_TIMEOUT_MS = 8_000;

/** A query the device refused (its SIP status) or did not answer (408). */
export class GbQueryError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** What identifies a request inside a dialog (or names its target channel). */
interface DialogFields {
  targetGbId?: string;
  uri?: string;
  callId?: string;
  fromTag?: string;
  toTag?: string;
  cseq?: number;
  timeoutMs?: number;
}

/** A media stream a device agreed to send (an INVITE dialog). */
export interface GbMediaSession {
  ssrc: string;
  callId: string;
  answer: MediaAnswer;
  /** Ends the stream (BYE); safe to call twice. */
  bye(): Promise<void>;
  /**
   * Set by the receiver: called when the device ends the stream itself — a BYE, or for playback
   * the end of the recording (MediaStatus 121, after which the platform sends BYE).
   */
  onEnded: ((why: 'hangup' | 'end_of_file') => void) | null;
}

interface Pending {
  resolve(m: SipMessage): void;
  reject(err: Error): void;
  timers: NodeJS.Timeout[];
}

/** A linkage command as the action executor sends it. */
export interface GbCommand {
  id: string;
  command: string;
  preset?: unknown;
}

/** What a catalog query did to the ledger. */
export type CatalogSync = GbCatalogSync;

export interface GbPlatformStats {
  registrations: number;
  challenges: number;
  refused: number;
  keepalives: number;
  alarms: number;
  badMessages: number;
}

/** Beijing local time as GB/T 28181 writes it in `Date:` and MANSCDP times: 2026-12-06T22:10:00.123 */
export function gbDate(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 23);
}

const userOf = (uri: string | undefined) => (uri ? (sip.parseUri(uri)?.user ?? '') : '');

/**
 * The platform side of GB/T 28181 (the SIP server devices register with): digest registration,
 * keepalives into device health, alarm notifications into the normal ingest path, and the
 * requests the platform sends (alarm acknowledgement; catalog and control build on it).
 * Every refusal is answered with a SIP status and a reason an installer can act on, and kept as
 * the device's last exchange (diagnostics); an unknown sender costs a counter, not a row.
 */
export class GbPlatform {
  private transport: SipTransport | null = null;
  private readonly nonces = new DigestNonces();
  private readonly repo = new GbDevicesRepository();
  /** Current registrations by GB id (a device registers under its id; channels do not register). */
  private readonly registrations = new Map<string, GbRegistration & { expiresAtMs: number }>();
  /** The same registrations by ledger device id (commands are addressed to devices). */
  private readonly registrationsByDevice = new Map<string, GbRegistration & { expiresAtMs: number }>();
  private readonly pending = new Map<string, Pending>();
  /** GB ids that tried to register without being in the ledger: id → last attempt. */
  readonly unknownDevices = new Map<string, { at: string; seenFrom: string }>();
  readonly stats: GbPlatformStats = { registrations: 0, challenges: 0, refused: 0, keepalives: 0, alarms: 0, badMessages: 0 };
  private sn = 1;
  private readonly host: string;
  private readonly catalogs = new PagedAnswers<CatalogItem>((item) => item.gbId);
  private readonly records = new PagedAnswers<GbRecord>((r) => `${r.channelId}/${r.start}/${r.end}/${r.filePath ?? ''}`);
  /** One-message answers (DeviceInfo, DeviceStatus). */
  private readonly singles = new PagedAnswers<Record<string, unknown>>(() => 'answer');
  /** Channels their parent's last catalog reported ON, by parent device: the parent's keepalive keeps them online. */
  private readonly liveChannels = new Map<string, string[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Devices whose catalog changes are subscribed: GB id → until (ms). */
  private readonly catalogSubscriptions = new Map<string, number>();
  /** Open media sessions by Call-ID: how to tell their receivers the device hung up. */
  private readonly sessionEnds = new Map<string, () => void>();
  /** Playback sessions by Call-ID with their channel: MediaStatus names the channel, not the call. */
  private readonly playbacks = new Map<string, { channelGbId: string; media: GbMediaSession }>();
  private ssrcSeq = 0;

  constructor(
    private readonly db: ModuleDb<'gb28181'>,
    private readonly devices: Pick<DevicesService, 'byGbIds' | 'byIds' | 'create'>,
    private readonly credentials: Pick<DeviceCredentialsService, 'sipKeys'>,
    private readonly ingest: Pick<IngestService, 'ingestParsed' | 'recordRefused'>,
    private readonly health: Pick<DeviceHealthService, 'markSeen' | 'markGone'>,
    private readonly clock: Clock,
    private readonly opts: GbPlatformOptions,
  ) {
    this.host = opts.advertisedHost ?? firstExternalIPv4() ?? '127.0.0.1';
  }

  /** The SIP transport the platform answers and sends on (bound by the composition root). */
  attach(transport: SipTransport) {
    this.transport = transport;
  }

  /** Registrations that were valid at the last stop remain valid: devices need not re-register after a restart. */
  async load(): Promise<number> {
    for (const r of await this.repo.active(this.db, this.clock.nowIso())) this.remember({ ...r, expiresAtMs: Date.parse(r.expiresAt) });
    for (const c of await this.repo.onlineChannels(this.db)) this.liveChannels.set(c.parentDeviceId, [...(this.liveChannels.get(c.parentDeviceId) ?? []), c.deviceId]);
    return this.registrations.size;
  }

  /** The address the platform names in what it sends (also where cameras send media by default). */
  get advertisedHost(): string {
    return this.host;
  }

  registrationOf(gbId: string) {
    const r = this.registrations.get(gbId);
    return r && r.expiresAtMs > this.clock.now() ? r : undefined;
  }

  get registeredCount(): number {
    return this.registrations.size;
  }

  /** Channels (cameras, alarm inputs) that registered recorders report ON. */
  get onlineChannelCount(): number {
    let n = 0;
    for (const list of this.liveChannels.values()) n += list.length;
    return n;
  }

  /** Entry point of every SIP message (the transport's handler). */
  handle(message: SipMessage, peer: SipPeer): void {
    if (message.status) {
      this.onResponse(message);
      return;
    }
    void this.onRequest(message, peer).catch((err) => {
      console.error('GB/T 28181 request failed', err);
      this.reply(message, peer, 500, 'Server Internal Error');
    });
  }

  private async onRequest(req: SipMessage, peer: SipPeer) {
    switch (req.method) {
      case 'REGISTER':
        return this.onRegister(req, peer);
      case 'MESSAGE':
      case 'NOTIFY': // catalog changes of a subscription arrive as NOTIFY (some devices use MESSAGE)
        return this.onMessage(req, peer);
      case 'OPTIONS':
        return this.reply(req, peer, 200, 'OK', { allow: 'REGISTER, MESSAGE, NOTIFY, OPTIONS, ACK, BYE' });
      case 'ACK':
        return; // ACKs get no answer
      case 'BYE':
        return this.onBye(req, peer);
      default:
        return this.reply(req, peer, 405, 'Method Not Allowed', { allow: 'REGISTER, MESSAGE, NOTIFY, OPTIONS, ACK, BYE' });
    }
  }

  // ---- registration (GB/T 28181 §9.1) ----

  private async onRegister(req: SipMessage, peer: SipPeer) {
    const gbId = userOf(req.headers.from?.uri) || userOf(req.headers.to?.uri);
    if (!parseGbId(gbId).ok) return this.reply(req, peer, 400, 'Bad Request', { warning: warn(`From must name the device's 20-digit GB/T 28181 id, not "${gbId}"`) });
    const expires = expiresOf(req);
    if (expires === null) return this.reply(req, peer, 400, 'Bad Request', { warning: warn('Expires is missing (header or Contact parameter)') });
    const creds = credentialsOf(req.headers.authorization);
    const nowMs = this.clock.now();
    if (!creds) return this.challenge(req, peer, nowMs, false);
    const nonce = this.nonces.check(creds.nonce, nowMs);
    if (nonce !== 'ok') return this.challenge(req, peer, nowMs, nonce === 'stale');

    const candidates = await this.devices.byGbIds([gbId]);
    if (!candidates.length) {
      this.rememberUnknown(gbId, peer);
      return this.refuse(req, peer, 403, `no device with GB id ${gbId} in the ledger`);
    }
    const keys = await this.credentials.sipKeys(candidates.map((d) => d.id));
    const device = candidates.find((d) => {
      const key = keys.get(d.id);
      return key && key.realm === this.opts.domain && responseMatches(key.ha1, 'REGISTER', creds);
    });
    if (!device) {
      // Refusals of a known device are its diagnostics: "注册不上" needs the reason, not a guess.
      const reason = this.whyRefused(candidates, keys, creds.username, gbId);
      for (const d of candidates) await this.repo.recordExchange(this.db, d.id, d.universityId, gbId, 'register', this.exchange('refused', 403, reason, peer, req));
      return this.refuse(req, peer, 403, reason);
    }
    if (device.status === 'retired') {
      const reason = 'the device is retired in the ledger (报废)';
      await this.repo.recordExchange(this.db, device.id, device.universityId, gbId, 'register', this.exchange('refused', 403, reason, peer, req));
      return this.refuse(req, peer, 403, reason);
    }

    const now = new Date(nowMs).toISOString();
    if (expires === 0) {
      this.forget(gbId);
      await this.repo.endRegistration(this.db, device.id, device.universityId, gbId, this.exchange('ok', 200, 'unregistered (Expires: 0)', peer, req), now);
      await this.health.markGone(device.id);
      return this.reply(req, peer, 200, 'OK', { date: gbDate(nowMs), expires: '0' });
    }
    const granted = Math.min(Math.max(expires, MIN_EXPIRES_S), MAX_EXPIRES_S);
    const reg: GbRegistration & { expiresAtMs: number } = {
      deviceId: device.id,
      universityId: device.universityId,
      gbId,
      transport: peer.transport,
      address: peer.address,
      port: peer.port,
      contact: contactOf(req),
      gbVersion: headerText(req, 'x-gb-ver'),
      userAgent: headerText(req, 'user-agent'),
      registeredAt: now,
      expiresAt: new Date(nowMs + granted * 1000).toISOString(),
      expiresAtMs: nowMs + granted * 1000,
    };
    const previous = this.registrationOf(gbId);
    this.remember(reg);
    await this.repo.saveRegistration(this.db, reg, this.exchange('ok', 200, `registered for ${granted} s`, peer, req), now);
    this.health.markSeen(device.id, device.universityId, nowMs, this.silenceMs);
    this.stats.registrations++;
    this.reply(req, peer, 200, 'OK', { date: gbDate(nowMs), expires: String(granted), ...(req.headers.contact ? { contact: req.headers.contact } : {}) });
    // A device that (re)appears is asked what it has; a refresh from the same address is not.
    if (!previous || previous.address !== reg.address || previous.port !== reg.port) {
      void this.queryCatalog(reg)
        .then(() => this.subscribeCatalog(reg, granted))
        .catch(() => undefined);
    }
  }

  private whyRefused(candidates: Device[], keys: Map<string, { ha1: string; realm: string }>, username: string, gbId: string): string {
    if (username !== gbId) return `the digest username "${username}" is not the device id ${gbId}`;
    const withKeys = candidates.filter((d) => keys.has(d.id));
    if (!withKeys.length) return 'no SIP credentials were issued for this device (issue them on the device page)';
    const realms = [...new Set(withKeys.map((d) => keys.get(d.id)!.realm))];
    if (!realms.includes(this.opts.domain)) return `the credentials were issued for SIP domain ${realms.join(', ')}, the platform's is ${this.opts.domain}: issue them again`;
    return 'wrong password (the digest response does not match the issued credentials)';
  }

  private challenge(req: SipMessage, peer: SipPeer, nowMs: number, stale: boolean) {
    this.stats.challenges++;
    this.reply(req, peer, 401, 'Unauthorized', { 'www-authenticate': [challengeHeader(this.opts.domain, this.nonces.issue(nowMs), stale)] });
  }

  private refuse(req: SipMessage, peer: SipPeer, status: number, reason: string) {
    this.stats.refused++;
    this.reply(req, peer, status, status === 403 ? 'Forbidden' : 'Bad Request', { warning: warn(reason) });
  }

  private rememberUnknown(gbId: string, peer: SipPeer) {
    this.unknownDevices.delete(gbId);
    this.unknownDevices.set(gbId, { at: this.clock.nowIso(), seenFrom: `${peer.transport} ${peer.address}:${peer.port}` });
    if (this.unknownDevices.size > MAX_UNKNOWN) this.unknownDevices.delete(this.unknownDevices.keys().next().value!);
  }

  private get silenceMs() {
    return this.opts.keepaliveS * this.opts.offlineAfterMissed * 1000;
  }

  // ---- MESSAGE (MANSCDP, GB/T 28181 §A) ----

  private async onMessage(req: SipMessage, peer: SipPeer) {
    const gbId = userOf(req.headers.from?.uri);
    const reg = this.registrationOf(gbId);
    // Only a registered device, from the address it registered from, is listened to: a spoofed
    // datagram costs a counter.
    if (!reg) return this.refuse(req, peer, 403, `device ${gbId || '(no id)'} is not registered: REGISTER first`);
    if (reg.address !== peer.address) return this.refuse(req, peer, 403, `device ${gbId} registered from ${reg.address}, not ${peer.address}: REGISTER again`);
    const raw = Buffer.from(req.content ?? '', 'binary');
    let msg: ManscdpMessage;
    try {
      msg = parseManscdp(decodeBody(req.content ?? '', headerText(req, 'content-type') ?? undefined));
    } catch (err) {
      if (!(err instanceof ManscdpError)) throw err;
      return this.badMessage(req, peer, reg, raw, err.message, 'body');
    }
    const nowMs = this.clock.now();
    const key = `${msg.root}/${msg.cmdType}`;
    switch (key) {
      case 'Notify/Keepalive':
        return this.onKeepalive(req, peer, reg, msg, nowMs);
      case 'Notify/Alarm':
        return this.onAlarm(req, peer, reg, msg, raw, nowMs);
      case 'Response/Catalog':
        this.reply(req, peer, 200, 'OK');
        this.catalogs.add(reg.gbId, msg.sn, catalogPage(msg.body));
        return;
      case 'Notify/Catalog':
        // Answered once applied: the device may take 200 as "the platform knows".
        await this.onCatalogChange(reg, catalogPage(msg.body).items, peer);
        return this.reply(req, peer, 200, 'OK');
      case 'Response/RecordInfo':
        this.reply(req, peer, 200, 'OK');
        this.records.add(reg.gbId, msg.sn, recordPage(msg.body, msg.deviceId));
        return;
      case 'Notify/MediaStatus':
        this.reply(req, peer, 200, 'OK');
        // 121: the recording played back has ended (§9.8.2); the platform ends the session.
        if (text(msg.body.NotifyType) === '121') this.endPlaybacks(msg.deviceId);
        return;
      case 'Response/DeviceInfo':
      case 'Response/DeviceStatus':
        this.reply(req, peer, 200, 'OK');
        this.singles.add(reg.gbId, msg.sn, { sumNum: 1, items: [msg.body] });
        return;
      default:
        return this.badMessage(req, peer, reg, raw, `<${msg.root}> with CmdType ${msg.cmdType} is not supported`, 'CmdType');
    }
  }

  private async badMessage(req: SipMessage, peer: SipPeer, reg: GbRegistration, raw: Buffer, reason: string, field: string) {
    this.stats.badMessages++;
    this.reply(req, peer, 400, 'Bad Request', { warning: warn(reason) });
    await this.ingest.recordRefused(raw, { source: 'gb28181', deviceId: reg.deviceId }, reason, field);
    await this.repo.recordExchange(this.db, reg.deviceId, reg.universityId, reg.gbId, 'message', this.exchange('refused', 400, reason, peer, req));
  }

  private async onKeepalive(req: SipMessage, peer: SipPeer, reg: GbRegistration, msg: ManscdpMessage, nowMs: number) {
    this.stats.keepalives++;
    this.health.markSeen(reg.deviceId, reg.universityId, nowMs, this.silenceMs);
    for (const channel of this.liveChannels.get(reg.deviceId) ?? []) this.health.markSeen(channel, reg.universityId, nowMs, this.silenceMs);
    const status = text(msg.body.Status);
    const exchange = this.exchange(status === 'OK' ? 'ok' : 'failed', 200, status === 'OK' ? 'keepalive' : `keepalive with Status ${status || '(none)'}`, peer, req);
    await this.repo.recordExchange(this.db, reg.deviceId, reg.universityId, reg.gbId, 'keepalive', exchange, { last_keepalive_at: exchange.at });
    // Answered once recorded, so what the device was told is what the diagnostics show.
    this.reply(req, peer, 200, 'OK');
  }

  private async onAlarm(req: SipMessage, peer: SipPeer, reg: GbRegistration, msg: ManscdpMessage, raw: Buffer, nowMs: number) {
    // The channel that raised it (a camera or alarm input of this NVR), or the device itself.
    const [channel] = msg.deviceId === reg.gbId ? [] : (await this.devices.byGbIds([msg.deviceId])).filter((d) => d.universityId === reg.universityId);
    const target = msg.deviceId === reg.gbId ? { id: reg.deviceId, kind: null } : channel;
    if (!target) return this.badMessage(req, peer, reg, raw, `alarm from channel ${msg.deviceId}, which is not in the ledger`, 'DeviceID');
    const mapped = mapGbAlarm(msg.body, msg.sn, channel?.kind ?? null);
    if (!mapped.ok) return this.badMessage(req, peer, reg, raw, mapped.reason, mapped.field);
    const result = await this.ingest.ingestParsed(mapped.envelope, { source: 'gb28181', deviceId: target.id }, raw);
    if (result.status === 'rejected') {
      this.stats.badMessages++;
      this.reply(req, peer, 400, 'Bad Request', { warning: warn(result.reason) });
      return this.repo.recordExchange(this.db, reg.deviceId, reg.universityId, reg.gbId, 'alarm', this.exchange('refused', 400, result.reason, peer, req));
    }
    // Answered only once stored: a device that hears 200 may forget the alarm.
    this.reply(req, peer, 200, 'OK');
    this.stats.alarms++;
    this.health.markSeen(reg.deviceId, reg.universityId, nowMs, this.silenceMs);
    const alarmAt = gbLocalTime(text(msg.body.AlarmTime));
    const offset = alarmAt ? Date.parse(alarmAt) - nowMs : null;
    await this.repo.recordExchange(this.db, reg.deviceId, reg.universityId, reg.gbId, 'alarm', this.exchange('ok', 200, `${mapped.envelope.kind} (${result.status})`, peer, req), {
      clock_offset_ms: offset === null ? null : Math.round(offset),
    });
    // GB/T 28181 §9.4: the platform confirms the alarm with a Response MESSAGE.
    void this.request(reg, 'MESSAGE', buildManscdp('Response', { CmdType: 'Alarm', SN: msg.sn, DeviceID: msg.deviceId, Result: 'OK' })).catch(() => undefined);
  }

  private exchange(result: GbExchange['result'], status: number, reason: string, peer: SipPeer, req: SipMessage): GbExchange {
    const via = req.headers.via?.[0];
    return {
      at: this.clock.nowIso(),
      result,
      status,
      reason,
      seenFrom: `${peer.transport} ${peer.address}:${peer.port}`,
      declared: contactOf(req) ?? (via ? `${via.protocol} ${via.host}:${via.port ?? 5060}` : null),
    };
  }

  // ---- catalog (GB/T 28181 §9.5): channels become ledger devices ----

  /**
   * Sends a Query and gathers its answer: the device's 200, then one or more Response MESSAGEs
   * with the query's SN (until SumNum items, or the timeout: then what came is returned as incomplete).
   */
  private async ask<T>(reg: GbRegistration, answers: PagedAnswers<T>, fields: { CmdType: string; DeviceID: string } & Record<string, unknown>, timeoutMs = QUERY_TIMEOUT_MS): Promise<{ items: T[]; complete: boolean }> {
    const sn = this.sn++;
    let timer: NodeJS.Timeout | undefined;
    const pages = new Promise<{ items: T[]; complete: boolean }>((resolve) => {
      answers.expect(reg.gbId, sn, (items) => resolve({ items, complete: true }));
      timer = setTimeout(() => resolve({ items: answers.cancel(reg.gbId, sn), complete: false }), timeoutMs).unref();
      this.timers.add(timer);
    });
    const done = () => {
      clearTimeout(timer);
      this.timers.delete(timer!);
    };
    try {
      const answer = await this.request(reg, 'MESSAGE', buildManscdp('Query', { CmdType: fields.CmdType, SN: sn, ...withoutCmdType(fields) }));
      if (answer.status !== 200) throw new GbQueryError(answer.status!, `${fields.CmdType} query answered ${answer.status} ${answer.reason ?? ''}`.trim());
    } catch (err) {
      answers.cancel(reg.gbId, sn);
      done();
      throw err instanceof GbQueryError ? err : new GbQueryError(408, `${fields.CmdType} query: ${(err as Error).message}`);
    }
    const result = await pages;
    done();
    return result;
  }

  /** Asks a registered device for its channels, gathers every page, and brings them into the ledger. */
  async queryCatalog(reg: GbRegistration): Promise<CatalogSync> {
    const seenFrom = `${reg.transport} ${reg.address}:${reg.port}`;
    let answer: { items: CatalogItem[]; complete: boolean };
    try {
      answer = await this.ask(reg, this.catalogs, { CmdType: 'Catalog', DeviceID: reg.gbId }, CATALOG_TIMEOUT_MS);
    } catch (err) {
      const e = err as GbQueryError;
      await this.repo.recordExchange(this.db, reg.deviceId, reg.universityId, reg.gbId, 'catalog', { at: this.clock.nowIso(), result: 'failed', status: e.status ?? 500, reason: e.message, seenFrom, declared: reg.contact });
      throw err;
    }
    const { items, complete } = answer;
    const sync = await this.syncChannels(reg, items, complete);
    const reason = `${items.length} channels${complete ? '' : ' (incomplete: the device stopped sending pages)'}, ${sync.created} new in the ledger${sync.unclassified.length ? `, ${sync.unclassified.length} to classify by hand` : ''}`;
    await this.repo.recordExchange(this.db, reg.deviceId, reg.universityId, reg.gbId, 'catalog', { at: this.clock.nowIso(), result: complete ? 'ok' : 'failed', status: 200, reason, seenFrom, declared: reg.contact });
    return sync;
  }

  /** DeviceInfo (§A.2.4.5): what the device says it is. */
  async deviceInfo(reg: GbRegistration): Promise<GbDeviceInfo> {
    const { items } = await this.ask(reg, this.singles, { CmdType: 'DeviceInfo', DeviceID: reg.gbId });
    const b = items[0];
    if (!b) throw new GbQueryError(408, 'DeviceInfo: no answer');
    return { deviceName: text(b.DeviceName) || null, manufacturer: text(b.Manufacturer) || null, model: text(b.Model) || null, firmware: text(b.Firmware) || null, channels: Number(text(b.Channel)) || null };
  }

  /** DeviceStatus (§A.2.4.6): online, encoding, recording and the device's clock (its offset is kept for the diagnostics). */
  async deviceStatus(reg: GbRegistration): Promise<GbDeviceStatus> {
    const askedAt = this.clock.now();
    const { items } = await this.ask(reg, this.singles, { CmdType: 'DeviceStatus', DeviceID: reg.gbId });
    const b = items[0];
    if (!b) throw new GbQueryError(408, 'DeviceStatus: no answer');
    const deviceTime = gbLocalTime(text(b.DeviceTime));
    const clockOffsetMs = deviceTime ? Math.round(Date.parse(deviceTime) - (askedAt + this.clock.now()) / 2) : null;
    if (clockOffsetMs !== null) await this.repo.recordClockOffset(this.db, reg.deviceId, clockOffsetMs);
    const on = (v: unknown) => (text(v) ? text(v).toUpperCase() === 'ON' || text(v).toUpperCase() === 'ONLINE' || text(v).toUpperCase() === 'OK' : null);
    return { online: on(b.Online), status: on(b.Status), encoding: on(b.Encode), recording: on(b.Record), deviceTime, clockOffsetMs };
  }

  /** RecordInfo (§A.2.4.7): what a recorder holds for a channel in a window (how retention is verified). */
  async recordInfo(reg: GbRegistration, channelGbId: string, fromMs: number, toMs: number): Promise<{ complete: boolean; records: GbRecord[] }> {
    const { items, complete } = await this.ask(reg, this.records, {
      CmdType: 'RecordInfo',
      DeviceID: channelGbId,
      StartTime: gbDate(fromMs).slice(0, 19),
      EndTime: gbDate(toMs).slice(0, 19),
      Secrecy: 0,
      Type: 'all',
    });
    return { complete, records: items.sort((a, b) => a.start.localeCompare(b.start)) };
  }

  /**
   * Subscribes to the device's catalog changes (GB/T 28181 §9.6): channels that go on or off,
   * are added, changed or removed are reported by NOTIFY as they happen, not at the next query.
   */
  async subscribeCatalog(reg: GbRegistration, expiresS: number): Promise<void> {
    const seenFrom = `${reg.transport} ${reg.address}:${reg.port}`;
    const sn = this.sn++;
    let answer: SipMessage | null = null;
    let failure = '';
    try {
      answer = await this.request(reg, 'SUBSCRIBE', buildManscdp('Query', { CmdType: 'Catalog', SN: sn, DeviceID: reg.gbId }), { event: `Catalog;id=${sn}`, expires: String(expiresS) });
    } catch (err) {
      failure = (err as Error).message;
    }
    const ok = answer?.status === 200;
    if (ok) this.catalogSubscriptions.set(reg.gbId, this.clock.now() + expiresS * 1000);
    await this.repo.recordExchange(this.db, reg.deviceId, reg.universityId, reg.gbId, 'subscribe', {
      at: this.clock.nowIso(),
      result: ok ? 'ok' : 'failed',
      status: answer?.status ?? 408,
      reason: ok ? `catalog changes subscribed for ${expiresS} s` : `catalog subscription: ${failure || `${answer?.status} ${answer?.reason ?? ''}`.trim()}`,
      seenFrom,
      declared: reg.contact,
    });
  }

  /** Whether the device's catalog changes are subscribed (until when). */
  catalogSubscribedUntil(gbId: string): number | null {
    const until = this.catalogSubscriptions.get(gbId);
    return until && until > this.clock.now() ? until : null;
  }

  /** A subscription's change notification: channels on/off now, added or changed into the ledger, removed from the recorder. */
  private async onCatalogChange(reg: GbRegistration, items: CatalogItem[], peer: SipPeer) {
    const nowMs = this.clock.now();
    const counts = new Map<string, number>();
    const upserts: CatalogItem[] = [];
    const known = new Map((await this.devices.byGbIds(items.map((i) => i.gbId))).filter((d) => d.universityId === reg.universityId).map((d) => [d.gbId!, d]));
    const live = new Set(this.liveChannels.get(reg.deviceId) ?? []);
    for (const item of items) {
      const event = item.event ?? 'UPDATE';
      counts.set(event, (counts.get(event) ?? 0) + 1);
      const device = known.get(item.gbId);
      if (event === 'ADD' || event === 'UPDATE') upserts.push(item);
      else if (!device) continue;
      else if (event === 'ON') {
        live.add(device.id);
        this.health.markSeen(device.id, reg.universityId, nowMs, this.silenceMs);
        await this.repo.setChannelStatus(this.db, device.id, 'ON');
      } else if (event === 'OFF' || event === 'VLOST' || event === 'DEFECT') {
        live.delete(device.id);
        await this.health.markGone(device.id);
        await this.repo.setChannelStatus(this.db, device.id, 'OFF');
      } else if (event === 'DEL') {
        live.delete(device.id);
        await this.repo.removeChannel(this.db, device.id); // the ledger keeps the camera: removing it is a person's decision
      }
    }
    this.liveChannels.set(reg.deviceId, [...live]);
    if (upserts.length) await this.syncChannels(reg, upserts, true, false);
    const summary = [...counts].map(([event, n]) => `${n} ${event}`).join(', ');
    await this.repo.recordExchange(this.db, reg.deviceId, reg.universityId, reg.gbId, 'subscribe', {
      at: new Date(nowMs).toISOString(),
      result: 'ok',
      status: 200,
      reason: `catalog change: ${summary || 'nothing'}`,
      seenFrom: `${peer.transport} ${peer.address}:${peer.port}`,
      declared: reg.contact,
    });
  }

  /**
   * Brings catalog items into the ledger and the channel table. `replace`: the items are the whole
   * catalog (a query), so the parent's live channels are exactly those ON; otherwise (a change
   * notification) they are merged.
   */
  private async syncChannels(reg: GbRegistration, items: CatalogItem[], complete: boolean, replace = true): Promise<CatalogSync> {
    const nowMs = this.clock.now();
    const [parent] = await this.devices.byIds([reg.deviceId]);
    const channels = items.filter((i) => i.gbId !== reg.gbId);
    const known = new Map((await this.devices.byGbIds(channels.map((i) => i.gbId))).filter((d) => d.universityId === reg.universityId).map((d) => [d.gbId!, d]));
    const rows: Parameters<GbDevicesRepository['saveChannels']>[1] = [];
    const unclassified: string[] = [];
    const live: string[] = [];
    let created = 0;
    for (const item of channels) {
      let device = known.get(item.gbId);
      if (!device && parent && channelKind(item.gbId)) {
        try {
          device = await this.devices.create(SYSTEM_ACTOR, channelDevice(item, parent));
          created++;
        } catch {
          device = undefined; // the ledger refused it (e.g. no campus): a person adds it
        }
      }
      if (!device) {
        unclassified.push(item.gbId);
        continue;
      }
      rows.push({ deviceId: device.id, parentDeviceId: reg.deviceId, universityId: reg.universityId, gbId: item.gbId, status: item.status, ptzType: item.ptzType, roomType: item.roomType, useType: item.useType, item: item.raw });
      if (item.status === 'ON') {
        live.push(device.id);
        this.health.markSeen(device.id, reg.universityId, nowMs, this.silenceMs);
      }
    }
    await this.repo.saveChannels(this.db, rows, new Date(nowMs).toISOString());
    const synced = new Set(rows.map((r) => r.deviceId));
    const stillLive = replace ? [] : (this.liveChannels.get(reg.deviceId) ?? []).filter((id) => !synced.has(id));
    this.liveChannels.set(reg.deviceId, [...stillLive, ...live]);
    return { channels: channels.length, created, unclassified, complete };
  }

  // ---- device control (GB/T 28181 §9.3) ----

  /** Whether commands to this ledger device go over GB/T 28181 (it or its parent is registered). */
  async routeOf(deviceId: string): Promise<{ reg: GbRegistration; channelGbId: string } | null> {
    const valid = (r: (GbRegistration & { expiresAtMs: number }) | undefined) => (r && r.expiresAtMs > this.clock.now() ? r : undefined);
    const own = valid(this.registrationsByDevice.get(deviceId));
    if (own) return { reg: own, channelGbId: own.gbId };
    // Every linkage command asks: without any GB registration, no query.
    if (!this.registrationsByDevice.size) return null;
    const channel = await this.repo.parentOf(this.db, deviceId);
    const parent = channel && valid(this.registrationsByDevice.get(channel.parentDeviceId));
    return parent ? { reg: parent, channelGbId: channel.gbId } : null;
  }

  private remember(reg: GbRegistration & { expiresAtMs: number }) {
    const previous = this.registrations.get(reg.gbId);
    if (previous) this.registrationsByDevice.delete(previous.deviceId);
    this.registrations.set(reg.gbId, reg);
    this.registrationsByDevice.set(reg.deviceId, reg);
  }

  private forget(gbId: string) {
    const previous = this.registrations.get(gbId);
    if (previous) this.registrationsByDevice.delete(previous.deviceId);
    this.registrations.delete(gbId);
  }

  /**
   * A linkage command to a GB device (today: `ptz.goto_preset`). The device's 200 to the
   * DeviceControl MESSAGE is its acknowledgement: recorded as a `command.ack` event of the
   * channel, which the alarm's action executor is waiting for.
   */
  async sendCommand(deviceId: string, command: GbCommand): Promise<void> {
    const route = await this.routeOf(deviceId);
    if (!route) throw new Error('the device is not registered over GB/T 28181');
    if (command.command !== 'ptz.goto_preset') throw new Error(`${command.command} has no GB/T 28181 form`);
    const preset = Number(command.preset ?? 1);
    void this.control(route, ptzPreset('goto', preset)).then(
      (answer) => this.ack(deviceId, command.id, answer.status === 200 ? 'ok' : 'failed', answer.status === 200 ? undefined : `${answer.status} ${answer.reason ?? ''}`.trim()),
      (err: Error) => this.ack(deviceId, command.id, 'failed', err.message),
    );
  }

  /** DeviceControl with a PTZCmd to a channel, through its recorder; resolves with the device's answer. */
  control(route: { reg: GbRegistration; channelGbId: string }, ptzCmd: string): Promise<SipMessage> {
    return this.request(route.reg, 'MESSAGE', buildManscdp('Control', { CmdType: 'DeviceControl', SN: this.sn++, DeviceID: route.channelGbId, PTZCmd: ptzCmd }));
  }

  private async ack(deviceId: string, commandId: string, result: 'ok' | 'failed', message?: string) {
    await this.ingest.ingestParsed({ kind: 'command.ack', sourceEventId: `ack:${commandId}`, payload: { commandId, result, ...(message ? { message: message.slice(0, 500) } : {}) } }, { source: 'gb28181', deviceId });
  }

  // ---- what the platform sends (UAC) ----

  /** Sends a request to a registered device and resolves with its final answer (rejects on timeout or when unreachable). */
  request(reg: Pick<GbRegistration, 'gbId' | 'transport' | 'address' | 'port'>, method: 'MESSAGE' | 'SUBSCRIBE' | 'INVITE' | 'BYE', body: string, headers: Record<string, unknown> = {}, dialog: DialogFields = {}): Promise<SipMessage> {
    const transport = this.transport;
    if (!transport) return Promise.reject(new Error('SIP transport not attached'));
    const message = this.buildRequest(reg, method, body, headers, dialog);
    const branch = String(message.headers.via[0]!.params.branch);
    const timeoutMs = dialog.timeoutMs ?? REQUEST_TIMEOUT_MS;
    const peer: SipPeer = { transport: reg.transport, address: reg.address, port: reg.port };
    return new Promise<SipMessage>((resolve, reject) => {
      const pending: Pending = { resolve, reject, timers: [] };
      this.pending.set(branch, pending);
      const done = () => {
        for (const t of pending.timers) clearTimeout(t);
        this.pending.delete(branch);
      };
      pending.resolve = (m) => (done(), resolve(m));
      pending.reject = (e) => (done(), reject(e));
      if (!transport.send(message, peer)) return pending.reject(new Error(`device ${reg.gbId} is not reachable over ${reg.transport}`));
      // RFC 3261 timer E: UDP retransmits at 0.5, 1, 2, 4, 4 … s until an answer or timer F.
      if (reg.transport === 'UDP') {
        let at = 0;
        for (let interval = 500; at + interval < timeoutMs; interval = Math.min(interval * 2, 4000)) {
          at += interval;
          pending.timers.push(setTimeout(() => transport.send(message, peer), at).unref());
        }
      }
      pending.timers.push(setTimeout(() => pending.reject(new Error(`no answer from ${reg.gbId} in ${timeoutMs / 1000} s`)), timeoutMs).unref());
    });
  }

  private buildRequest(reg: Pick<GbRegistration, 'gbId' | 'transport' | 'address' | 'port'>, method: string, body: string, headers: Record<string, unknown>, dialog: DialogFields): SipMessage {
    const port = this.transport?.port ?? 0;
    const target = dialog.targetGbId ?? reg.gbId;
    return {
      method,
      uri: dialog.uri ?? `sip:${target}@${reg.address}:${reg.port}`,
      version: '2.0',
      headers: {
        via: [{ version: '2.0', protocol: reg.transport, host: this.host, port, params: { branch: `z9hG4bK${randomBytes(8).toString('hex')}`, rport: null } }],
        from: { uri: `sip:${this.opts.platformId}@${this.opts.domain}`, params: { tag: dialog.fromTag ?? randomBytes(6).toString('hex') } },
        to: { uri: `sip:${target}@${this.opts.domain}`, params: dialog.toTag ? { tag: dialog.toTag } : {} },
        'call-id': dialog.callId ?? randomBytes(12).toString('hex'),
        cseq: { seq: dialog.cseq ?? this.sn++, method },
        'max-forwards': '70',
        ...(body ? { 'content-type': MANSCDP_CONTENT_TYPE } : {}),
        'content-length': Buffer.byteLength(body, 'binary'),
        ...(method === 'SUBSCRIBE' || method === 'INVITE' ? { contact: [{ uri: `sip:${this.opts.platformId}@${this.host}:${port}`, params: {} }] } : {}),
        ...headers,
      },
      content: body,
    };
  }

  // ---- media sessions (GB/T 28181 §9.2 live, §9.8 playback) ----

  /**
   * Asks a channel to stream to the platform: INVITE with the receiving side's SDP offer, ACK on
   * 200. Resolves with the session (the device's answer and how to end it); rejects with the
   * device's refusal or a timeout. An INVITE is answered within seconds or the viewer has gone.
   */
  async invite(deviceId: string, receiver: { ip: string; port: number; transport: MediaTransport; setup?: TcpSetup }, session: 'Play' | 'Playback' = 'Play', range?: { startS: number; endS: number }): Promise<GbMediaSession> {
    const route = await this.routeOf(deviceId);
    if (!route) throw new GbQueryError(404, 'the camera is not registered over GB/T 28181 (or its recorder is offline)');
    // SSRC (annex F): 0 live / 1 playback, then digits 4–8 of the SIP domain, then a number of this platform.
    this.ssrcSeq = (this.ssrcSeq % 9999) + 1;
    const ssrc = `${session === 'Play' ? 0 : 1}${this.opts.domain.slice(3, 8)}${String(this.ssrcSeq).padStart(4, '0')}`;
    const sdp = buildOffer({ platformId: this.opts.platformId, ...receiver, ssrc, session, channelGbId: route.channelGbId, ...(range ? { range } : {}) });
    const callId = randomBytes(12).toString('hex');
    const fromTag = randomBytes(6).toString('hex');
    const cseq = this.sn++;
    const answer = await this.request(route.reg, 'INVITE', sdp, { 'content-type': 'application/sdp', subject: `${route.channelGbId}:${ssrc},${this.opts.platformId}:0` }, { targetGbId: route.channelGbId, callId, fromTag, cseq, timeoutMs: INVITE_TIMEOUT_MS });
    if (answer.status !== 200) throw new GbQueryError(answer.status ?? 500, `the camera refused the stream: ${answer.status} ${answer.reason ?? ''}`.trim());
    const toTag = String(answer.headers.to?.params?.tag ?? '');
    const remoteUri = contactOf(answer) ?? `sip:${route.channelGbId}@${route.reg.address}:${route.reg.port}`;
    const dialog: DialogFields = { targetGbId: route.channelGbId, callId, fromTag, toTag, uri: remoteUri };
    // The ACK of a 2xx is its own transaction (RFC 3261 §13.2.2.4): same CSeq number, new branch, no answer.
    this.transport?.send(this.buildRequest(route.reg, 'ACK', '', {}, { ...dialog, cseq }), { transport: route.reg.transport, address: route.reg.address, port: route.reg.port });
    let media: MediaAnswer;
    try {
      media = parseAnswer(Buffer.from(answer.content ?? '', 'binary').toString('utf8'));
    } catch (err) {
      void this.request(route.reg, 'BYE', '', {}, { ...dialog, cseq: cseq + 1, timeoutMs: 4000 }).catch(() => undefined);
      throw new GbQueryError(488, `the camera's answer cannot be used: ${(err as Error).message}`);
    }
    let ended = false;
    const mediaSession: GbMediaSession = {
      ssrc,
      callId,
      answer: media,
      bye: async () => {
        if (ended) return;
        ended = true;
        this.sessionEnds.delete(callId);
        this.playbacks.delete(callId);
        await this.request(route.reg, 'BYE', '', {}, { ...dialog, cseq: cseq + 1, timeoutMs: 4000 }).catch(() => undefined);
      },
      onEnded: null,
    };
    this.sessionEnds.set(callId, () => {
      ended = true;
      this.playbacks.delete(callId);
      mediaSession.onEnded?.('hangup');
    });
    if (session === 'Playback') this.playbacks.set(callId, { channelGbId: route.channelGbId, media: mediaSession });
    return mediaSession;
  }

  private endPlaybacks(channelGbId: string) {
    for (const [callId, p] of [...this.playbacks]) {
      if (p.channelGbId !== channelGbId) continue;
      this.playbacks.delete(callId);
      void p.media.bye();
      p.media.onEnded?.('end_of_file');
    }
  }

  /** The device ended a stream (BYE): the session is over on both sides. */
  private onBye(req: SipMessage, peer: SipPeer) {
    const end = this.sessionEnds.get(req.headers['call-id']);
    if (!end) return this.reply(req, peer, 481, 'Call/Transaction Does Not Exist');
    this.sessionEnds.delete(req.headers['call-id']);
    this.reply(req, peer, 200, 'OK');
    end();
  }

  private onResponse(res: SipMessage) {
    const branch = String(res.headers.via?.[0]?.params?.branch ?? '');
    const pending = this.pending.get(branch);
    if (!pending || (res.status ?? 0) < 200) return;
    pending.resolve(res);
  }

  private reply(req: SipMessage, peer: SipPeer, status: number, reason: string, headers: Record<string, unknown> = {}) {
    const res = sip.makeResponse(req, status, reason);
    // A response names its side of the dialog with a To tag (RFC 3261 §8.2.6.2).
    res.headers.to = { ...res.headers.to, params: { ...res.headers.to.params, tag: res.headers.to.params?.tag ?? randomBytes(6).toString('hex') } };
    Object.assign(res.headers, headers, { 'content-length': 0 });
    res.content = '';
    this.transport?.send(res, peer);
  }

  /** Stops awaiting answers (shutdown). */
  close() {
    for (const p of [...this.pending.values()]) p.reject(new Error('the platform is stopping'));
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

const warn = (text: string) => `399 xiaoan "${text.replace(/"/g, "'")}"`;

function headerText(m: SipMessage, name: string): string | null {
  const v = m.headers[name];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

function contactOf(m: SipMessage): string | null {
  const c = m.headers.contact;
  return Array.isArray(c) && c[0] ? c[0].uri : null;
}

/** The Expires header, or the Contact's expires parameter; null when neither is there or it is not a number. */
function expiresOf(m: SipMessage): number | null {
  const header = headerText(m, 'expires');
  const c = m.headers.contact;
  const param = Array.isArray(c) && c[0]?.params?.expires;
  const raw = header ?? (typeof param === 'string' ? param : null);
  if (raw === null || !/^\s*\d{1,10}\s*$/.test(raw)) return null;
  return Number(raw);
}

function firstExternalIPv4(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) for (const i of list ?? []) if (i.family === 'IPv4' && !i.internal) return i.address;
  return undefined;
}

/** MANSCDP wants CmdType and SN first; the rest of a query's fields follow. */
function withoutCmdType(fields: Record<string, unknown>) {
  const { CmdType: _, ...rest } = fields;
  return rest;
}
