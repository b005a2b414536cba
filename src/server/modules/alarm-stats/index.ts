/** Alarm statistics (报警统计): counts by type, place, hour and day; handling times per shift. */
import type { Clock } from '../../clock.ts';
import type { AlarmsService } from '../alarms/index.ts';
import type { DevicesService } from '../devices/index.ts';
import type { ModuleFace } from '../module.ts';
import type { OrgService } from '../org/index.ts';
import { alarmStatsRoutes } from './alarm-stats.routes.ts';
import { AlarmStatsService } from './alarm-stats.service.ts';

export { AlarmStatsService } from './alarm-stats.service.ts';
export { summarize, secondsBetween } from './alarm-stats.compute.ts';

export function createAlarmStatsModule(d: { alarms: AlarmsService; org: OrgService; devices: DevicesService; clock: Clock }) {
  const alarmStats = new AlarmStatsService(d.alarms, d.org, d.devices, d.clock);
  const face: ModuleFace = { name: 'alarm-stats', tables: [], routes: (app) => alarmStatsRoutes(app, alarmStats) };
  return { face, alarmStats };
}
