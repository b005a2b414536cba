import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import i18next from 'i18next';
import { EVENT_KIND_LIST, EVENT_KINDS, EVENT_SOURCES, SEVERITIES, type DeviceEvent } from '../../../shared/events.ts';
import { resources } from '../../i18n/resources.ts';
import { formatDuration, formatPercent, maskCredentialId, maskId, maskPersonId, payloadFields, payloadSummary, type Translate } from './event-format.ts';
import { ALL_EVENT_KINDS, kindKey } from './event-kinds.ts';

let zh: Translate;
let en: Translate;
before(async () => {
  for (const [lng, set] of [
    ['zh-CN', (t: Translate) => (zh = t)],
    ['en', (t: Translate) => (en = t)],
  ] as const) {
    const instance = i18next.createInstance();
    await instance.init({ lng, resources: { [lng]: resources[lng] }, interpolation: { escapeValue: false } });
    set(instance.t as unknown as Translate);
  }
});

const event = (kind: DeviceEvent['kind'], payload: object) => ({ kind, payload }) as Pick<DeviceEvent, 'payload'>;

describe('event payloads on screen', () => {
  it('mask person ids and card numbers, keeping their start and end', () => {
    assert.equal(maskPersonId('2023104567'), '2023****67');
    assert.equal(maskCredentialId('3A9F22C1'), '3A****C1');
    assert.equal(maskPersonId('103716'), '10***6', 'short ids keep less');
    assert.equal(maskId('AB'), '**');
    assert.equal(maskId('ABC'), 'A**');
    for (const id of ['2023104567', '3A9F22C1', '103716', 'X12', '6533240300']) {
      const m = maskPersonId(id);
      assert.equal(m.length, id.length);
      assert.ok(m.split('').filter((c) => c === '*').length >= id.length / 2 - 1, `${id} → ${m} hides about half`);
    }
  });

  it('show a plate read in Chinese: plate, colour, direction and confidence in %', () => {
    const fields = payloadFields(event('plate.read', { plate: '沪A12345', colour: 'blue', direction: 'in', confidence: 0.97, lane: 1 }), zh);
    assert.deepEqual(
      fields.map((f) => [f.label, f.value]),
      [
        ['车牌号', '沪A12345'],
        ['车牌颜色', '蓝牌'],
        ['方向', '进'],
        ['置信度', '97%'],
        ['车道', '1'],
      ],
    );
    assert.equal(payloadSummary(event('plate.read', { plate: '沪A12345', colour: 'blue', direction: 'in', confidence: 0.97, lane: 1 }), zh), '沪A12345 · 蓝牌 · 进 · 置信度 97%');
  });

  it('mask ids in access events, in details and in the summary', () => {
    const e = event('access.denied', { credentialType: 'card', credentialId: '3A9F22C1', personId: '2023104567', reason: 'time_restricted' });
    const text = payloadFields(e, zh)
      .map((f) => `${f.label}=${f.value}`)
      .join(';');
    assert.equal(text, '凭证类型=刷卡;卡号/凭证号=3A****C1;人员编号=2023****67;原因=不在允许时段');
    assert.doesNotMatch(payloadSummary(e, zh), /2023104567|3A9F22C1/);
    assert.match(payloadSummary(e, en), /Card · Card \/ credential no\. 3A\*\*\*\*C1/);
  });

  it('turn seconds into durations and keep unknown fields and values readable', () => {
    assert.equal(formatDuration(42, zh), '42 秒');
    assert.equal(formatDuration(3 * 86400 + 4 * 3600 + 5, zh), '3 天 4 小时');
    assert.equal(formatDuration(3720, en), '1 h 2 min');
    assert.equal(formatPercent(0.005), '0.5%');
    const fields = payloadFields(event('motion', { objectType: 'drone', extra: 'x' }), zh);
    assert.deepEqual(
      fields.map((f) => [f.label, f.value]),
      [
        ['目标类型', 'drone'],
        ['extra', 'x'],
      ],
    );
  });

  it('label every kind, severity, source, payload field and closed payload value in both languages', () => {
    const missing: string[] = [];
    const check = (key: string) => {
      for (const [lng, t] of [
        ['zh-CN', zh],
        ['en', en],
      ] as const)
        if (t(key, { defaultValue: '\u0000' }) === '\u0000') missing.push(`${lng}: ${key}`);
    };
    for (const k of EVENT_KIND_LIST) check(`events.kind.${kindKey(k)}`);
    for (const s of SEVERITIES) check(`events.severity.${s}`);
    for (const s of EVENT_SOURCES) check(`events.sourceKind.${s}`);
    for (const k of EVENT_KIND_LIST) {
      const props = (EVENT_KINDS[k].payload as unknown as { properties: Record<string, { enum?: string[] }> }).properties;
      for (const [field, schema] of Object.entries(props)) {
        check(`events.field.${field}`);
        for (const v of schema.enum ?? []) check(`events.value.${field}.${v}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('list every event kind in the kind filter exactly once', () => {
    assert.deepEqual([...ALL_EVENT_KINDS].sort(), [...EVENT_KIND_LIST].sort());
    assert.equal(new Set(ALL_EVENT_KINDS).size, ALL_EVENT_KINDS.length);
  });
});
