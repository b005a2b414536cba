/**
 * An event's payload as readable fields: labels and values in the user's language, ids of
 * people and cards masked, ratios as percentages, seconds as durations.
 */
import type { DeviceEvent } from '../../../shared/events.ts';
import { formatDateTime } from '../../components/format.ts';
import { maskCredentialId, maskId, maskPersonId } from '../../../shared/personal-data.ts';

/** `t` of i18next, loosely typed: field and value keys are built from the payload. */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

type Format = 'enum' | 'maskPerson' | 'maskCredential' | 'percent' | 'duration' | 'datetime' | 'text' | 'level' | 'celsius' | 'density' | 'seconds';

/** How each payload field of src/shared/events.ts is shown. Unknown fields show as text. */
const FIELD_FORMAT: Record<string, Format> = {
  credentialType: 'enum',
  credentialId: 'maskCredential',
  personId: 'maskPerson',
  direction: 'enum',
  reason: 'enum',
  seconds: 'seconds',
  zone: 'text',
  detector: 'enum',
  segment: 'text',
  method: 'enum',
  detectorType: 'enum',
  level: 'level',
  density: 'density',
  objectType: 'enum',
  region: 'text',
  channel: 'text',
  what: 'enum',
  similarity: 'percent',
  watchlist: 'text',
  snapshotRef: 'text',
  plate: 'text',
  colour: 'enum',
  confidence: 'percent',
  lane: 'text',
  vehicleType: 'enum',
  guardId: 'text',
  routeId: 'text',
  uptimeS: 'duration',
  temperatureC: 'celsius',
  firmware: 'text',
  code: 'text',
  message: 'text',
  commandId: 'text',
  result: 'enum',
  lastSeenAt: 'datetime',
  silenceS: 'duration',
  offlineS: 'duration',
  detail: 'text',
  lostS: 'duration',
  from: 'datetime',
  to: 'datetime',
  gapS: 'duration',
};

/** Fields left out of the one-line summary (long, or only useful in the details). */
const NOT_IN_SUMMARY = new Set(['snapshotRef', 'uptimeS', 'temperatureC', 'firmware', 'lastSeenAt', 'lane']);

/**
 * Keeps the start and the end of an id and hides the middle: `2023104567` → `2023****67`.
 * Short ids keep less, so that at least half is always hidden.
 */
export { maskCredentialId, maskId, maskPersonId };

export function formatPercent(ratio: number): string {
  const pct = ratio * 100;
  return `${pct >= 10 || pct === 0 ? Math.round(pct) : pct.toFixed(1)}%`;
}

export function formatDuration(totalSeconds: number, t: Translate): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const part = (unit: string, count: number) => t(`events.unit.${unit}`, { count });
  if (d) return h ? `${part('day', d)} ${part('hour', h)}` : part('day', d);
  if (h) return m ? `${part('hour', h)} ${part('minute', m)}` : part('hour', h);
  if (m) return sec ? `${part('minute', m)} ${part('second', sec)}` : part('minute', m);
  return part('second', sec);
}

export interface PayloadField {
  key: string;
  label: string;
  value: string;
}

function formatValue(field: string, raw: unknown, t: Translate): string {
  if (raw === null || raw === undefined) return t('common.empty');
  const format = FIELD_FORMAT[field] ?? 'text';
  const text = typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
  switch (format) {
    case 'enum':
      return t(`events.value.${field}.${text}`, { defaultValue: text });
    case 'maskPerson':
      return maskPersonId(text);
    case 'maskCredential':
      return maskCredentialId(text);
    case 'percent':
      return typeof raw === 'number' ? formatPercent(raw) : text;
    case 'duration':
      return typeof raw === 'number' ? formatDuration(raw, t) : text;
    case 'seconds':
      return typeof raw === 'number' ? t('events.unit.second', { count: raw }) : text;
    case 'datetime':
      return formatDateTime(text);
    case 'level':
      return t('events.unit.level', { count: Number(raw) });
    case 'celsius':
      return `${text} °C`;
    case 'density':
      return `${text} %/m`;
    case 'text':
      return text;
  }
}

/** Every payload field of the event, in the schema's order, labelled and formatted. */
export function payloadFields(event: Pick<DeviceEvent, 'payload'>, t: Translate): PayloadField[] {
  const payload = (event.payload ?? {}) as Record<string, unknown>;
  return Object.entries(payload).map(([key, raw]) => ({
    key,
    label: t(`events.field.${key}`, { defaultValue: key }),
    value: formatValue(key, raw, t),
  }));
}

/** The payload on one line for the table: `沪A12345 · 蓝牌 · 驶入 · 97%`. */
export function payloadSummary(event: Pick<DeviceEvent, 'payload'>, t: Translate, maxLength = 80): string {
  const text = payloadFields(event, t)
    .filter((f) => !NOT_IN_SUMMARY.has(f.key))
    .map((f) => (FIELD_FORMAT[f.key] === 'enum' || f.key === 'plate' ? f.value : `${f.label} ${f.value}`))
    .join(' · ');
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
