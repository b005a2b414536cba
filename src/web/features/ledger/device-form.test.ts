import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import i18next, { type TFunction } from 'i18next';
import type { Device, OrgTreeNode } from '../../api/types.ts';
import { buildOrgIndex } from '../../app/org-index.ts';
import { resources } from '../../i18n/resources.ts';
import { deviceFieldOf, payloadOf } from './device-form.ts';
import { mapProblems, problemMessage } from './form-errors.ts';

let t: TFunction;
before(async () => {
  const instance = i18next.createInstance();
  await instance.init({ lng: 'zh-CN', resources: { 'zh-CN': resources['zh-CN'] }, interpolation: { escapeValue: false } });
  t = instance.t;
});

const node = (id: string, kind: OrgTreeNode['kind'], children: OrgTreeNode[] = []): OrgTreeNode => ({ id, kind, name: id, floorLevel: kind === 'floor' ? 1 : null, privacy: null, children });
const index = buildOrgIndex([node('city', 'commission', [node('uni', 'university', [node('c1', 'campus', [node('b1', 'building', [node('f1', 'floor')])])])])]);

describe('server field problems on the device form', () => {
  it('word known rules in Chinese, keep GB/T 28181 reasons and unknown rules as the server says', () => {
    assert.equal(problemMessage({ field: 'kind', reason: 'is required', rule: 'required' }, t), '必填');
    assert.equal(problemMessage({ field: 'campusId', reason: 'is required' }, t), '必填');
    assert.equal(problemMessage({ field: 'ip', reason: 'is not an IPv4 or IPv6 address', rule: 'format' }, t), '格式不正确');
    assert.equal(problemMessage({ field: 'camera.fovDeg', reason: 'must be >= 1', rule: 'minimum' }, t), '不能小于 1');
    assert.equal(problemMessage({ field: 'name', reason: 'must NOT have more than 100 characters', rule: 'maxLength' }, t), '最多 100 个字符');
    assert.equal(problemMessage({ field: 'gbId', reason: 'must be 20 digits', rule: 'gb28181' }, t), '国标编码不符合 GB/T 28181：must be 20 digits');
    assert.equal(problemMessage({ field: 'warrantyEnd', reason: 'is before the install date', rule: 'order' }, t), 'is before the install date');
  });

  it('land on the matching form fields; others are listed', () => {
    const mapped = mapProblems(
      [
        { field: 'camera.fovDeg', reason: 'must be <= 360', rule: 'maximum' },
        { field: 'floorId', reason: 'does not belong to the given building', rule: 'hierarchy' },
        { field: 'gbId', reason: 'bad type code', rule: 'gb28181' },
        { field: 'areaId', reason: 'no such area' },
        { field: 'camera', reason: 'camera fields do not apply to a door', rule: 'kind' },
      ],
      deviceFieldOf,
      t,
    );
    assert.deepEqual(mapped.fields.map((f) => f.name), [['camera', 'fovDeg'], ['location'], ['gbId']]);
    assert.deepEqual(mapped.fields[0]!.errors, ['不能大于 360']);
    assert.equal(mapped.other.length, 1);
    assert.match(mapped.other[0]!, /^camera：camera fields do not apply/);
  });
});

describe('device form values to request body', () => {
  it('turns empty inputs into null, places the device from the picked org node, and omits missing required values', () => {
    const body = payloadOf({ name: '  ', kind: 'door', location: 'f1', vendor: '', ip: ' 10.0.0.1 ', camera: { resolution: '4k' }, retentionDays: 30 }, index);
    assert.equal('name' in body, false, 'an empty name is left for the server to call required');
    assert.deepEqual({ campusId: body.campusId, buildingId: body.buildingId, floorId: body.floorId }, { campusId: 'c1', buildingId: 'b1', floorId: 'f1' });
    assert.equal(body.vendor, null);
    assert.equal(body.ip, '10.0.0.1');
    assert.equal(body.camera, null, 'a door has no camera fields');
    assert.equal(body.retentionDays, null, 'a door records no video');
  });

  it('sends camera fields for cameras, leaving out an unset resolution', () => {
    const body = payloadOf({ name: 'c', kind: 'camera', location: 'c1', camera: { type: 'ptz', fovDeg: 90 } }, index);
    assert.deepEqual(body.camera, { type: 'ptz', mountHeightM: null, bearingDeg: null, fovDeg: 90, rangeM: null, placement: null });
    assert.deepEqual({ campusId: body.campusId, buildingId: body.buildingId, floorId: body.floorId }, { campusId: 'c1', buildingId: null, floorId: null });
  });

  it('does not resend an unchanged location when editing (it would clear the area)', () => {
    const original = { id: 'd', name: 'd', kind: 'door', campusId: 'c1', buildingId: 'b1', floorId: 'f1', areaId: 'a1' } as Device;
    assert.equal('floorId' in payloadOf({ name: 'd2', kind: 'door', location: 'f1' }, index, original), false);
    assert.equal(payloadOf({ name: 'd2', kind: 'door', location: 'b1' }, index, original).floorId, null);
    assert.equal(payloadOf({ name: '', kind: 'door', location: 'f1' }, index, original).name, '', 'an emptied name is sent so the server rejects it');
  });
});
