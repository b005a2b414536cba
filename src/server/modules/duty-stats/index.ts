/**
 * 值班统计 (issue 15 item 7): a month's shift coverage, certification rate, patrol completion,
 * alarm response times per shift and per operator, and training hours — read from the duty,
 * patrol and alarm-stats modules through their services; training hours through a port the
 * training module attaches (`attachTrainingHours`). Owns no tables.
 */
import type { Clock } from '../../clock.ts';
import type { AccountsService } from '../accounts/index.ts';
import type { AlarmStatsService } from '../alarm-stats/index.ts';
import type { DutyService } from '../duty/index.ts';
import type { ModuleFace } from '../module.ts';
import type { PatrolService } from '../patrol/index.ts';
import { dutyStatsRoutes } from './duty-stats.routes.ts';
import { DutyStatsService, type TrainingHoursPort } from './duty-stats.service.ts';

export { DutyStatsService, shiftHolds, type TrainingHoursPort } from './duty-stats.service.ts';

export function createDutyStatsModule(d: { duty: DutyService; patrol: PatrolService; alarmStats: AlarmStatsService; accounts: AccountsService; clock: Clock }) {
  const dutyStats = new DutyStatsService(d.duty, d.patrol, d.alarmStats, d.accounts, d.clock);
  const face: ModuleFace = { name: 'duty-stats', tables: [], routes: (app) => dutyStatsRoutes(app, dutyStats) };
  return { face, dutyStats, attachTrainingHours: (port: TrainingHoursPort) => dutyStats.training.attach(port) };
}
