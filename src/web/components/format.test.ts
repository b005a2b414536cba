/** Times on screen are Beijing time whatever the browser's zone (issue 10, item 10). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatEventTime } from '../features/events/event-time.ts';
import { formatDate, formatDateTime } from './format.ts';

describe('Beijing time on screen', () => {
  it('shows Beijing time in a browser set to New York', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      assert.equal(new Date('2026-12-06T16:30:00Z').getHours(), 11, 'the process really is in New York');
      assert.equal(formatDateTime('2026-12-06T16:30:00Z'), '2026-12-07 00:30:00');
      assert.equal(formatDate('2026-12-06T16:30:00Z'), '2026-12-07');
      assert.equal(formatDateTime(null), '');
      const now = Date.parse('2026-12-07T02:00:00Z'); // 10:00 on 7 December in Beijing
      assert.equal(formatEventTime('2026-12-06T16:30:00Z', now), '00:30:00', 'the same Beijing day');
      assert.equal(formatEventTime('2026-12-06T15:59:59Z', now), '12-06 23:59:59', 'the Beijing day before');
      assert.equal(formatEventTime('2025-12-06T15:59:59Z', now), '2025-12-06 23:59:59');
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });
});
