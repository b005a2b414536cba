import type { Clock } from '../../clock.ts';
import type { ModuleDb } from '../../store/tables.ts';
import type { DeviceHealthService } from '../health/index.ts';
import type { IngestService } from '../ingest/index.ts';
import { OnvifConnection, explain, withDeadline } from './onvif-client.ts';
import { OnvifCamerasRepository, type OnvifCameraRow } from './onvif-cameras.repository.ts';
import { mapNotification } from './onvif-events.ts';
import { PULL_WAIT_MS, PullPoint, type PullStatus } from './onvif-pull.ts';

export interface OnvifSettings {
  /** How long one SOAP call (but the long poll) may take. */
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/** A linkage command as the action executor sends it. */
export interface OnvifCommand {
  id: string;
  command: string;
  preset?: unknown;
}

/** A camera that answers every long poll is alive; three missed polls and it is offline. */
const SILENCE_MS = 3 * PULL_WAIT_MS + 30_000;

const STOPPED: PullStatus = { state: 'stopped', lastPullAt: null, lastEventAt: null, lastEventTopic: null, stored: 0, deadLetters: 0, skipped: 0, failures: 0, lastError: null, lastErrorAt: null };

/**
 * The cameras while the server runs: one pull-point subscription each (started by the module's
 * `start`, ended by its `stop`), their notifications into the normal ingest path, and linkage
 * commands (PTZ presets) to them.
 */
export class OnvifCameras {
  private readonly repo = new OnvifCamerasRepository();
  private readonly pulls = new Map<string, PullPoint>();
  private running = false;
  /** Subscriptions being ended (replaced or deleted), awaited by `stop`. */
  private readonly ending = new Set<Promise<void>>();

  constructor(
    private readonly db: ModuleDb<'onvif'>,
    private readonly ingest: Pick<IngestService, 'ingestParsed' | 'recordRefused'>,
    private readonly health: Pick<DeviceHealthService, 'markSeen'>,
    private readonly clock: Clock,
    readonly settings: OnvifSettings,
  ) {}

  /** Subscribes to every camera's events. */
  async start(): Promise<number> {
    this.running = true;
    const cameras = await this.repo.all(this.db);
    for (const c of cameras) this.follow(c);
    return cameras.length;
  }

  /** Ends every subscription: the long polls in flight are aborted, no timer is left. */
  async stop() {
    this.running = false;
    const pulls = [...this.pulls.values()];
    this.pulls.clear();
    await Promise.all([...pulls.map((p) => p.stop()), ...this.ending]);
  }

  /** Starts (or restarts, after new credentials) the subscription of a camera, when the server is pulling. */
  follow(c: OnvifCameraRow) {
    if (!this.running) return;
    const old = this.pulls.get(c.deviceId);
    if (old) this.end(old);
    const pull = new PullPoint(
      { host: c.host, port: c.port, username: c.username, password: c.password },
      { onPulled: (messages, status) => this.pulled(c, messages, status) },
      { ...this.settings, nowIso: () => this.clock.nowIso() },
    );
    this.pulls.set(c.deviceId, pull);
    pull.start();
  }

  /** Stops pulling a camera whose row is gone (its ledger device was deleted). */
  async forgetIfGone(deviceId: string) {
    const pull = this.pulls.get(deviceId);
    if (!pull || (await this.repo.find(this.db, deviceId))) return;
    this.pulls.delete(deviceId);
    await this.end(pull);
  }

  private end(pull: PullPoint): Promise<void> {
    const stopping = pull.stop().finally(() => this.ending.delete(stopping));
    this.ending.add(stopping);
    return stopping;
  }

  statusOf(deviceId: string): PullStatus {
    return { ...(this.pulls.get(deviceId)?.status ?? STOPPED) };
  }

  private async pulled(c: OnvifCameraRow, messages: unknown[], status: PullStatus) {
    this.health.markSeen(c.deviceId, c.universityId, this.clock.now(), SILENCE_MS);
    const ctx = { source: 'onvif' as const, deviceId: c.deviceId };
    for (const message of messages) {
      const mapped = mapNotification(message);
      if (mapped.status === 'skipped') {
        status.skipped++;
        continue;
      }
      const raw = Buffer.from(JSON.stringify(message));
      if (mapped.status === 'refused') {
        await this.ingest.recordRefused(raw, ctx, mapped.reason, mapped.field);
        status.deadLetters++;
        continue;
      }
      const result = await this.ingest.ingestParsed(mapped.envelope, ctx, raw);
      if (result.status === 'rejected') {
        status.deadLetters++;
        continue;
      }
      status.stored++;
      status.lastEventAt = this.clock.nowIso();
      status.lastEventTopic = mapped.topic;
    }
  }

  // ---- media ----

  /**
   * Where to pull the camera's live video: the RTSP URI of its first profile (the main stream)
   * with the ONVIF credentials put back in (they are stored apart from the URI), and its codec.
   * Null when the camera is not an ONVIF camera or reported no stream.
   */
  async rtspOf(deviceId: string): Promise<{ url: string; codec: 'h264' | 'h265' | null } | null> {
    const c = await this.repo.find(this.db, deviceId);
    const profile = c?.profiles.find((p) => p.streamUri);
    if (!c || !profile?.streamUri) return null;
    const url = new URL(profile.streamUri);
    if (c.username) {
      url.username = encodeURIComponent(c.username);
      url.password = encodeURIComponent(c.password);
    }
    const encoding = (profile.encoding ?? '').toUpperCase();
    return { url: url.toString(), codec: encoding === 'H265' || encoding === 'HEVC' ? 'h265' : encoding === 'H264' ? 'h264' : null };
  }

  // ---- linkage commands ----

  /** Whether commands to this ledger device go over ONVIF. */
  async routeOf(deviceId: string): Promise<boolean> {
    return Boolean(await this.repo.find(this.db, deviceId));
  }

  /**
   * A linkage command to an ONVIF camera (today: `ptz.goto_preset`). The camera's answer to
   * GotoPreset is its acknowledgement, written as a `command.ack` event that the alarm's action
   * executor is waiting for. The rule's preset number is the camera's preset token (Hikvision,
   * Dahua and most others number their tokens "1", "2" …; "03" is 3 too) or, failing that, a
   * preset's name.
   */
  async sendCommand(deviceId: string, command: OnvifCommand): Promise<void> {
    const c = await this.repo.find(this.db, deviceId);
    if (!c) throw new Error('the device is not an ONVIF camera');
    if (command.command !== 'ptz.goto_preset') throw new Error(`${command.command} has no ONVIF form`);
    if (!c.hasPtz) throw new Error('the camera reported no PTZ over ONVIF');
    const wanted = String(command.preset ?? 1);
    const sameNumber = (token: string) => /^\d+$/.test(token) && /^\d+$/.test(wanted) && Number(token) === Number(wanted); // preset 3 is token "03" too
    const preset = c.presets.find((p) => p.token === wanted) ?? c.presets.find((p) => sameNumber(p.token)) ?? c.presets.find((p) => p.name === wanted);
    if (!preset) {
      const known = c.presets.map((p) => `${p.token} (${p.name})`).join(', ') || 'none';
      void this.ack(deviceId, command.id, 'failed', `the camera has no preset ${wanted}; its presets: ${known}`);
      return;
    }
    const conn = new OnvifConnection(c, this.settings.timeoutMs);
    const run = async () => {
      await conn.open();
      await conn.gotoPreset(c.profiles[0]!.token, preset.token);
    };
    void withDeadline(run(), this.settings.timeoutMs * 2, `${c.host}:${c.port}`)
      .then(
        () => this.ack(deviceId, command.id, 'ok'),
        (err) => this.ack(deviceId, command.id, 'failed', explain(err, c).message),
      )
      .catch(() => undefined) // the server is stopping: nobody waits for the acknowledgement
      .finally(() => conn.close());
  }

  private async ack(deviceId: string, commandId: string, result: 'ok' | 'failed', message?: string) {
    await this.ingest.ingestParsed({ kind: 'command.ack', sourceEventId: `ack:${commandId}`, payload: { commandId, result, ...(message ? { message: message.slice(0, 500) } : {}) } }, { source: 'onvif', deviceId });
  }
}
