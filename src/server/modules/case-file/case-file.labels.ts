/**
 * Chinese wording of the case file. Closed lists (alarm types, states, log actions, event kinds,
 * payload fields …) and the case file's own headings (`caseFile.pdf.*`) are read from the shared
 * zh-CN strings (src/shared/i18n/zh-CN/), the same ones the web console shows, so the PDF says
 * exactly what the operator screen says.
 */
import { lookupString, SHARED_STRINGS, type StringTree } from '../../../shared/i18n/index.ts';

const ZH: StringTree = SHARED_STRINGS['zh-CN'];

/** The zh-CN text of `key` with `{{var}}` filled in; `fallback` (or the key) when it has none. */
export function zhT(key: string, vars: Record<string, string | number> = {}, fallback?: string): string {
  const text = lookupString(ZH, key) ?? fallback ?? key;
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, name: string) => (name in vars ? String(vars[name]) : ''));
}

/** A case-file heading or phrase (`caseFile.pdf.<key>`). */
export const pdfT = (key: string, vars: Record<string, string | number> = {}) => zhT(`caseFile.pdf.${key}`, vars);

/** A closed-list label, or the code itself when the list does not know it. */
export const label = (group: string, code: string | null | undefined) => (code ? zhT(`${group}.${code}`, {}, code) : '');

/** Event kinds are dotted codes (`access.denied`); their labels use underscores. */
export const eventKindLabel = (kind: string) => zhT(`events.kind.${kind.replace(/\./g, '_')}`, {}, kind);

/** Keeps the start and the end of a person or card id, as the event screens do (`2023****67`). */
export function maskId(value: string, head: number, tail: number): string {
  const n = value.length;
  if (n <= 2) return '*'.repeat(n);
  const keepTail = Math.min(tail, Math.floor(n / 4));
  const keepHead = Math.min(head, Math.max(1, Math.floor((n - keepTail) / 2)));
  return value.slice(0, keepHead) + '*'.repeat(n - keepHead - keepTail) + value.slice(n - keepTail);
}

const ENUM_FIELDS = new Set(['credentialType', 'direction', 'reason', 'detector', 'method', 'detectorType', 'objectType', 'what', 'colour', 'vehicleType', 'result']);
const PERCENT_FIELDS = new Set(['similarity', 'confidence']);

/** An event's payload on one line, fields labelled, people and card ids masked. */
export function payloadText(payload: unknown, formatTime: (iso: string) => string): string {
  if (!payload || typeof payload !== 'object') return '';
  return Object.entries(payload as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([key, raw]) => {
      const text = typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
      let value = text;
      if (ENUM_FIELDS.has(key)) value = zhT(`events.value.${key}.${text}`, {}, text);
      else if (key === 'credentialId') value = maskId(text, 2, 2);
      else if (key === 'personId') value = maskId(text, 4, 2);
      else if (PERCENT_FIELDS.has(key) && typeof raw === 'number') value = `${Math.round(raw * 1000) / 10}%`;
      else if (key === 'lastSeenAt') value = formatTime(text);
      return `${zhT(`events.field.${key}`, {}, key)}：${value}`;
    })
    .join('；');
}
