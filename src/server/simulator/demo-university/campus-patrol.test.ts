/** The demo patrol: the same seed gives the same checkpoints and routes; the routes are the stretches the simulator's guards walk. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHECKPOINT_TOKEN_PATTERN } from '../../../shared/patrol.ts';
import type { DeviceKind } from '../../../shared/domain.ts';
import { Scenario } from '../scenario/scenario.ts';
import { generateDemoPatrol } from './campus-patrol.ts';
import { generateDemoUniversity } from './generate.ts';

describe('demo patrol', () => {
  const data = generateDemoUniversity({ commissionId: 'commission' });
  const make = () => generateDemoPatrol({ seed: data.seed, universityId: data.university.id, createdAt: data.university.createdAt, devices: data.devices, accounts: data.accounts });

  it('is the same for the same seed', () => {
    assert.deepEqual(make(), make());
  });

  it('puts a checkpoint with a QR token at every checkpoint device in service, and three named routes', () => {
    const { checkpoints, routes } = make();
    const devices = new Map(data.devices.map((d) => [d.id, d]));
    assert.ok(checkpoints.length >= 100, `${checkpoints.length} checkpoints`);
    for (const c of checkpoints) {
      const d = devices.get(c.device_id!)!;
      assert.equal(d.kind, 'patrol_checkpoint');
      assert.deepEqual([c.lon, c.lat], [d.lon, d.lat]);
      assert.match(c.token, new RegExp(CHECKPOINT_TOKEN_PATTERN));
    }
    assert.equal(new Set(checkpoints.map((c) => c.token)).size, checkpoints.length);
    assert.equal(routes.length, 3);
    assert.equal(new Set(routes.map((r) => r.name)).size, 3);
    assert.ok(routes.some((r) => r.name === '周界巡更'), routes.map((r) => r.name).join());
  });

  it('routes the stretches the simulator walks, in its order', () => {
    const { checkpoints, routes } = make();
    const deviceOf = new Map(checkpoints.map((c) => [c.id, c.device_id]));
    const inService = data.devices.filter((d) => d.status === 'in_service');
    const scenario = new Scenario({ devices: inService.map((d) => ({ id: d.id, kind: d.kind as DeviceKind, name: d.name, campusId: d.campusId, buildingId: d.buildingId, buildingName: null })), seed: 1 });
    const walked = scenario.patrolRoutes.map((r) => r.checkpoints.map((d) => d.id).join());
    for (const r of routes) {
      const ids = (JSON.parse(String(r.points)) as { checkpointId: string }[]).map((p) => deviceOf.get(p.checkpointId)).join();
      assert.ok(walked.includes(ids), `${r.name} is a simulator route`);
    }
  });
});
