/**
 * A university's tightened pack (issue 16 item 1), pure: the baseline pack with the overrides the
 * university chose, each parameter only ever made stricter and within sensible bounds. The score
 * names the pack `<version>+tightened` and each changed rule carries its baseline values.
 */
import type { ParamSetting } from '../../../shared/compliance-evidence.ts';
import type { FieldProblem } from '../../../shared/error-codes.ts';
import type { RulePack } from './packs.ts';

export type PackOverrides = Record<string, Record<string, number>>;

/** The marker a tightened pack's version carries after the baseline version (`2026.2+tightened`). */
export const TIGHTENED_SUFFIX = '+tightened';

/** How far a parameter may be tightened: the upper bound of a `higher` one, the lower bound of a `lower` one. */
const HIGHEST: Record<string, number> = { minShare: 1, targetShare: 1, minRate: 1, minComplete: 1, days: 3650, minAreaM2: 1000, hours: 72 };
const LOWEST: Record<string, number> = { maxLengthM: 10, hours: 1, ackS: 5, arriveS: 30 };
const INTEGER_PARAMS = new Set(['days', 'hours', 'ackS', 'arriveS']);

/** The baseline version a (possibly tightened) pack version names. */
export const baselineVersion = (version: string) => version.split('+')[0]!;

/** Each tunable parameter of each rule with its baseline, the value in force and its bounds. */
export function paramSettings(pack: RulePack, overrides: PackOverrides): { ruleId: string; title: string; params: ParamSetting[] }[] {
  return pack.rules.map((rule) => ({
    ruleId: rule.id,
    title: rule.title,
    params: Object.entries(rule.paramsStricter ?? {}).map(([name, stricter]) => {
      const baseline = rule.params[name]!;
      const farthest = stricter === 'higher' ? (HIGHEST[name] ?? baseline * 10) : (LOWEST[name] ?? 0);
      return { name, baseline, value: overrides[rule.id]?.[name] ?? baseline, stricter, min: stricter === 'higher' ? baseline : farthest, max: stricter === 'higher' ? farthest : baseline };
    }),
  }));
}

/**
 * Checks requested overrides against the pack: known rules and tunable parameters only, tighter
 * than (or equal to) the pack and within bounds. Returns the overrides that differ from the pack,
 * or the problems, each naming `params.<rule>.<param>`.
 */
export function checkOverrides(pack: RulePack, requested: PackOverrides): { overrides: PackOverrides; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const overrides: PackOverrides = {};
  for (const [ruleId, params] of Object.entries(requested)) {
    const rule = pack.rules.find((r) => r.id === ruleId);
    if (!rule) {
      problems.push({ field: `params.${ruleId}`, reason: `未知规则：规则包 ${pack.id} 没有 ${ruleId}`, rule: 'unknown' });
      continue;
    }
    const settings = paramSettings(pack, {}).find((s) => s.ruleId === ruleId)!.params;
    for (const [name, value] of Object.entries(params)) {
      const field = `params.${ruleId}.${name}`;
      const s = settings.find((p) => p.name === name);
      if (!(name in rule.params)) problems.push({ field, reason: `未知参数：${ruleId} 的参数有 ${Object.keys(rule.params).join('、') || '（无）'}`, rule: 'unknown' });
      else if (!s) problems.push({ field, reason: '该参数不可调整（平台按规则包的值取数）', rule: 'fixed' });
      else if (!Number.isFinite(value)) problems.push({ field, reason: '必须是数字', rule: 'type' });
      else if (s.stricter === 'higher' && value < s.baseline) problems.push({ field, reason: `只能收紧：不得低于规则包的 ${s.baseline}`, rule: 'tighten_only' });
      else if (s.stricter === 'lower' && value > s.baseline) problems.push({ field, reason: `只能收紧：不得高于规则包的 ${s.baseline}`, rule: 'tighten_only' });
      else if (value > s.max) problems.push({ field, reason: `不得高于 ${s.max}`, rule: 'maximum' });
      else if (value < s.min) problems.push({ field, reason: `不得低于 ${s.min}`, rule: 'minimum' });
      else if (INTEGER_PARAMS.has(name) && !Number.isInteger(value)) problems.push({ field, reason: '必须是整数', rule: 'integer' });
      else if (value !== s.baseline) (overrides[ruleId] ??= {})[name] = value;
    }
  }
  return { overrides, problems };
}

/** The pack a university is scored with: the baseline, or the baseline with its overrides and a marked version. */
export function effectivePack(pack: RulePack, overrides: PackOverrides | undefined): RulePack {
  const changed = Object.entries(overrides ?? {}).filter(([, p]) => Object.keys(p).length > 0);
  if (changed.length === 0) return pack;
  return {
    ...pack,
    version: `${pack.version}${TIGHTENED_SUFFIX}`,
    title: `${pack.title}（本校收紧）`,
    rules: pack.rules.map((rule) => {
      const o = overrides?.[rule.id];
      if (!o || Object.keys(o).length === 0) return rule;
      return { ...rule, params: { ...rule.params, ...o }, baselineParams: Object.fromEntries(Object.keys(o).map((k) => [k, rule.params[k]!])) };
    }),
  };
}
