/**
 * Pure helpers of the rule editor. The form edits the rule definition itself (the shape of
 * src/shared/alarms.ts), so whatever the form shows no field for — keys written in the JSON
 * tab, fields of a newer schema — travels along untouched. What the form needs to know about
 * trigger and action types (their keys, required keys, allowed event kinds) is read from the
 * shared schema, so a new trigger type appears here without a change.
 */
import { Action, Trigger, type ActionT, type RuleDefinitionT, type TriggerT } from '../../../shared/alarms.ts';
import type { FieldProblem } from '../../../shared/error-codes.ts';

interface VariantSchema {
  properties: Record<string, { const?: string; items?: { enum?: string[] } }>;
  required?: string[];
}

function variants(union: unknown): Map<string, { keys: string[]; required: string[]; kinds?: string[] }> {
  const out = new Map<string, { keys: string[]; required: string[]; kinds?: string[] }>();
  for (const s of (union as { oneOf: VariantSchema[] }).oneOf) {
    const type = s.properties.type?.const;
    if (type) out.set(type, { keys: Object.keys(s.properties), required: s.required ?? [], kinds: s.properties.kinds?.items?.enum });
  }
  return out;
}

/** Trigger types (event, count, absence …) with their keys and the event kinds each accepts. */
export const TRIGGER_VARIANTS = variants(Trigger);
export const TRIGGER_TYPES = [...TRIGGER_VARIANTS.keys()];
/** Action types with their keys. */
export const ACTION_VARIANTS = variants(Action);
export const ACTION_TYPE_LIST = [...ACTION_VARIANTS.keys()];

/** Optional scope keys every trigger type shares (which devices a rule watches). */
export const SCOPE_KEYS = ['deviceKinds', 'deviceIds', 'campusIds', 'buildingIds', 'keySiteCategories'] as const;

/** Fields that hold a list of plain values: a problem with one item is shown on the whole list. */
const LIST_FIELDS = new Set<string>(['kinds', 'days', ...SCOPE_KEYS]);

const TRIGGER_DEFAULTS: Record<string, Record<string, unknown>> = {
  count: { threshold: 5, windowSeconds: 120 },
  absence: { from: '21:00', by: '23:00' },
};

export const ACTION_DEFAULTS: Record<string, Record<string, unknown>> = {
  create_alarm: { alarmType: 'custom', priority: 2 },
  link_cameras: { max: 4 },
  door_command: { command: 'lock', target: 'event_device' },
  notify_guards: { count: 2 },
  webhook: { url: 'https://' },
};

export const DEFAULT_SCHEDULE = {
  periods: [
    { days: [1, 2, 3, 4, 5], from: '19:00', to: '07:00' },
    { days: [6, 7], from: '00:00', to: '24:00' },
  ],
  holidays: 'armed',
  vacations: 'as_scheduled',
} as const satisfies NonNullable<RuleDefinitionT['schedule']>;

/** A new rule: enabled, one event kind to pick, and an alarm. */
export function newRule(): RuleDefinitionT {
  return {
    name: '',
    enabled: true,
    trigger: { type: 'event', kinds: [] as unknown as ['panic'] },
    actions: [
      { type: 'create_alarm', alarmType: 'custom', priority: 2 },
      { type: 'link_cameras', max: 4 },
    ],
  };
}

/** A trigger switched to another type keeps its kinds (those the type accepts) and scope, and gains the type's defaults. */
export function switchTrigger(trigger: Record<string, unknown>, type: string): Record<string, unknown> {
  const variant = TRIGGER_VARIANTS.get(type);
  if (!variant) return { ...trigger, type };
  const next: Record<string, unknown> = { type };
  for (const key of variant.keys) if (key !== 'type' && trigger[key] !== undefined) next[key] = trigger[key];
  if (Array.isArray(next.kinds) && variant.kinds) next.kinds = (next.kinds as string[]).filter((k) => variant.kinds!.includes(k));
  for (const [key, value] of Object.entries(TRIGGER_DEFAULTS[type] ?? {})) if (next[key] === undefined) next[key] = value;
  return next;
}

/** A fresh action of a type, with sensible values for its required fields. */
export const newAction = (type: string): Record<string, unknown> => ({ type, ...(ACTION_DEFAULTS[type] ?? {}) });

const isEmpty = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/**
 * The definition to send from the form's values: empty optional fields left out (an empty
 * scope list means "no restriction", an empty title "the default title"), everything else —
 * including keys the form does not know — as it is.
 */
export function toDefinition(values: unknown): RuleDefinitionT {
  const v = structuredClone((values ?? {}) as Record<string, unknown>);
  const clean = (o: Record<string, unknown>, optional: readonly string[]) => {
    for (const [key, value] of Object.entries(o)) {
      if (value === undefined || value === null) delete o[key];
      else if (optional.includes(key) && (isEmpty(value) || (Array.isArray(value) && value.length === 0))) delete o[key];
    }
  };
  clean(v, ['description']);
  if (v.trigger && typeof v.trigger === 'object') clean(v.trigger as Record<string, unknown>, SCOPE_KEYS);
  if (v.schedule && typeof v.schedule === 'object') clean(v.schedule as Record<string, unknown>, []);
  if (Array.isArray(v.actions)) {
    v.actions = v.actions.filter((a) => a && typeof a === 'object');
    for (const a of v.actions as Record<string, unknown>[]) clean(a, ['title', 'latch', 'presetFromRule', 'timeoutSeconds']);
  }
  return v as unknown as RuleDefinitionT;
}

/**
 * Where in the form a problem the server names belongs: `definition.actions[1].url` →
 * ['actions', 1, 'url']; an item of a value list (`trigger.deviceIds[2]`) → the list.
 * Returns null for problems about the rule as a whole.
 */
export function formPathOf(field: string): (string | number)[] | null {
  const rest = field.replace(/^definition\.?/, '').replace(/^rules\[\d+\]\.?/, '');
  if (!rest) return null;
  const path: (string | number)[] = [];
  for (const m of rest.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) path.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  const last = path[path.length - 1];
  if (typeof last === 'number' && LIST_FIELDS.has(String(path[path.length - 2]))) path.pop();
  return path;
}

/** Problems of an import, by the rule (index) they belong to; `null` for the import as a whole. */
export function problemsByRule(details: readonly FieldProblem[]): Map<number | null, FieldProblem[]> {
  const out = new Map<number | null, FieldProblem[]>();
  for (const d of details) {
    const m = /^rules\[(\d+)\]/.exec(d.field);
    const key = m ? Number(m[1]) : null;
    out.set(key, [...(out.get(key) ?? []), d]);
  }
  return out;
}

/** Rules in an uploaded file: an export (`{format, rules}`), a list of definitions, or one definition. */
export function rulesInFile(text: string): unknown[] {
  const parsed: unknown = JSON.parse(text);
  if (Array.isArray(parsed)) return parsed;
  if (parsed && typeof parsed === 'object' && Array.isArray((parsed as { rules?: unknown }).rules)) return (parsed as { rules: unknown[] }).rules;
  return [parsed];
}

/** The alarm a rule raises (its create_alarm action), if any: the list shows its priority. */
export const alarmActionOf = (def: RuleDefinitionT): Extract<ActionT, { type: 'create_alarm' }> | undefined =>
  (def.actions ?? []).find((a): a is Extract<ActionT, { type: 'create_alarm' }> => a.type === 'create_alarm');

export type TriggerSummaryPart =
  | { key: 'event'; kinds: string[] }
  | { key: 'count'; kinds: string[]; threshold: number; windowSeconds: number }
  | { key: 'absence'; kinds: string[]; from: string; by: string }
  | { key: 'other'; type: string; kinds: string[] };

/** The trigger as parts the list puts into a sentence (the words come from i18n). */
export function triggerSummary(trigger: TriggerT | undefined): TriggerSummaryPart {
  const t = (trigger ?? { type: 'event', kinds: [] }) as Record<string, unknown> & { type: string; kinds?: string[] };
  const kinds = t.kinds ?? [];
  if (t.type === 'event') return { key: 'event', kinds };
  if (t.type === 'count') return { key: 'count', kinds, threshold: Number(t.threshold), windowSeconds: Number(t.windowSeconds) };
  if (t.type === 'absence') return { key: 'absence', kinds, from: String(t.from), by: String(t.by) };
  return { key: 'other', type: t.type, kinds };
}

/** How many kinds of scope restriction a trigger has (0 = every device of the university). */
export const scopeCount = (trigger: TriggerT | undefined) => SCOPE_KEYS.filter((k) => (trigger as Record<string, unknown> | undefined)?.[k] !== undefined).length;

/** Every date from `from` to `to` (YYYY-MM-DD, inclusive), for marking a span such as a vacation. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let d = Date.parse(`${from}T00:00:00Z`); d <= end && out.length < 1000; d += 86_400_000) out.push(new Date(d).toISOString().slice(0, 10));
  return out;
}
