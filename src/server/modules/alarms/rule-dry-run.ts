import type { EventKind } from '../../../shared/events.ts';
import { invalidField } from '../../http/errors.ts';
import type { Actor } from '../../http/policy.ts';
import { inSchedule } from '../../../shared/schedule.ts';
import { inScope, type AlarmEngine } from './alarm-engine.ts';
import { camerasCovering } from './camera-coverage.ts';
import type { DevicePlaces } from './device-places.ts';
import type { DispatcherSlot } from './guard-dispatcher.ts';
import type { RulesService } from './rules.service.ts';

/**
 * What a rule would do for an event from a chosen device, computed the way the engine computes
 * it, without writing, sending or dispatching anything.
 */
export class RuleDryRun {
  constructor(
    private readonly rules: RulesService,
    private readonly places: DevicePlaces,
    private readonly engine: AlarmEngine,
    private readonly dispatchers: DispatcherSlot,
  ) {}

  async run(actor: Actor, ruleId: string, input: { deviceId: string; kind?: EventKind; at?: string }) {
    const rule = await this.rules.get(actor, ruleId);
    const def = rule.definition;
    const place = await this.places.device(rule.universityId, input.deviceId);
    if (!place) throw invalidField('deviceId', 'no such device in this university');
    // An absence rule fires on the `rule.absence` event its deadline check writes for a silent device.
    const triggerKinds: readonly EventKind[] = def.trigger.type === 'absence' ? ['rule.absence'] : def.trigger.kinds;
    const kind = input.kind ?? triggerKinds[0];
    const atMs = input.at ? Date.parse(input.at) : Date.now();
    const kindMatches = triggerKinds.includes(kind);
    const scopeMatches = inScope(def.trigger, place);
    const armed = inSchedule(def.schedule, atMs, await this.engine.calendar(rule.universityId));
    const fires = kindMatches && scopeMatches && armed;
    const actions = await Promise.all(
      def.actions.map(async (a) => {
        if (!fires) return { type: a.type, would: 'nothing (the rule does not fire)' };
        switch (a.type) {
          case 'create_alarm':
            return { type: a.type, would: `create a priority-${a.priority} ${a.alarmType} alarm${a.latch ? ' that latches until reset' : ''} (or merge into the open one of this device)` };
          case 'link_cameras': {
            const cams = place.lon != null && place.lat != null ? camerasCovering({ lon: place.lon, lat: place.lat, floorId: place.floorId }, await this.places.cameras(rule.universityId), a.max) : [];
            const ptz = a.presetFromRule ? cams.filter((c) => c.ptz).length : 0;
            return { type: a.type, would: `link ${cams.length} camera(s)${ptz ? `, turn ${ptz} PTZ camera(s) to preset ${a.presetFromRule}` : ''}`, cameras: cams };
          }
          case 'door_command': {
            const doors =
              a.target === 'event_device'
                ? place.kind === 'door'
                  ? [place]
                  : []
                : await this.places.doors(rule.universityId, a.target === 'doors_in_building' ? { buildingId: place.buildingId ?? '__none__' } : { campusId: place.campusId });
            return { type: a.type, would: `send ${a.command} to ${doors.length} door(s)`, doors: doors.map((d) => ({ id: d.id, name: d.name })) };
          }
          case 'notify_guards': {
            const guards = (await this.dispatchers.current?.nearestGuards(rule.universityId, place.lon, place.lat, a.count)) ?? [];
            return { type: a.type, would: `dispatch ${guards.length} guard(s)`, guards };
          }
          case 'webhook':
            return { type: a.type, would: `POST to ${a.url}` };
        }
      }),
    );
    return {
      rule: { id: rule.id, name: def.name, version: rule.version },
      device: { id: place.id, name: place.name, kind: place.kind, keySiteCategories: place.keySiteCategories },
      kind,
      at: new Date(atMs).toISOString(),
      checks: { kindMatches, scopeMatches, armed },
      fires,
      actions,
    };
  }
}
