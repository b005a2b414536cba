/**
 * Devices breaking and being mended: power cuts and network outages (the platform records the
 * device going offline and coming back, and the rules raise device-offline alarms, handled by
 * the duty room and the maintainer), and faults a device reports, repaired within a few days
 * with a maintenance record in the ledger (R14).
 */
import type { DeviceKind } from '../../../shared/domain.ts';
import type { DeviceEvent } from '../../../shared/events.ts';
import { addDays } from '../../util/random.ts';
import { atShanghai, shanghaiTime } from '../scenario/timetable.ts';
import type { HistoryContributor, HistoryScript } from './contributor.ts';

/** Outages a day, university-wide (the live simulator cuts power every few minutes for show). */
export const OUTAGES_PER_DAY = 2.5;
const OUTAGE_KINDS = new Set<DeviceKind>(['camera', 'lpr_camera', 'door', 'recorder', 'barrier_gate', 'intrusion_zone', 'perimeter_zone', 'fire_detector', 'alarm_panel', 'panic_button']);
const COMPANIES: Partial<Record<DeviceKind, string>> = {
  camera: '海康威视上海服务站',
  lpr_camera: '上海捷顺科技服务部',
  recorder: '大华技术服务中心（上海）',
  door: '上海申安智能系统工程有限公司',
  barrier_gate: '上海捷顺科技服务部',
  turnstile: '上海申安智能系统工程有限公司',
  fire_detector: '上海华安消防工程有限公司',
};
const CAUSES = ['交换机端口故障，已更换端口', '供电适配器损坏，已更换', '网线水晶头氧化，已重新压接', '设备死机，已断电重启', 'PoE交换机过载，已调整供电', '施工误断电缆，已熔接恢复'];

export function deviceUpkeep(): HistoryContributor {
  return {
    name: 'device upkeep',
    async contribute(ctx) {
      const { services, rng, clock, staff, universityId } = ctx;
      const devices = (await services.devices.ofUniversity(universityId)).filter((d) => d.status === 'in_service' && OUTAGE_KINDS.has(d.kind as DeviceKind)).sort((a, b) => (a.id < b.id ? -1 : 1));
      const kindOf = new Map(devices.map((d) => [d.id, d.kind as DeviceKind]));
      const maintainer = staff.maintainer ?? staff.operators[0];
      /** When each device is back (for the handling of its offline alarm). */
      const backAt = new Map<string, number>();
      const platformEvent = (deviceId: string, kind: 'device.went_offline' | 'device.came_online', payload: object): DeviceEvent =>
        ({ id: '', source: 'platform', sourceEventId: null, orgId: universityId, deviceId, kind, severity: kind === 'device.went_offline' ? 'major' : 'info', occurredAt: clock.nowIso(), receivedAt: clock.nowIso(), payload }) as DeviceEvent;

      const repair = (deviceId: string, afterMs: number, notes: string) => {
        // Repairs are done in working hours, within three days.
        let date = addDays(shanghaiTime(afterMs).date, rng.int(0, 2));
        const within = rng.int(0, 8 * 3600) * 1000;
        if (atShanghai(date, '09:00') + within < afterMs + 3600_000) date = addDays(date, 1);
        const at = atShanghai(date, '09:00') + within;
        ctx.at(at, async () => {
          if (!maintainer) return;
          const kind = kindOf.get(deviceId);
          await services.devices.addMaintenance(maintainer, deviceId, { date: shanghaiTime(clock.now()).date, kind: 'repair', performedBy: (kind && COMPANIES[kind]) ?? '上海申安智能系统工程有限公司', notes });
          ctx.count('maintenance records');
        });
      };

      if (devices.length) {
        for (const date of ctx.range.dates) {
          const dayStart = atShanghai(date, '00:00');
          for (let n = rng.poisson(OUTAGES_PER_DAY); n > 0; n--) {
            const device = rng.pick(devices);
            const lostAt = dayStart + rng.float(0, 86_400_000);
            const silenceS = 180;
            const long = rng.chance(0.25);
            const offlineMs = long ? rng.float(2, 20) * 3600_000 : rng.float(5, 50) * 60_000;
            const noticedAt = lostAt + silenceS * 1000 + rng.int(0, 10_000);
            const backMs = lostAt + offlineMs;
            if (noticedAt >= backMs) continue;
            const cause = rng.pick(CAUSES);
            ctx.at(noticedAt, async () => {
              backAt.set(device.id, backMs);
              await ctx.platformEvents([platformEvent(device.id, 'device.went_offline', { lastSeenAt: new Date(lostAt).toISOString(), silenceS: Math.round((clock.now() - lostAt) / 1000) })]);
              ctx.count('outages');
            });
            ctx.at(backMs, async () => {
              await ctx.platformEvents([platformEvent(device.id, 'device.came_online', { offlineS: Math.round((clock.now() - lostAt) / 1000) })]);
            });
            if (long) repair(device.id, backMs - 600_000, `设备离线${Math.round(offlineMs / 3600_000)}小时：${cause}`);
          }
        }
      }

      // Faults the devices report: a maintenance record once repaired.
      ctx.onEvents((events) => {
        for (const e of events) if (e.kind === 'device.fault') repair(e.deviceId, Date.parse(e.occurredAt), `${(e.payload as { message?: string }).message ?? '设备故障'}，已检修恢复`);
      });

      // Device-offline alarms: acknowledged, the maintainer told, resolved once the device is back.
      async function* offline(alarmId: string): HistoryScript {
        const alarm = await services.alarms.find(alarmId);
        if (!alarm || alarm.type !== 'device_offline') return;
        const operator = rng.pick(staff.onDuty(clock.now()).operators);
        if (!operator) return;
        yield Math.round(Math.min(7200, 60 * Math.exp(0.8 * rng.normal()) * (alarm.priority <= 2 ? 1 : 3)) * 1000);
        if ((await services.alarms.find(alarmId))?.state === 'new') await services.alarms.step(operator, alarmId, 'acknowledge');
        yield rng.int(30, 300) * 1000;
        await services.procedures.complete(operator, alarmId, 'check', {});
        await services.procedures.complete(operator, alarmId, 'repair', { note: '已通知运维单位检修' });
        if (alarm.priority <= 3) await services.procedures.complete(operator, alarmId, 'cover', { note: '已安排巡逻队员巡查该区域' });
        const back = backAt.get(alarm.deviceId) ?? clock.now() + 3600_000;
        yield Math.max(60_000, back - clock.now() + rng.int(60, 1800) * 1000);
        const closer = rng.pick(staff.onDuty(clock.now()).operators) ?? operator;
        await services.alarms.step(closer, alarmId, 'resolve', '设备已恢复在线');
        yield rng.int(120, 3600) * 1000;
        await services.procedures.complete(closer, alarmId, 'record', { note: '设备已恢复在线，运维单位已排查原因' });
        await services.alarms.step(closer, alarmId, 'close');
      }
      ctx.onAlarmCreated((alarmId) => ctx.script(clock.now(), offline(alarmId)));
    },
  };
}
