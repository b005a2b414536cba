/** Timetable: the rushes fall before class, the curfew is 23:00–06:00, times are Shanghai time. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  atShanghai,
  CLASS_STARTS,
  classDoorCurve,
  dormDoorCurve,
  isCurfew,
  patrolRoundsBetween,
  shanghaiIso,
  shanghaiTime,
  vehicleCurve,
  vehicleInShare,
} from './timetable.ts';

const hm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

/** The minute with the highest value of `curve` in [from, to). */
function argmax(curve: (m: number) => number, from: number, to: number): number {
  let best = from;
  for (let m = from; m < to; m += 0.5) if (curve(m) > curve(best)) best = m;
  return best;
}

describe('timetable', () => {
  it('peaks at class doors in the minutes before 8:00, 10:00, 13:30, 15:30 and 18:30', () => {
    for (const start of CLASS_STARTS) {
      const s = hm(start);
      const peak = argmax((m) => classDoorCurve(m), s - 40, s + 20);
      assert.ok(peak >= s - 20 && peak < s, `peak for ${start} at minute ${peak} (${Math.floor(peak / 60)}:${peak % 60})`);
      assert.ok(classDoorCurve(peak) > 3 * classDoorCurve(s + 30), `${start}: rush well above mid-class`);
    }
    // Mid-class is quiet, the night is quieter still; weekends have no real rush.
    assert.ok(classDoorCurve(hm('08:45')) < classDoorCurve(hm('07:50')) / 3);
    assert.ok(classDoorCurve(hm('03:00')) < classDoorCurve(hm('08:45')));
    assert.ok(classDoorCurve(hm('07:50'), true) < classDoorCurve(hm('07:50')) / 3);
  });

  it('has a dormitory curfew from 23:00 to 06:00 with dormitory doors nearly silent', () => {
    assert.equal(isCurfew(hm('22:59')), false);
    assert.equal(isCurfew(hm('23:00')), true);
    assert.equal(isCurfew(hm('02:00')), true);
    assert.equal(isCurfew(hm('05:59')), true);
    assert.equal(isCurfew(hm('06:00')), false);
    assert.ok(dormDoorCurve(hm('03:00')) < dormDoorCurve(hm('21:45')) / 20);
    assert.ok(dormDoorCurve(hm('07:30')) > dormDoorCurve(hm('10:30')));
  });

  it('brings cars in in the morning and out in the evening', () => {
    assert.ok(vehicleInShare(hm('07:50')) > 0.7);
    assert.ok(vehicleInShare(hm('17:45')) < 0.3);
    assert.ok(vehicleCurve(hm('07:50')) > 3 * vehicleCurve(hm('14:00')) / 2);
    assert.ok(vehicleCurve(hm('03:00')) < vehicleCurve(hm('14:00')) / 5);
  });

  it('works in Shanghai time whatever the server zone', () => {
    const at = atShanghai('2026-03-02', '07:50');
    assert.equal(new Date(at).toISOString(), '2026-03-01T23:50:00.000Z');
    const t = shanghaiTime(at);
    assert.equal(t.minute, 470);
    assert.equal(t.weekday, 1);
    assert.equal(t.weekend, false);
    assert.equal(t.date, '2026-03-02');
    assert.equal(shanghaiIso(at), '2026-03-02T07:50:00.000+08:00');
    assert.equal(Date.parse(shanghaiIso(at)), at);
  });

  it('starts patrol rounds when the clock passes their time, also over midnight', () => {
    assert.deepEqual(patrolRoundsBetween(hm('21:59'), hm('22:00') + 0.1), [{ at: '22:00', night: true }]);
    assert.deepEqual(patrolRoundsBetween(1439.9, 0.2), [{ at: '00:00', night: true }]);
    assert.deepEqual(patrolRoundsBetween(hm('09:59'), hm('10:01')), [{ at: '10:00', night: false }]);
    assert.deepEqual(patrolRoundsBetween(hm('11:00'), hm('11:30')), []);
  });
});
