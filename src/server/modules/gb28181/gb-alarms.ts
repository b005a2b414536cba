import type { DeviceKind } from '../../../shared/domain.ts';
import type { IngestEnvelopeT } from '../../../shared/events.ts';
import { text } from '../../adapters/gb28181/manscdp.ts';

/**
 * GB/T 28181 alarm notifications (§A.2.4.3: AlarmMethod, Info/AlarmType) as event kinds. What has
 * no kind here is not guessed: it becomes a dead letter naming method and type.
 */
type Mapped = Pick<IngestEnvelopeT, 'kind' | 'payload'>;

/** AlarmMethod 5 (video analysis): AlarmType → event. */
const VIDEO: Record<number, Mapped> = {
  2: { kind: 'motion', payload: {} },
  5: { kind: 'perimeter', payload: { method: 'crossing' } },
  6: { kind: 'intrusion', payload: { detector: 'video' } },
  13: { kind: 'tamper', payload: { what: 'lens_blocked' } },
};

/** AlarmMethod 2 (device): AlarmType → event. */
const DEVICE: Record<number, Mapped> = {
  1: { kind: 'video.loss', payload: {} },
  2: { kind: 'tamper', payload: { what: 'cover_opened' } },
  3: { kind: 'device.fault', payload: { code: 'disk_full', message: '存储设备磁盘满' } },
  4: { kind: 'device.fault', payload: { code: 'high_temperature', message: '设备高温' } },
  5: { kind: 'device.fault', payload: { code: 'low_temperature', message: '设备低温' } },
};

/** AlarmMethod 6 (device fault): AlarmType → event. */
const FAULT: Record<number, Mapped> = {
  1: { kind: 'device.fault', payload: { code: 'disk_fault', message: '磁盘故障' } },
  2: { kind: 'device.fault', payload: { code: 'fan_fault', message: '风扇故障' } },
};

/** An alarm input channel without a type reports what the ledger says is wired to it. */
const ALARM_INPUT: Partial<Record<DeviceKind, Mapped>> = {
  panic_button: { kind: 'panic', payload: {} },
  fire_detector: { kind: 'fire', payload: { detectorType: 'smoke' } },
  intrusion_zone: { kind: 'intrusion', payload: {} },
  perimeter_zone: { kind: 'perimeter', payload: { method: 'unknown' } },
};

export type AlarmMapping = { ok: true; envelope: IngestEnvelopeT } | { ok: false; reason: string; field: string };

const PRIORITY_SEVERITY: Record<number, IngestEnvelopeT['severity']> = { 1: 'critical', 2: 'major', 3: 'minor', 4: 'info' };

/** `<AlarmTime>` is Beijing local time without a zone (2026-12-06T22:10:00). */
export function gbLocalTime(v: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d{1,3})?$/.exec(v.trim());
  if (!m) return null;
  const ms = Date.parse(`${m[1]}T${m[2]}${m[3] ?? ''}+08:00`);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** A GB alarm's body as the ingest envelope of the channel that raised it. */
export function mapGbAlarm(body: Record<string, unknown>, sn: number, channelKind: DeviceKind | null): AlarmMapping {
  const method = Number(text(body.AlarmMethod));
  const info = (body.Info && typeof body.Info === 'object' ? body.Info : {}) as Record<string, unknown>;
  const typeText = text(info.AlarmType) || text(body.AlarmType);
  const type = typeText ? Number(typeText) : null;
  if (!Number.isInteger(method) || method < 1 || method > 7) return { ok: false, reason: `AlarmMethod "${text(body.AlarmMethod)}" is not 1–7`, field: 'AlarmMethod' };
  let mapped: Mapped | undefined;
  if (method === 5 && type !== null) mapped = VIDEO[type];
  else if (method === 2 && type !== null) mapped = DEVICE[type];
  else if (method === 6 && type !== null) mapped = FAULT[type];
  else if (method === 2 && channelKind) mapped = ALARM_INPUT[channelKind];
  if (!mapped) return { ok: false, reason: `no event kind for AlarmMethod ${method}${type !== null ? ` AlarmType ${type}` : ''}${channelKind ? ` on a ${channelKind}` : ''}`, field: 'AlarmType' };
  const occurredAt = gbLocalTime(text(body.AlarmTime));
  const priority = Number(text(body.AlarmPriority));
  const description = text(body.AlarmDescription).slice(0, 64);
  const payload = { ...mapped.payload } as Record<string, unknown>;
  if (mapped.kind === 'motion' && description) payload.region = description;
  if (mapped.kind === 'intrusion' && description) payload.zone = description;
  return {
    ok: true,
    envelope: {
      kind: mapped.kind,
      // The device's SN numbers its messages; repeats of one notification are stored once.
      sourceEventId: `gb:${sn}:${text(body.AlarmTime)}`,
      ...(occurredAt ? { occurredAt } : {}),
      ...(PRIORITY_SEVERITY[priority] ? { severity: PRIORITY_SEVERITY[priority] } : {}),
      payload,
    },
  };
}
