import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CALENDAR_DAY_KINDS, CALENDAR_IMPORT_MAX } from '../../../shared/calendar.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, Nullable, StringEnum } from '../../http/schemas.ts';
import type { CalendarService } from './calendar.service.ts';

const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD (Beijing date)' });
const Kind = StringEnum(CALENDAR_DAY_KINDS, { description: 'holiday = 法定节假日, workday = 调休上班日 (counts as a Monday), vacation = 寒暑假' });
const Name = Type.String({ maxLength: 50, description: 'e.g. 国庆节, 暑假' });

const CalendarDaySchema = Type.Object(
  { universityId: Type.String(), date: Type.String(), kind: Kind, name: Nullable(Type.String()) },
  { $id: 'CalendarDay', additionalProperties: false },
);

export function calendarRoutes(fastify: FastifyInstance, calendar: CalendarService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(CalendarDaySchema);
  const DayRef = Type.Ref('CalendarDay');
  const tags = ['calendar'];

  app.get(
    '/api/calendar-days',
    {
      config: { auth: { permission: 'rule.read' } },
      schema: {
        tags,
        summary: 'School calendar (校历): marked days in a date range, oldest first',
        querystring: Type.Object(
          { from: Type.Optional(Day), to: Type.Optional(Day), universityId: Type.Optional(Type.String()) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(DayRef), ...errorResponses },
      },
    },
    async (req) => calendar.list(actorOf(req), req.query),
  );

  app.put(
    '/api/calendar-days/:date',
    {
      config: { auth: { permission: 'rule.write' } },
      schema: {
        tags,
        summary: 'Mark a day as a public holiday, a makeup workday (调休) or a vacation day; arming schedules follow at once',
        params: Type.Object({ date: Day }, { additionalProperties: false }),
        body: Type.Object(
          { kind: Kind, name: Type.Optional(Nullable(Name)), universityId: Type.Optional(Type.String({ description: 'Required for city-wide accounts' })) },
          { additionalProperties: false },
        ),
        response: { 200: DayRef, ...errorResponses },
      },
    },
    async (req) => calendar.put(actorOf(req), req.params.date, req.body),
  );

  app.delete(
    '/api/calendar-days/:date',
    {
      config: { auth: { permission: 'rule.write' } },
      schema: {
        tags,
        summary: 'Unmark a day: it counts as its weekday again',
        params: Type.Object({ date: Day }, { additionalProperties: false }),
        querystring: Type.Object({ universityId: Type.Optional(Type.String()) }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await calendar.remove(actorOf(req), req.params.date, req.query.universityId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/calendar-days/import',
    {
      config: { auth: { permission: 'rule.write' } },
      schema: {
        tags,
        summary: 'Mark many days at once (e.g. a year of official holidays and makeup workdays); all or nothing',
        body: Type.Object(
          {
            universityId: Type.Optional(Type.String({ description: 'Required for city-wide accounts' })),
            replace: Type.Optional(Type.Boolean({ description: 'First clear every mark between the first and the last date of the list' })),
            days: Type.Array(Type.Object({ date: Day, kind: Kind, name: Type.Optional(Nullable(Name)) }, { additionalProperties: false }), {
              minItems: 1,
              maxItems: CALENDAR_IMPORT_MAX,
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ imported: Type.Integer(), removed: Type.Integer({ description: 'Marks cleared by `replace`' }), days: Type.Array(DayRef) }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => reply.status(201).send(await calendar.importDays(actorOf(req), req.body)),
  );
}
