import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RuleDefinition } from '../../../shared/alarms.ts';
import { createAjv } from '../../../server/http/validator.ts';
import { DEFAULT_RULES } from '../../../server/modules/alarms/default-rules.ts';
import { ACTION_TYPE_LIST, datesBetween, formPathOf, newAction, newRule, problemsByRule, rulesInFile, switchTrigger, toDefinition, TRIGGER_TYPES, triggerSummary } from './rule-form.ts';

const validate = createAjv(false).compile(RuleDefinition);

describe('rule editor helpers', () => {
  it('read trigger and action types from the shared schema', () => {
    assert.ok(TRIGGER_TYPES.includes('event') && TRIGGER_TYPES.includes('count'));
    assert.deepEqual(ACTION_TYPE_LIST.slice(0, 5), ['create_alarm', 'link_cameras', 'door_command', 'notify_guards', 'webhook']);
  });

  it('give every action type defaults the schema accepts', () => {
    for (const type of ACTION_TYPE_LIST) {
      const def = { name: 'x', enabled: true, trigger: { type: 'event', kinds: ['panic'] }, actions: [newAction('create_alarm'), ...(type === 'create_alarm' ? [] : [newAction(type)])] };
      if (type === 'webhook') (def.actions[1] as { url: string }).url = 'https://example.org/hook';
      assert.ok(validate(toDefinition(def)), `${type}: ${JSON.stringify(validate.errors)}`);
    }
  });

  it('round-trip every default rule through the form unchanged (nothing lost)', () => {
    for (const rule of DEFAULT_RULES) assert.deepEqual(toDefinition(structuredClone(rule)), rule, rule.name);
  });

  it('leave out empty optional fields but keep unknown keys for the server to judge', () => {
    const def = toDefinition({
      name: 'n',
      enabled: true,
      description: '  ',
      trigger: { type: 'event', kinds: ['panic'], deviceIds: [], campusIds: undefined, buildingIds: null },
      actions: [{ type: 'create_alarm', alarmType: 'panic', priority: 1, title: '', latch: undefined }],
      extra: 1,
    });
    assert.deepEqual(def, { name: 'n', enabled: true, trigger: { type: 'event', kinds: ['panic'] }, actions: [{ type: 'create_alarm', alarmType: 'panic', priority: 1 }], extra: 1 });
  });

  it('switch a trigger type keeping the kinds the new type accepts and the scope', () => {
    const next = switchTrigger({ type: 'event', kinds: ['access.denied', 'device.went_offline'], campusIds: ['c1'] }, 'count');
    assert.deepEqual(next, { type: 'count', kinds: ['access.denied'], campusIds: ['c1'], threshold: 5, windowSeconds: 120 });
    assert.deepEqual(switchTrigger(next, 'event'), { type: 'event', kinds: ['access.denied'], campusIds: ['c1'] });
  });

  it('map server field paths to form fields', () => {
    assert.deepEqual(formPathOf('definition.actions[1].url'), ['actions', 1, 'url']);
    assert.deepEqual(formPathOf('definition.trigger.deviceIds[2]'), ['trigger', 'deviceIds']);
    assert.deepEqual(formPathOf('definition.schedule.periods[0].days[1]'), ['schedule', 'periods', 0, 'days']);
    assert.deepEqual(formPathOf('definition.schedule.periods[0].from'), ['schedule', 'periods', 0, 'from']);
    assert.equal(formPathOf('definition'), null);
    assert.deepEqual(formPathOf('rules[3].name'), ['name']);
  });

  it('group import problems by rule and read the three file shapes', () => {
    const by = problemsByRule([{ field: 'rules[1].name', reason: 'x' }, { field: 'rules[1].actions', reason: 'y' }, { field: 'universityId', reason: 'z' }]);
    assert.equal(by.get(1)?.length, 2);
    assert.equal(by.get(null)?.length, 1);
    assert.equal(rulesInFile('{"format":"xiaoan.rules/1","rules":[{},{}]}').length, 2);
    assert.equal(rulesInFile('[{}]').length, 1);
    assert.equal(rulesInFile('{"name":"x"}').length, 1);
    assert.throws(() => rulesInFile('{not json'));
  });

  it('summarise triggers and list the dates of a span', () => {
    assert.deepEqual(triggerSummary({ type: 'count', kinds: ['access.denied'], threshold: 5, windowSeconds: 120 }), { key: 'count', kinds: ['access.denied'], threshold: 5, windowSeconds: 120 });
    assert.deepEqual(datesBetween('2026-02-27', '2026-03-02'), ['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    assert.equal(newRule().enabled, true);
  });
});
