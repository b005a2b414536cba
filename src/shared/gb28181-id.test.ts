import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkGbIdForDeviceKind, gbTypeName, GB_RULED_DEVICE_KINDS, parseGbId } from './gb28181-id.ts';
import { DEVICE_KINDS } from './domain.ts';

/** Builds an id from its segments so every example is consistent by construction. */
const gb = (area: string, industry: string, type: string, network: string, serial: string) => {
  const id = area + industry + type + network + serial;
  assert.equal(id.length, 20, `test helper built a ${id.length}-digit id`);
  return id;
};

// Shanghai (31), Pudong (01 15), no base-level unit (00); education industry (11); IP camera (132); private net (0); #1.
const PUDONG_EDU_IPC = '31011500111320000001';

test('parses a Shanghai education IP camera id into its segments', () => {
  assert.equal(PUDONG_EDU_IPC, gb('31011500', '11', '132', '0', '000001'));
  const r = parseGbId(PUDONG_EDU_IPC);
  assert.ok(r.ok, !r.ok ? r.reason : '');
  assert.deepEqual(r.parts, {
    area: '31011500',
    province: '31',
    provinceName: 'Shanghai',
    city: '01',
    district: '15',
    unit: '00',
    industry: '11',
    type: '132',
    typeName: 'IP camera',
    network: '0',
    networkName: 'monitoring/alarm private network',
    serial: '000001',
  });
});

test('parses ids of other province-level divisions, device types and serials', () => {
  const cases: [string, string, string, string][] = [
    // id, province name, type name, serial
    [gb('11010800', '11', '118', '7', '123456'), 'Beijing', 'NVR', '123456'],
    [gb('81000000', '00', '200', '5', '000000'), 'Hong Kong', 'SIP/centre server', '000000'],
    [gb('65010200', '11', '134', '6', '999999'), 'Xinjiang', 'alarm input', '999999'],
    [gb('71000000', '11', '216', '8', '000042'), 'Taiwan', 'virtual organisation', '000042'],
    [gb('50010300', '11', '215', '0', '000001'), 'Chongqing', 'business group', '000001'],
  ];
  for (const [id, provinceName, typeName, serial] of cases) {
    const r = parseGbId(id);
    assert.ok(r.ok, `${id}: ${!r.ok ? r.reason : ''}`);
    assert.equal(r.parts.provinceName, provinceName, id);
    assert.equal(r.parts.typeName, typeName, id);
    assert.equal(r.parts.serial, serial, id);
  }
});

test('rejects wrong length with the actual length', () => {
  assert.deepEqual(parseGbId(PUDONG_EDU_IPC.slice(0, 19)), { ok: false, reason: 'must be exactly 20 digits (got 19)' });
  assert.deepEqual(parseGbId(PUDONG_EDU_IPC + '1'), { ok: false, reason: 'must be exactly 20 digits (got 21)' });
  assert.deepEqual(parseGbId(''), { ok: false, reason: 'must be exactly 20 digits (got 0)' });
  // Surrounding whitespace is not silently trimmed.
  assert.deepEqual(parseGbId(` ${PUDONG_EDU_IPC}`), { ok: false, reason: 'must be exactly 20 digits (got 21)' });
});

test('rejects letters and other non-digits, naming the first offending position', () => {
  assert.deepEqual(parseGbId('3101150011132000000A'), { ok: false, reason: "must contain only digits 0-9 (found 'A' at position 20)" });
  assert.deepEqual(parseGbId('31O11500111320000001'), { ok: false, reason: "must contain only digits 0-9 (found 'O' at position 3)" });
  assert.deepEqual(parseGbId('3101150011132000000 '), { ok: false, reason: 'must contain only digits 0-9 (found a space at position 20)' });
  // Full-width digits are not ASCII digits.
  const r = parseGbId('３1011500111320000001');
  assert.equal(r.ok, false);
  assert.match((r as { reason: string }).reason, /position 1\)/);
});

test('rejects province codes that are not Chinese province-level codes', () => {
  for (const p of ['00', '10', '16', '20', '24', '30', '38', '40', '47', '49', '55', '60', '66', '70', '72', '80', '83', '91', '99']) {
    assert.deepEqual(
      parseGbId(gb(`${p}010000`, '11', '132', '0', '000001')),
      { ok: false, reason: `province code ${p} is not a valid Chinese province-level code` },
      p,
    );
  }
  for (const p of ['11', '15', '21', '23', '31', '37', '41', '46', '50', '54', '61', '65', '71', '81', '82']) {
    assert.equal(parseGbId(gb(`${p}000000`, '11', '132', '0', '000001')).ok, true, p);
  }
});

test('rejects unassigned type codes 000-110 and accepts the range boundaries', () => {
  for (const t of ['000', '050', '099', '110']) {
    assert.deepEqual(
      parseGbId(gb('31011500', '11', t, '0', '000001')),
      { ok: false, reason: `type code ${t} is not an assigned device type (valid: 111-999)` },
      t,
    );
  }
  const expected: [string, string][] = [
    ['111', 'DVR'],
    ['117', 'alarm controller'],
    ['119', 'extended front-end main device'],
    ['130', 'extended front-end main device'],
    ['131', 'camera'],
    ['137', 'audio output'],
    ['140', 'extended front-end peripheral'],
    ['199', 'extended front-end peripheral'],
    ['212', 'extended platform device'],
    ['299', 'extended platform device'],
    ['300', 'centre terminal'],
    ['399', 'centre terminal'],
    ['400', 'user'],
    ['499', 'user'],
    ['500', 'extension type'],
    ['999', 'extension type'],
  ];
  for (const [t, name] of expected) {
    const r = parseGbId(gb('31011500', '11', t, '0', '000001'));
    assert.ok(r.ok, t);
    assert.equal(r.parts.typeName, name, t);
    assert.equal(gbTypeName(t), name, t);
  }
  assert.equal(gbTypeName('110'), null);
  assert.equal(gbTypeName('13'), null);
  assert.equal(gbTypeName(1000), null);
});

test('every network digit: 0-8 are named, 9 is reserved', () => {
  const names = [
    'monitoring/alarm private network',
    'monitoring/alarm private network',
    'monitoring/alarm private network',
    'monitoring/alarm private network',
    'monitoring/alarm private network',
    'public-security information network',
    'government network',
    'Internet',
    'social resource access network',
  ];
  for (let d = 0; d <= 8; d++) {
    const r = parseGbId(gb('31011500', '11', '132', String(d), '000001'));
    assert.ok(r.ok, `digit ${d}`);
    assert.equal(r.parts.network, String(d));
    assert.equal(r.parts.networkName, names[d], `digit ${d}`);
  }
  const r9 = parseGbId(gb('31011500', '11', '132', '9', '000001'));
  assert.equal(r9.ok, false);
  assert.match((r9 as { reason: string }).reason, /^network digit 9 is reserved/);
});

test('checks are applied in segment order: length, digits, province, type, network', () => {
  // Bad province and bad type: the province is reported first.
  assert.match((parseGbId(gb('99000000', '11', '050', '9', '000001')) as { reason: string }).reason, /^province code 99/);
  assert.match((parseGbId(gb('31000000', '11', '050', '9', '000001')) as { reason: string }).reason, /^type code 050/);
});

test('camera kinds need type 131 or 132', () => {
  for (const kind of ['camera', 'lpr_camera']) {
    assert.equal(checkGbIdForDeviceKind(gb('31011500', '11', '131', '0', '000001'), kind), null, kind);
    assert.equal(checkGbIdForDeviceKind(gb('31011500', '11', '132', '0', '000001'), kind), null, kind);
  }
  assert.equal(checkGbIdForDeviceKind(gb('31011500', '11', '118', '0', '000001'), 'camera'), 'type 118 (NVR) does not fit a camera; use 131 or 132');
  assert.equal(
    checkGbIdForDeviceKind(gb('31011500', '11', '134', '0', '000001'), 'lpr_camera'),
    'type 134 (alarm input) does not fit an LPR camera; use 131 or 132',
  );
});

test('recorders need 111 or 118, alarm panels 117', () => {
  assert.equal(checkGbIdForDeviceKind(gb('31011500', '11', '111', '0', '000001'), 'recorder'), null);
  assert.equal(checkGbIdForDeviceKind(gb('31011500', '11', '118', '0', '000001'), 'recorder'), null);
  assert.equal(
    checkGbIdForDeviceKind(gb('31011500', '11', '132', '0', '000001'), 'recorder'),
    'type 132 (IP camera) does not fit a recorder; use 111 (DVR) or 118 (NVR)',
  );
  assert.equal(checkGbIdForDeviceKind(gb('31011500', '11', '117', '0', '000001'), 'alarm_panel'), null);
  assert.equal(
    checkGbIdForDeviceKind(gb('31011500', '11', '134', '0', '000001'), 'alarm_panel'),
    'type 134 (alarm input) does not fit an alarm panel; use 117 (alarm controller)',
  );
});

test('alarm-input kinds need type 134', () => {
  for (const kind of ['intrusion_zone', 'perimeter_zone', 'panic_button', 'fire_detector']) {
    assert.equal(checkGbIdForDeviceKind(gb('31011500', '11', '134', '0', '000001'), kind), null, kind);
    const reason = checkGbIdForDeviceKind(gb('31011500', '11', '135', '0', '000001'), kind);
    assert.match(reason ?? '', /^type 135 \(alarm output\) does not fit an? [a-z ]+; use 134 \(alarm input\)$/, kind);
  }
});

test('access and patrol kinds accept any front-end type 111-199 but no platform type', () => {
  for (const kind of ['door', 'barrier_gate', 'turnstile', 'patrol_checkpoint']) {
    for (const t of ['111', '117', '130', '131', '134', '199']) {
      assert.equal(checkGbIdForDeviceKind(gb('31011500', '11', t, '0', '000001'), kind), null, `${kind} ${t}`);
    }
    for (const t of ['200', '300', '400', '500']) {
      const reason = checkGbIdForDeviceKind(gb('31011500', '11', t, '0', '000001'), kind);
      assert.ok(reason?.startsWith(`type ${t} (`), `${kind} ${t}: ${reason}`);
      assert.ok(reason?.endsWith('; use a front-end device type 111-199'), `${kind} ${t}: ${reason}`);
    }
  }
  assert.equal(
    checkGbIdForDeviceKind(gb('31011500', '11', '200', '0', '000001'), 'door'),
    'type 200 (SIP/centre server) does not fit a door; use a front-end device type 111-199',
  );
});

test('kind check reports parse failures and unknown kinds', () => {
  assert.equal(checkGbIdForDeviceKind('123', 'camera'), 'must be exactly 20 digits (got 3)');
  assert.equal(
    checkGbIdForDeviceKind(gb('99000000', '11', '132', '0', '000001'), 'camera'),
    'province code 99 is not a valid Chinese province-level code',
  );
  assert.equal(checkGbIdForDeviceKind(PUDONG_EDU_IPC, 'toaster'), "device kind 'toaster' has no GB/T 28181 type rule");
  assert.equal(checkGbIdForDeviceKind(PUDONG_EDU_IPC, 'toString'), "device kind 'toString' has no GB/T 28181 type rule");
});

test('every device kind of the domain has a rule', () => {
  assert.deepEqual([...GB_RULED_DEVICE_KINDS].sort(), [...DEVICE_KINDS].sort());
});
