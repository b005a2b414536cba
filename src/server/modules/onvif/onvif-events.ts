import { createHash } from 'node:crypto';
import type { IngestEnvelopeT } from '../../../shared/events.ts';

/**
 * ONVIF notifications (a PullMessages answer, as the `onvif` package parses it) as event kinds.
 * Only standard topics whose meaning is clear are mapped (ONVIF Core §9 event topics, the
 * Analytics/Imaging tampering topics); the Data item that says "it started" must be true.
 *
 *   tns1:VideoSource/MotionAlarm                 State=true     → motion
 *   tns1:RuleEngine/CellMotionDetector/Motion    IsMotion=true  → motion (its Rule in `region`)
 *   tns1:VideoSource/GlobalSceneChange/…         State=true     → tamper {what: moved}
 *   tns1:VideoSource/ImageTooDark/…              State=true     → tamper {what: lens_blocked}
 *   tns1:VideoSource/ImageTooBlurry|ImageTooBright/… State=true → tamper (how is not known)
 *   tns1:VideoSource/SignalLoss                  State=true     → video.loss
 *   tns1:Device/Trigger/DigitalInput             LogicalState=true → a dead letter: what is wired
 *        to a camera's input (a door contact, a PIR, a panic button) is not known to the ledger,
 *        so it is not guessed; the dead letter names the topic and the input token.
 *
 * Ends of a state (false), states sent when a subscription starts (PropertyOperation
 * "Initialized": the current state, not something that happened) and other topics are skipped
 * and counted.
 */
export type OnvifMapping =
  | { status: 'event'; envelope: IngestEnvelopeT; topic: string }
  | { status: 'refused'; topic: string; reason: string; field: string }
  | { status: 'skipped'; topic: string; why: string };

type Item = { name: string; value: string };

const list = <T>(v: T | T[] | undefined | null): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

function items(v: unknown): Item[] {
  return list((v as { simpleItem?: unknown } | undefined)?.simpleItem as { $?: { Name?: unknown; Value?: unknown } }[] | undefined)
    .map((i) => ({ name: String(i?.$?.Name ?? ''), value: i?.$?.Value instanceof Date ? i.$.Value.toISOString() : String(i?.$?.Value ?? '') }))
    .filter((i) => i.name);
}

/** A topic without its namespace prefixes: tns1:VideoSource/MotionAlarm → VideoSource/MotionAlarm. */
export function plainTopic(topic: string): string {
  return topic.trim().replace(/(^|\/)[\w.-]+:/g, '$1');
}

const isTrue = (v: string | undefined) => v === 'true' || v === '1';

export function mapNotification(message: unknown): OnvifMapping {
  const m = message as { topic?: unknown; message?: { message?: { $?: Record<string, unknown>; source?: unknown; data?: unknown } } };
  const rawTopic = typeof m?.topic === 'string' ? m.topic : String((m?.topic as { _?: unknown })?._ ?? '');
  const topic = plainTopic(rawTopic);
  const body = m?.message?.message;
  const attrs = body?.$ ?? {};
  const source = items(body?.source);
  const data = items(body?.data);
  const get = (name: string) => data.find((d) => d.name === name)?.value;
  if (!topic) return { status: 'skipped', topic: rawTopic, why: 'no topic' };
  if (attrs.PropertyOperation === 'Initialized') return { status: 'skipped', topic, why: 'initial state' };

  let mapped: Pick<IngestEnvelopeT, 'kind' | 'payload'> | null = null;
  let state: string | undefined;
  if (topic === 'VideoSource/MotionAlarm') {
    state = get('State');
    mapped = { kind: 'motion', payload: {} };
  } else if (topic === 'RuleEngine/CellMotionDetector/Motion') {
    state = get('IsMotion');
    const rule = source.find((s) => s.name === 'Rule')?.value;
    mapped = { kind: 'motion', payload: rule ? { region: rule.slice(0, 64) } : {} };
  } else if (topic.startsWith('VideoSource/GlobalSceneChange')) {
    state = get('State');
    mapped = { kind: 'tamper', payload: { what: 'moved' } };
  } else if (topic.startsWith('VideoSource/ImageTooDark')) {
    state = get('State');
    mapped = { kind: 'tamper', payload: { what: 'lens_blocked' } };
  } else if (topic.startsWith('VideoSource/ImageTooBlurry') || topic.startsWith('VideoSource/ImageTooBright')) {
    state = get('State');
    mapped = { kind: 'tamper', payload: {} };
  } else if (topic === 'VideoSource/SignalLoss') {
    state = get('State');
    mapped = { kind: 'video.loss', payload: {} };
  } else if (topic === 'Device/Trigger/DigitalInput') {
    if (!isTrue(get('LogicalState'))) return { status: 'skipped', topic, why: 'input went inactive' };
    const input = source.find((s) => s.name === 'InputToken')?.value ?? '?';
    return { status: 'refused', topic, field: 'topic', reason: `digital input ${input} of the camera became active (${rawTopic}); what is wired to it is not in the ledger, so no event kind is guessed` };
  } else {
    return { status: 'skipped', topic, why: 'topic not mapped' };
  }
  if (!isTrue(state)) return { status: 'skipped', topic, why: 'state ended' };

  const at = attrs.UtcTime instanceof Date ? attrs.UtcTime : typeof attrs.UtcTime === 'string' ? new Date(attrs.UtcTime) : null;
  const occurredAt = at && Number.isFinite(at.getTime()) ? at.toISOString() : undefined;
  // The same notification pulled twice (a re-created subscription) is stored once.
  const key = createHash('sha1')
    .update(JSON.stringify([rawTopic, occurredAt ?? null, source, data]))
    .digest('hex')
    .slice(0, 32);
  return { status: 'event', topic, envelope: { kind: mapped.kind, sourceEventId: `onvif:${key}`, ...(occurredAt ? { occurredAt } : {}), payload: mapped.payload } };
}
