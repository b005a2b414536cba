import type { TFunction } from 'i18next';
import type { FieldProblem } from '../../../shared/error-codes.ts';

/** Rules the server names in `details[].rule` that have their own wording in the UI. */
const PLAIN_RULES = ['required', 'enum', 'unknown', 'format', 'type'] as const;
const LIMIT_RULES = ['minimum', 'maximum', 'minLength', 'maxLength'] as const;
const NUMBER = /-?\d+(?:\.\d+)?/;

/**
 * One field problem in the user's language: known rules get translated wording (limits taken
 * from the server's reason), GB/T 28181 problems keep the server's precise reason, anything
 * else shows the server's reason as is.
 */
export function problemMessage(p: FieldProblem, t: TFunction): string {
  const rule = p.rule ?? (p.reason === 'is required' ? 'required' : undefined);
  if ((PLAIN_RULES as readonly string[]).includes(rule ?? '')) return t(`validation.${rule as (typeof PLAIN_RULES)[number]}`);
  if ((LIMIT_RULES as readonly string[]).includes(rule ?? '')) {
    const limit = NUMBER.exec(p.reason)?.[0];
    return limit ? t(`validation.${rule as (typeof LIMIT_RULES)[number]}`, { limit }) : p.reason;
  }
  if (rule === 'gb28181') return t('validation.gb28181', { reason: p.reason });
  return p.reason;
}

export type NamePath = (string | number)[];

export interface MappedProblems {
  /** For `form.setFields`: errors on the form's own fields. */
  fields: { name: NamePath; errors: string[] }[];
  /** Problems of fields the form does not show, as "field: message" lines. */
  other: string[];
}

/**
 * Spreads the server's `details` over a form: `resolve` maps an API field path (`camera.fovDeg`,
 * `floorId`) to the form field that shows it, or null when no field does.
 */
export function mapProblems(details: FieldProblem[], resolve: (field: string) => NamePath | null, t: TFunction, label: (field: string) => string = (f) => f): MappedProblems {
  const byField = new Map<string, { name: NamePath; errors: string[] }>();
  const other: string[] = [];
  for (const p of details) {
    const message = problemMessage(p, t);
    const name = resolve(p.field);
    if (!name) {
      other.push(t('validation.fieldProblem', { field: label(p.field), message }));
      continue;
    }
    const key = name.join('.');
    const entry = byField.get(key) ?? { name, errors: [] };
    if (!entry.errors.includes(message)) entry.errors.push(message);
    byField.set(key, entry);
  }
  return { fields: [...byField.values()], other };
}
