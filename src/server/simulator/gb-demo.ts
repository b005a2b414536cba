import type { Device } from '../../shared/devices.ts';
import type { IngestEnvelopeT } from '../../shared/events.ts';
import { gbDate } from '../modules/gb28181/index.ts';
import { GbDevice, type GbChannel, type GbDeviceMedia } from './protocol/gb28181-device.ts';

/** Channels per recorder: a 64-channel NVR, or a bigger one (128, 256 channels) where a campus has more cameras than that. */
const MIN_CHANNELS_PER_RECORDER = 64;

export interface GbDemoOptions {
  devices: Device[];
  secrets: Map<string, string>;
  host: string;
  sipPort: number;
  platformId: string;
  domain: string;
  keepaliveS: number;
  /** What the cameras stream when the platform asks for live video. */
  media?: GbDeviceMedia;
  log: { info(o: object, msg: string): void; warn(o: object, msg: string): void };
}

/** An event of a simulated device as a GB/T 28181 alarm (the inverse of the platform's mapping). */
function alarmOf(device: Device, envelope: IngestEnvelopeT): { method: number; type: number } | null {
  const p = (envelope.payload ?? {}) as Record<string, unknown>;
  switch (envelope.kind) {
    case 'motion':
      return { method: 5, type: 2 };
    case 'intrusion':
      return { method: 5, type: 6 };
    case 'tamper':
      return p.what === 'lens_blocked' ? { method: 5, type: 13 } : { method: 2, type: 2 };
    case 'video.loss':
      return { method: 2, type: 1 };
    case 'device.fault':
      return device.kind === 'recorder' ? { method: 6, type: 1 } : null;
    default:
      return null;
  }
}

/**
 * The demo university's recorders speak GB/T 28181 to the platform, as real NVRs do: each
 * registers with digest over UDP, keeps alive, answers the catalog with its cameras (64 or more of
 * its campus, by building), and reports its cameras' motion, tamper and video loss as GB alarms.
 * Those cameras therefore have no MQTT client of their own; the platform keeps them online
 * through their recorder.
 */
export class GbDemo {
  private readonly recorders = new Map<string, { device: Device; client: GbDevice; channels: Device[] }>();
  /** Camera id → the recorder it is a channel of. */
  private readonly channelOf = new Map<string, string>();
  private readonly timers: NodeJS.Timeout[] = [];
  readonly stats = { registered: 0, alarms: 0, keepalives: 0, failures: 0 };

  constructor(private readonly o: GbDemoOptions) {
    const byCampus = new Map<string, { recorders: Device[]; cameras: Device[] }>();
    for (const d of o.devices) {
      if (!d.gbId || !d.campusId || (d.kind !== 'recorder' && d.kind !== 'camera')) continue;
      let c = byCampus.get(d.campusId);
      if (!c) byCampus.set(d.campusId, (c = { recorders: [], cameras: [] }));
      (d.kind === 'recorder' ? c.recorders : c.cameras).push(d);
    }
    for (const { recorders, cameras } of byCampus.values()) {
      if (!recorders.length) continue;
      cameras.sort((a, b) => (a.buildingId ?? '').localeCompare(b.buildingId ?? '') || a.id.localeCompare(b.id));
      recorders.sort((a, b) => a.id.localeCompare(b.id));
      // Every camera is on a recorder, so every camera of the demo shows video.
      const perRecorder = Math.max(MIN_CHANNELS_PER_RECORDER, Math.ceil(cameras.length / recorders.length));
      recorders.forEach((device, i) => {
        const channels = cameras.slice(i * perRecorder, (i + 1) * perRecorder);
        const client = new GbDevice({
          gbId: device.gbId!,
          password: o.secrets.get(device.id)!,
          platformId: o.platformId,
          domain: o.domain,
          host: o.host,
          port: o.sipPort,
          transport: 'UDP',
          version: i % 3 === 0 ? '2.0' : '3.0',
          ...(o.media ? { media: o.media } : {}),
          channels: channels.map((c): GbChannel => ({ gbId: c.gbId!, name: c.name, status: 'ON', lon: c.lon ?? undefined, lat: c.lat ?? undefined, ptzType: c.camera?.type === 'ptz' ? 1 : 3, roomType: c.camera?.placement === 'indoor' ? 2 : 1 })),
        });
        this.recorders.set(device.id, { device, client, channels });
        for (const c of channels) this.channelOf.set(c.id, device.id);
      });
    }
  }

  /** Whether the device is simulated over GB/T 28181 (a recorder, or a camera channel of one). */
  speaksGb(deviceId: string): boolean {
    return this.recorders.has(deviceId) || this.channelOf.has(deviceId);
  }

  get deviceCount(): number {
    return this.recorders.size + this.channelOf.size;
  }

  async start(): Promise<void> {
    const list = [...this.recorders.values()];
    await Promise.all(
      list.map(async (r, i) => {
        try {
          await r.client.connect();
          const answer = await r.client.register(3600);
          if (answer.status === 200) this.stats.registered++;
          else {
            this.stats.failures++;
            this.o.log.warn({ device: r.device.name, status: answer.status, reason: answer.warning }, 'simulator: GB/T 28181 registration refused');
          }
        } catch (err) {
          this.stats.failures++;
          this.o.log.warn({ device: r.device.name, err: (err as Error).message }, 'simulator: GB/T 28181 registration failed');
        }
        // Keepalives spread over the interval, as a room of NVRs started at different times.
        const every = this.o.keepaliveS * 1000;
        const first = setTimeout(() => {
          this.keepalive(r.client);
          this.timers.push(setInterval(() => this.keepalive(r.client), every).unref());
        }, Math.round(((i + 1) / list.length) * every)).unref();
        this.timers.push(first);
      }),
    );
    this.o.log.info({ recorders: list.length, cameras: this.channelOf.size, registered: this.stats.registered }, 'simulator: GB/T 28181 recorders registered');
  }

  private keepalive(client: GbDevice) {
    client.keepalive().then(
      () => this.stats.keepalives++,
      () => this.stats.failures++,
    );
  }

  /** Sends a simulated event as a GB alarm; false when it has no GB form (the caller counts it as suppressed). */
  send(deviceId: string, envelope: IngestEnvelopeT, nowMs: number): boolean {
    const recorderId = this.recorders.has(deviceId) ? deviceId : this.channelOf.get(deviceId);
    const r = recorderId ? this.recorders.get(recorderId) : undefined;
    if (!r) return false;
    const device = r.device.id === deviceId ? r.device : r.channels.find((c) => c.id === deviceId)!;
    const alarm = alarmOf(device, envelope);
    if (!alarm) return false;
    r.client.alarm({ channelId: device.gbId!, ...alarm, priority: alarm.method === 5 && alarm.type === 2 ? 4 : 2, time: gbDate(nowMs).slice(0, 19) }).then(
      () => this.stats.alarms++,
      () => this.stats.failures++,
    );
    return true;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await Promise.allSettled([...this.recorders.values()].map((r) => r.client.close()));
  }
}
