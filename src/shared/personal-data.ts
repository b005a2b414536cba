/**
 * Personal data in device events (personal-information rules in STANDARDS): person ids and
 * credential (card, QR) numbers leave the server masked, keeping a start and an end so a
 * security officer can still tell two people apart. The same functions mask on the console.
 */
import type { DeviceEvent } from './events.ts';

/** Keeps `head` characters at the start and `tail` at the end; the rest become `*`. Short values keep less. */
export function maskId(value: string, head = 4, tail = 2): string {
  const n = value.length;
  if (n <= 2) return '*'.repeat(n);
  const keepTail = Math.min(tail, Math.floor(n / 4));
  const keepHead = Math.min(head, Math.max(1, Math.floor((n - keepTail) / 2)));
  return value.slice(0, keepHead) + '*'.repeat(n - keepHead - keepTail) + value.slice(n - keepTail);
}

export const maskPersonId = (v: string) => maskId(v, 4, 2);
export const maskCredentialId = (v: string) => maskId(v, 2, 2);

/** 身份证号/护照号: region and last four stay (1101**********1234), enough to tell two people apart. */
export const maskIdNumber = (v: string) => maskId(v, 4, 4);

/** Phone numbers as Chinese apps show them: 138****5678 (three at the start, four at the end). */
export function maskPhone(v: string): string {
  if (v.length < 8) return maskId(v, 1, 2);
  return v.slice(0, 3) + '*'.repeat(v.length - 7) + v.slice(-4);
}

/** Payload fields that name a person, and how each is masked. */
const PERSONAL_FIELDS: Record<string, (v: string) => string> = {
  personId: maskPersonId,
  credentialId: maskCredentialId,
};

/** The event as it may be shown: personal fields of its payload masked (the stored event is untouched). */
export function presentEvent<E extends DeviceEvent>(event: E): E {
  const payload = event.payload as Record<string, unknown> | null;
  if (!payload || typeof payload !== 'object') return event;
  let masked: Record<string, unknown> | null = null;
  for (const [field, mask] of Object.entries(PERSONAL_FIELDS)) {
    const v = payload[field];
    if (typeof v === 'string' && v) (masked ??= { ...payload })[field] = mask(v);
  }
  return masked ? { ...event, payload: masked } : event;
}
