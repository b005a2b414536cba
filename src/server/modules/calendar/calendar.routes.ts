import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CalendarDate, CalendarDay, CalendarImport, CalendarImportResult, CalendarMark } from '../../../shared/calendar.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, RefTo } from '../../http/schemas.ts';
import type { CalendarService } from './calendar.service.ts';

export function calendarRoutes(fastify: FastifyInstance, calendar: CalendarService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(CalendarDay);
  const DayRef = RefTo(CalendarDay);
  const tags = ['calendar'];

  app.get(
    '/api/calendar-days',
    {
      config: { auth: { permission: 'rule.read' } },
      schema: {
        tags,
        summary: 'School calendar (校历): marked days in a date range, oldest first',
        querystring: Type.Object(
          { from: Type.Optional(CalendarDate), to: Type.Optional(CalendarDate), universityId: Type.Optional(Type.String()) },
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
        params: Type.Object({ date: CalendarDate }, { additionalProperties: false }),
        body: CalendarMark,
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
        params: Type.Object({ date: CalendarDate }, { additionalProperties: false }),
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
        body: CalendarImport,
        response: { 201: CalendarImportResult, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await calendar.importDays(actorOf(req), req.body)),
  );
}
