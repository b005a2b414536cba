/**
 * A realistic stream of device events for the alarm benchmarks: mostly access.granted/denied,
 * motion, plate reads and heartbeats, ~1 % alarm kinds, each from a device of the kind that
 * sends it. Failed swipes are skewed: a few "hot" doors (someone trying card after card) get
 * 30 % of them, so count triggers actually fire. Deterministic for a seed.
 */
import { EVENT_KINDS, type DeviceEvent, type EventKind, type EventPayload } from '../../src/shared/events.ts';
import type { DeviceKind } from '../../src/shared/domain.ts';
import type { Device } from '../../src/shared/devices.ts';
import { Random } from '../../src/server/util/random.ts';

/** Share of the stream per event kind (percent) and the device kinds that send it. */
export const MIX: readonly { kind: EventKind; pct: number; from: DeviceKind[] }[] = [
  { kind: 'access.granted', pct: 42, from: ['door', 'turnstile'] },
  { kind: 'access.denied', pct: 1, from: ['door', 'turnstile'] },
  { kind: 'motion', pct: 24, from: ['camera'] },
  { kind: 'plate.read', pct: 10, from: ['lpr_camera', 'barrier_gate'] },
  { kind: 'device.heartbeat', pct: 20, from: [] }, // any device
  { kind: 'patrol.checkin', pct: 2, from: ['patrol_checkpoint'] },
  // alarm kinds: 1 % together
  { kind: 'intrusion', pct: 0.2, from: ['intrusion_zone'] },
  { kind: 'perimeter', pct: 0.1, from: ['perimeter_zone'] },
  { kind: 'smoke', pct: 0.1, from: ['fire_detector'] },
  { kind: 'fire', pct: 0.02, from: ['fire_detector'] },
  { kind: 'door.forced', pct: 0.1, from: ['door'] },
  { kind: 'door.held_open', pct: 0.15, from: ['door'] },
  { kind: 'tamper', pct: 0.08, from: ['camera'] },
  { kind: 'video.loss', pct: 0.07, from: ['camera'] },
  { kind: 'face.match', pct: 0.1, from: ['camera'] },
  { kind: 'panic', pct: 0.01, from: ['panic_button'] },
  { kind: 'device.fault', pct: 0.07, from: [] },
];

const ALARM_KINDS = new Set<EventKind>(['intrusion', 'perimeter', 'smoke', 'fire', 'door.forced', 'door.held_open', 'tamper', 'video.loss', 'face.match', 'panic', 'device.fault']);
export const isAlarmKind = (k: EventKind) => ALARM_KINDS.has(k);

const PAYLOADS: { [K in EventKind]?: (r: Random, i: number) => EventPayload<K> } = {
  'access.granted': (r, i) => ({ credentialType: 'card', credentialId: `C${(i * 7919) % 100000}`, personId: `2023${String(i % 30000).padStart(5, '0')}`, direction: r.chance(0.5) ? 'in' : 'out' }),
  'access.denied': (r, i) => ({ credentialType: 'card', credentialId: `C${(i * 104729) % 100000}`, reason: r.pick(['unknown_credential', 'expired', 'no_permission', 'time_restricted'] as const) }),
  motion: (r) => ({ objectType: r.chance(0.85) ? 'person' : 'vehicle', region: r.pick(['入口', '大厅', '走廊', '楼梯间']) }),
  'plate.read': (r, i) => ({ plate: `沪A${String(10000 + (i % 90000))}`, colour: 'blue', direction: r.chance(0.5) ? 'in' : 'out', confidence: 0.97, lane: 1 + (i % 3) }),
  'device.heartbeat': (_r, i) => ({ uptimeS: 86400 + i, firmware: 'V5.7.3' }),
  'patrol.checkin': (_r, i) => ({ guardId: `guard${String(1 + (i % 40)).padStart(2, '0')}` }),
  intrusion: () => ({ detector: 'dual_tech' }),
  perimeter: () => ({ method: 'climbing' }),
  smoke: () => ({ density: 4.2 }),
  fire: () => ({ detectorType: 'smoke', level: 2 }),
  'door.forced': () => ({}),
  'door.held_open': () => ({ seconds: 120 }),
  tamper: () => ({ what: 'lens_blocked' }),
  'video.loss': () => ({ channel: 1 }),
  'face.match': () => ({ watchlist: '校园布控', similarity: 0.93 }),
  panic: () => ({}),
  'device.fault': () => ({ code: 'E042', message: '存储异常' }),
};

export class EventMix {
  private readonly rng: Random;
  private readonly pools = new Map<EventKind, Device[]>();
  private readonly hotDoors: Device[];
  private readonly table: [EventKind, number][];
  private i = 0;
  readonly counts = new Map<EventKind, number>();

  constructor(
    private readonly universityId: string,
    devices: readonly Device[],
    seed: number,
    private readonly tag = 'mix',
  ) {
    this.rng = new Random(seed).fork(`events:${tag}`);
    for (const m of MIX) {
      const pool = m.from.length ? devices.filter((d) => m.from.includes(d.kind)) : [...devices];
      if (pool.length) this.pools.set(m.kind, pool);
    }
    this.table = MIX.filter((m) => this.pools.has(m.kind)).map((m) => [m.kind, m.pct]);
    this.hotDoors = this.rng.shuffle(this.pools.get('access.denied') ?? []).slice(0, 20);
  }

  /** The next event (id left empty: the event writer assigns it). */
  next(occurredAt: string): DeviceEvent {
    const i = this.i++;
    const kind = this.rng.weighted(this.table);
    const pool = kind === 'access.denied' && this.hotDoors.length && this.rng.chance(0.3) ? this.hotDoors : this.pools.get(kind)!;
    const device = pool[Math.floor(this.rng.next() * pool.length)]!;
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    return {
      id: '',
      source: 'mqtt',
      sourceEventId: `${this.tag}-${i}`,
      orgId: this.universityId,
      deviceId: device.id,
      kind,
      severity: EVENT_KINDS[kind].severity,
      occurredAt,
      receivedAt: occurredAt,
      payload: (PAYLOADS[kind] as (r: Random, i: number) => never)(this.rng, i),
    };
  }
}
