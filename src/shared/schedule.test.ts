import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScheduleT } from './alarms.ts';
import { inSchedule, type DayKind } from './schedule.ts';

/** Beijing wall-clock time → UTC instant. */
const bj = (iso: string) => Date.parse(iso + '+08:00');

// Weeknights 22:00–06:00 (across midnight) and all weekend; holidays count as Sunday.
const nights: ScheduleT = {
  periods: [
    { days: [1, 2, 3, 4, 5], from: '22:00', to: '06:00' },
    { days: [6, 7], from: '00:00', to: '24:00' },
  ],
  holidays: 'as_sunday',
  vacations: 'as_scheduled',
};

describe('arming schedules', () => {
  it('without a schedule a rule is always armed', () => {
    assert.equal(inSchedule(undefined, bj('2026-03-04T12:00:00')), true);
  });

  it('weeknight periods run across midnight into the next morning', () => {
    // 2026-03-04 is a Wednesday.
    assert.equal(inSchedule(nights, bj('2026-03-04T21:59:00')), false);
    assert.equal(inSchedule(nights, bj('2026-03-04T22:00:00')), true);
    assert.equal(inSchedule(nights, bj('2026-03-05T03:30:00')), true, 'Thursday 03:30 belongs to Wednesday night');
    assert.equal(inSchedule(nights, bj('2026-03-05T06:00:00')), false);
    assert.equal(inSchedule(nights, bj('2026-03-05T12:00:00')), false);
  });

  it('Friday night runs into Saturday, Sunday is armed all day, Monday morning is not after Sunday’s day period', () => {
    assert.equal(inSchedule(nights, bj('2026-03-07T05:00:00')), true); // Saturday (also its own all-day period)
    assert.equal(inSchedule(nights, bj('2026-03-08T23:59:00')), true); // Sunday
    assert.equal(inSchedule(nights, bj('2026-03-09T00:30:00')), false, 'Sunday ends at 24:00; Monday 00:30 has no period');
  });

  it('uses Beijing time, whatever the server’s zone', () => {
    // 14:30 UTC is 22:30 in Beijing.
    assert.equal(inSchedule(nights, Date.parse('2026-03-04T14:30:00Z')), true);
    assert.equal(inSchedule(nights, Date.parse('2026-03-04T13:30:00Z')), false);
  });

  it('holidays and makeup workdays follow the calendar', () => {
    const calendar = new Map<string, DayKind>([
      ['2026-10-01', 'holiday'], // Thursday, National Day
      ['2026-10-10', 'workday'], // Saturday, makeup workday (调休)
    ]);
    assert.equal(inSchedule(nights, bj('2026-10-01T12:00:00'), calendar), true, 'a holiday counts as Sunday: armed all day');
    assert.equal(inSchedule(nights, bj('2026-10-01T12:00:00')), false, 'the same Thursday without the calendar');
    assert.equal(inSchedule(nights, bj('2026-10-10T12:00:00'), calendar), false, 'a makeup Saturday counts as a working day');
    assert.equal(inSchedule(nights, bj('2026-10-10T23:00:00'), calendar), true);
    const disarmed: ScheduleT = { ...nights, holidays: 'disarmed' };
    assert.equal(inSchedule(disarmed, bj('2026-10-01T12:00:00'), calendar), false);
    assert.equal(inSchedule(disarmed, bj('2026-10-02T02:00:00'), calendar), false, 'the holiday has no night period to run over');
  });

  it('vacations can arm whole days', () => {
    const calendar = new Map<string, DayKind>([['2026-07-15', 'vacation']]);
    const lab: ScheduleT = { ...nights, vacations: 'armed' };
    assert.equal(inSchedule(lab, bj('2026-07-15T10:00:00'), calendar), true);
    assert.equal(inSchedule(nights, bj('2026-07-15T10:00:00'), calendar), false);
    assert.equal(inSchedule(lab, bj('2026-07-16T03:00:00'), calendar), true, 'the armed vacation day runs on through its night period');
  });
});
