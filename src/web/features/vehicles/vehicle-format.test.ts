import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import i18n from 'i18next';
import { CONTRACTOR_DEFAULT_SCHEDULE } from '../../../shared/vehicles.ts';
import { resources } from '../../i18n/resources.ts';
import { beijingInputToIso, hoursText, isoToBeijingInput } from './vehicle-format.ts';

describe('vehicle formatting', () => {
  it('says a vehicle’s hours in words in both languages', async () => {
    const t = i18n.createInstance();
    await t.init({ resources, lng: 'zh-CN', interpolation: { escapeValue: false } });
    assert.equal(hoursText(CONTRACTOR_DEFAULT_SCHEDULE, t.t), '工作日 18:00–22:00，节假日除外');
    assert.equal(hoursText(null, t.t), '不限时段');
    assert.equal(hoursText({ periods: [{ days: [1, 3], from: '22:00', to: '06:00' }, { days: [6, 7], from: '00:00', to: '24:00' }], holidays: 'as_sunday', vacations: 'as_scheduled' }, t.t), '周一、三 22:00–06:00，周末 00:00–24:00，节假日按周日');
    await t.changeLanguage('en');
    assert.equal(hoursText(CONTRACTOR_DEFAULT_SCHEDULE, t.t), 'Weekdays 18:00–22:00, not on holidays');
  });

  it('reads and writes picker times as Beijing time', () => {
    assert.equal(beijingInputToIso('2026-03-02 18:00'), '2026-03-02T10:00:00.000Z');
    assert.equal(isoToBeijingInput('2026-03-02T16:30:00.000Z'), '2026-03-03 00:30');
  });
});
