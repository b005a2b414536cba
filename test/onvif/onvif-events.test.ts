/**
 * ONVIF notifications as event kinds (onvif-events.ts), in the shape the `onvif` package parses a
 * PullMessages answer into: only standard topics with a clear meaning become events.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapNotification } from '../../src/server/modules/onvif/index.ts';

const note = (topic: string, data: Record<string, unknown>, extra: { source?: Record<string, unknown>; operation?: string; utc?: Date } = {}) => ({
  topic: { _: topic, $: { Dialect: 'http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet' } },
  message: {
    message: {
      $: { UtcTime: extra.utc ?? new Date('2026-03-05T04:00:00Z'), PropertyOperation: extra.operation ?? 'Changed' },
      source: { simpleItem: Object.entries(extra.source ?? {}).map(([Name, Value]) => ({ $: { Name, Value } })) },
      data: { simpleItem: Object.entries(data).map(([Name, Value]) => ({ $: { Name, Value } })) },
    },
  },
});

describe('ONVIF topics → event kinds', () => {
  it('motion from the motion alarm and the cell motion detector (whatever the namespace prefix)', () => {
    const a = mapNotification(note('tns1:VideoSource/MotionAlarm', { State: true }));
    assert.equal(a.status === 'event' && a.envelope.kind, 'motion');
    assert.equal(a.status === 'event' && a.envelope.occurredAt, '2026-03-05T04:00:00.000Z');
    const b = mapNotification(note('onvif:RuleEngine/CellMotionDetector/Motion', { IsMotion: 1 }, { source: { Rule: '周界区域1' } }));
    assert.deepEqual(b.status === 'event' && b.envelope.payload, { region: '周界区域1' });
  });

  it('tamper: scene change is moved, too dark is a blocked lens, blurry or blinded says no more than tamper; signal loss is video.loss', () => {
    const kindOf = (topic: string) => {
      const m = mapNotification(note(topic, { State: 'true' }));
      return m.status === 'event' ? [m.envelope.kind, m.envelope.payload] : m.status;
    };
    assert.deepEqual(kindOf('tns1:VideoSource/GlobalSceneChange/ImagingService'), ['tamper', { what: 'moved' }]);
    assert.deepEqual(kindOf('tns1:VideoSource/ImageTooDark/AnalyticsService'), ['tamper', { what: 'lens_blocked' }]);
    assert.deepEqual(kindOf('tns1:VideoSource/ImageTooBlurry/ImagingService'), ['tamper', {}]);
    assert.deepEqual(kindOf('tns1:VideoSource/ImageTooBright/ImagingService'), ['tamper', {}]);
    assert.deepEqual(kindOf('tns1:VideoSource/SignalLoss'), ['video.loss', {}]);
  });

  it('ends of states, initial states, relays and vendor topics are skipped; a digital input is refused with its token', () => {
    assert.equal(mapNotification(note('tns1:VideoSource/MotionAlarm', { State: false })).status, 'skipped');
    assert.equal(mapNotification(note('tns1:VideoSource/MotionAlarm', { State: true }, { operation: 'Initialized' })).status, 'skipped');
    assert.equal(mapNotification(note('tns1:Device/Trigger/Relay', { LogicalState: 'active' })).status, 'skipped');
    assert.equal(mapNotification(note('tnsaxis:CameraApplicationPlatform/VMD/Camera1Profile1', { active: 1 })).status, 'skipped');
    const di = mapNotification(note('tns1:Device/Trigger/DigitalInput', { LogicalState: true }, { source: { InputToken: 'DI_1' } }));
    assert.equal(di.status, 'refused');
    assert.match(di.status === 'refused' ? di.reason : '', /digital input DI_1/);
  });

  it('the same notification pulled twice has the same source event id (stored once)', () => {
    const a = mapNotification(note('tns1:VideoSource/MotionAlarm', { State: true }));
    const b = mapNotification(note('tns1:VideoSource/MotionAlarm', { State: true }));
    const c = mapNotification(note('tns1:VideoSource/MotionAlarm', { State: true }, { utc: new Date('2026-03-05T04:00:01Z') }));
    assert.ok(a.status === 'event' && b.status === 'event' && c.status === 'event');
    assert.equal(a.envelope.sourceEventId, b.envelope.sourceEventId);
    assert.notEqual(a.envelope.sourceEventId, c.envelope.sourceEventId);
  });
});
