import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ALARM_STATES, ALARM_TYPES } from '../../../shared/alarms.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, Nullable, StringEnum } from '../../http/schemas.ts';
import { SHIFTS, STEPS } from './alarm-stats.compute.ts';
import { DEFAULT_RANGE_DAYS, MAX_RANGE_DAYS, TOP_DEVICES, type AlarmStatsService } from './alarm-stats.service.ts';

const Duration = Type.Object({
  count: Type.Integer({ description: 'Alarms that reached the step' }),
  p50: Nullable(Type.Number({ description: 'Seconds, nearest-rank median' })),
  p90: Nullable(Type.Number({ description: 'Seconds, nearest-rank 90th percentile' })),
});
const Steps = Type.Object(Object.fromEntries(STEPS.map((s) => [s, Duration])) as Record<(typeof STEPS)[number], typeof Duration>);

const AlarmStatsSchema = Type.Object(
  {
    from: Type.String(),
    to: Type.String(),
    timeZone: Type.String({ description: 'Hours and days are local to this zone' }),
    universityId: Nullable(Type.String()),
    campusId: Nullable(Type.String()),
    totals: Type.Object({
      alarms: Type.Integer(),
      open: Type.Integer({ description: 'new, acknowledged, dispatched or on scene' }),
      resolved: Type.Integer(),
      closed: Type.Integer(),
      falseAlarms: Type.Integer(),
      falseAlarmRate: Type.Number({ description: 'false alarms / alarms, 4 decimals' }),
    }),
    byState: Type.Object(Object.fromEntries(ALARM_STATES.map((s) => [s, Type.Integer()]))),
    byType: Type.Array(Type.Object({ type: StringEnum(ALARM_TYPES), count: Type.Integer() })),
    byCampus: Type.Array(Type.Object({ campusId: Nullable(Type.String()), name: Nullable(Type.String()), count: Type.Integer() })),
    byBuilding: Type.Array(
      Type.Object({ buildingId: Nullable(Type.String()), name: Nullable(Type.String()), campusId: Nullable(Type.String()), campusName: Nullable(Type.String()), count: Type.Integer() }),
    ),
    byHour: Type.Array(Type.Integer(), { minItems: 24, maxItems: 24, description: 'Index = local hour 0–23 of creation' }),
    byDay: Type.Array(Type.Object({ date: Type.String({ description: 'Local date YYYY-MM-DD' }), count: Type.Integer() })),
    devices: Type.Array(
      Type.Object({ deviceId: Type.String(), name: Nullable(Type.String()), kind: Nullable(Type.String()), alarms: Type.Integer(), falseAlarms: Type.Integer(), rate: Type.Number() }),
      { description: `Top ${TOP_DEVICES} devices by false alarms` },
    ),
    durations: Type.Object({
      overall: Steps,
      shifts: Type.Array(
        Type.Object({
          shift: StringEnum(SHIFTS.map((s) => s.key)),
          name: Type.String(),
          fromHour: Type.Integer(),
          toHour: Type.Integer(),
          alarms: Type.Integer({ description: 'Alarms created during the shift' }),
          steps: Steps,
        }),
      ),
    }),
  },
  { $id: 'AlarmStats' },
);

export function alarmStatsRoutes(fastify: FastifyInstance, stats: AlarmStatsService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(AlarmStatsSchema);

  app.get(
    '/api/alarm-stats',
    {
      config: { auth: { permission: 'alarm.read' } },
      schema: {
        tags: ['alarms'],
        summary: 'Alarm statistics: counts by type, area, hour and day; false-alarm rate per device; time to acknowledge, dispatch, arrive, close (p50/p90) per shift',
        description:
          `Alarms created in [from, to) (default: the last ${DEFAULT_RANGE_DAYS} days; at most ${MAX_RANGE_DAYS} days). Hours, days and shifts in Beijing time ` +
          `(早班 08–16, 中班 16–24, 夜班 00–08, by creation time). Durations in seconds from creation to the first time each step happened; ` +
          'percentiles by nearest rank. See docs/admin-guide.md for the definitions.',
        querystring: Type.Object(
          {
            from: Type.Optional(Type.String({ format: 'date-time', description: 'Start (inclusive), ISO 8601 with offset' })),
            to: Type.Optional(Type.String({ format: 'date-time', description: 'End (exclusive), ISO 8601 with offset' })),
            campusId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            universityId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'City-wide roles: one university' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('AlarmStats'), ...errorResponses },
      },
    },
    async (req) => stats.stats(actorOf(req), req.query),
  );
}
