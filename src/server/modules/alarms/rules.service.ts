import { uuid4 } from '../../util/uuid7.ts';
import type { ModuleDb } from '../../store/tables.ts';
import type { ValidateFunction } from 'ajv';
import type { Selectable } from 'kysely';
import { RuleDefinition, type AlarmRule, type RuleDefinitionT } from '../../../shared/alarms.ts';
import type { FieldProblem } from '../../../shared/error-codes.ts';
import type { Clock } from '../../clock.ts';
import { invalid, invalidField, problemsFromAjv, type AjvError } from '../../http/errors.ts';
import { type Actor, assertInScope, listScope, scopeOf } from '../../http/policy.ts';
import { createAjv } from '../../http/validator.ts';
import { readJson, writeJson } from '../../store/database.ts';
import type { AlarmRuleTable } from '../../store/schema.ts';
import type { DevicesService } from '../devices/index.ts';
import type { OrgService } from '../org/index.ts';
import type { AuditService } from '../audit/index.ts';
import { DEFAULT_RULES } from './default-rules.ts';

export type { AlarmRule };

const toRule = (r: Selectable<AlarmRuleTable>): AlarmRule => ({
  id: r.id,
  universityId: r.university_id,
  version: r.version,
  definition: readJson<RuleDefinitionT>(r.definition),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/**
 * Linkage rules (联动规则) are data: validated by one schema (unknown keys rejected), versioned,
 * audited, importable and exportable as JSON. The engine reads them through `rulesFor`.
 */
export class RulesService {
  private readonly validate: ValidateFunction;
  /** Enabled rules per university, rebuilt after any change. */
  private cache = new Map<string, AlarmRule[]>();

  constructor(
    private readonly db: ModuleDb<'alarms'>,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly org: Pick<OrgService, 'isUniversity' | 'unitsByIds'>,
    private readonly ledger: Pick<DevicesService, 'byIds'>,
  ) {
    this.validate = createAjv(false).compile(RuleDefinition);
  }

  /** Schema check plus the checks a schema cannot make (ids that must exist in the university). */
  async check(universityId: string, value: unknown, prefix = ''): Promise<RuleDefinitionT> {
    if (!this.validate(value)) throw invalid(problemsFromAjv(this.validate.errors as AjvError[], prefix));
    const def = value as RuleDefinitionT;
    const problems: FieldProblem[] = [];
    const at = (f: string) => (prefix ? `${prefix}.${f}` : f);
    const ids = async (field: string, list: string[] | undefined, objects: 'devices' | 'org_units', kind?: string) => {
      if (!list?.length) return;
      const candidates = objects === 'devices' ? await this.ledger.byIds(list) : await this.org.unitsByIds(list);
      const found = new Set(candidates.filter((o) => o.universityId === universityId && (!kind || o.kind === kind)).map((o) => o.id));
      list.forEach((id, i) => found.has(id) || problems.push({ field: at(`${field}[${i}]`), reason: 'no such object in this university', rule: 'exists' }));
    };
    await ids('trigger.deviceIds', def.trigger.deviceIds, 'devices');
    await ids('trigger.campusIds', def.trigger.campusIds, 'org_units', 'campus');
    await ids('trigger.buildingIds', def.trigger.buildingIds, 'org_units', 'building');
    if (!def.actions.some((a) => a.type === 'create_alarm') && def.actions.some((a) => a.type === 'link_cameras' || a.type === 'notify_guards')) {
      problems.push({ field: at('actions'), reason: 'linking cameras or dispatching guards needs a create_alarm action in the same rule', rule: 'consistency' });
    }
    if (def.actions.filter((a) => a.type === 'create_alarm').length > 1) problems.push({ field: at('actions'), reason: 'at most one create_alarm action', rule: 'consistency' });
    if (problems.length) throw invalid(problems);
    return def;
  }

  async list(actor: Actor, universityId?: string): Promise<AlarmRule[]> {
    let q = this.db.selectFrom('alarm_rules').selectAll();
    const scope = listScope(actor, universityId);
    if (scope !== null) q = q.where('university_id', '=', scope);
    return (await q.orderBy('name').execute()).map(toRule);
  }

  async get(actor: Actor, id: string): Promise<AlarmRule> {
    const row = await this.db.selectFrom('alarm_rules').selectAll().where('id', '=', id).executeTakeFirst();
    return assertInScope(actor, row && toRule(row), (r) => r.universityId, 'rule');
  }

  private universityFor(actor: Actor, requested?: string): string {
    const scope = scopeOf(actor);
    const universityId = scope ?? requested;
    if (!universityId) throw invalidField('universityId', 'is required for a city-wide account');
    return universityId;
  }

  async create(actor: Actor, input: { universityId?: string; definition: unknown }): Promise<AlarmRule> {
    const universityId = this.universityFor(actor, input.universityId);
    if (!(await this.org.isUniversity(universityId))) throw invalidField('universityId', 'no such university');
    const definition = await this.check(universityId, input.definition, 'definition');
    const rule = await this.insert(actor, universityId, definition);
    return rule;
  }

  private async insert(actor: Actor, universityId: string, definition: RuleDefinitionT, trx: ModuleDb<'alarms'> = this.db): Promise<AlarmRule> {
    const now = this.clock.nowIso();
    const rule: AlarmRule = { id: uuid4(), universityId, version: 1, definition, createdAt: now, updatedAt: now };
    await trx
      .insertInto('alarm_rules')
      .values({ id: rule.id, university_id: universityId, name: definition.name, enabled: definition.enabled ? 1 : 0, definition: writeJson(definition), version: 1, created_at: now, updated_at: now })
      .execute();
    await this.audit.record(trx, actor, { action: 'create', entityType: 'alarm_rule', entityId: rule.id, universityId, after: rule });
    this.cache.delete(universityId);
    return rule;
  }

  async update(actor: Actor, id: string, definitionInput: unknown): Promise<AlarmRule> {
    const before = await this.get(actor, id);
    const definition = await this.check(before.universityId, definitionInput, 'definition');
    const after: AlarmRule = { ...before, definition, version: before.version + 1, updatedAt: this.clock.nowIso() };
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('alarm_rules')
        .set({ name: definition.name, enabled: definition.enabled ? 1 : 0, definition: writeJson(definition), version: after.version, updated_at: after.updatedAt })
        .where('id', '=', id)
        .execute();
      await this.audit.record(trx, actor, { action: 'update', entityType: 'alarm_rule', entityId: id, universityId: before.universityId, before, after });
    });
    this.cache.delete(before.universityId);
    return after;
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const before = await this.get(actor, id);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('alarm_rules').where('id', '=', id).execute();
      await this.audit.record(trx, actor, { action: 'delete', entityType: 'alarm_rule', entityId: id, universityId: before.universityId, before });
    });
    this.cache.delete(before.universityId);
  }

  /** Export: the definitions only, ready to import elsewhere. */
  async exportRules(actor: Actor, universityId?: string): Promise<{ format: 'xiaoan.rules/1'; rules: RuleDefinitionT[] }> {
    return { format: 'xiaoan.rules/1', rules: (await this.list(actor, universityId)).map((r) => r.definition) };
  }

  /** Import: every rule is validated first; nothing is written unless all are valid. */
  async importRules(actor: Actor, input: { universityId?: string; rules: unknown[] }): Promise<AlarmRule[]> {
    const universityId = this.universityFor(actor, input.universityId);
    const defs: RuleDefinitionT[] = [];
    const problems: FieldProblem[] = [];
    for (const [i, r] of input.rules.entries()) {
      try {
        defs.push(await this.check(universityId, r, `rules[${i}]`));
      } catch (e) {
        problems.push(...((e as { details?: FieldProblem[] }).details ?? [{ field: `rules[${i}]`, reason: String(e) }]));
      }
    }
    if (problems.length) throw invalid(problems);
    return this.db.transaction().execute(async (trx) => {
      const out: AlarmRule[] = [];
      for (const d of defs) out.push(await this.insert(actor, universityId, d, trx));
      return out;
    });
  }

  /** Installs the default rules once for a university that has none. */
  async ensureDefaults(actor: Actor, universityId: string): Promise<number> {
    const existing = await this.db.selectFrom('alarm_rules').select('id').where('university_id', '=', universityId).limit(1).execute();
    if (existing.length) return 0;
    await this.db.transaction().execute(async (trx) => {
      for (const d of DEFAULT_RULES) await this.insert(actor, universityId, d, trx);
    });
    return DEFAULT_RULES.length;
  }

  /** Enabled rules of a university, for the engine. */
  async rulesFor(universityId: string): Promise<AlarmRule[]> {
    const hit = this.cache.get(universityId);
    if (hit) return hit;
    const rows = await this.db.selectFrom('alarm_rules').selectAll().where('university_id', '=', universityId).where('enabled', '=', 1).execute();
    const rules = rows.map(toRule);
    this.cache.set(universityId, rules);
    return rules;
  }

  async getById(id: string): Promise<AlarmRule | undefined> {
    const row = await this.db.selectFrom('alarm_rules').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRule(row);
  }
}

