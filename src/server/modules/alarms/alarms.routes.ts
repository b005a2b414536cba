import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ALARM_STATES, ALARM_STEPS, ALARM_TYPES, AlarmPhoto, AlarmRule, AlarmView, OPEN_ALARM_STATES, RuleDefinition, RulesExport, SopStep, type AlarmStep } from '../../../shared/alarms.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, IdParams, Page, PagingQuery, RefTo, StringEnum } from '../../http/schemas.ts';
import type { AlarmsService } from './alarms.service.ts';
import type { RulesService } from './rules.service.ts';
import type { RuleDryRun } from './rule-dry-run.ts';
import { DeviceEvent, EVENT_KIND_LIST } from '../../../shared/events.ts';

const Person = Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false });
const AlarmRouteSchema = Type.Object({ operators: Type.Array(Person), leaders: Type.Array(Person) }, { additionalProperties: false });

const csv = (q: Record<string, unknown>, keys: string[]) => {
  for (const k of keys) if (typeof q[k] === 'string') q[k] = (q[k] as string).split(',');
};

export function alarmsRoutes(fastify: FastifyInstance, alarms: AlarmsService, rules: RulesService, dryRun: RuleDryRun) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(AlarmView);
  app.addSchema(AlarmRule);
  const AlarmRef = RefTo(AlarmView);
  const RuleRef = RefTo(AlarmRule);

  app.get(
    '/api/alarms',
    {
      config: { auth: { permission: 'alarm.read' } },
      preValidation: async (req) => csv(req.query as Record<string, unknown>, ['state', 'type']),
      schema: {
        tags: ['alarms'],
        summary: 'The alarm queue: most urgent first, then longest waiting. Default: open alarms.',
        querystring: Type.Object(
          {
            ...PagingQuery,
            state: Type.Optional(Type.Array(StringEnum(ALARM_STATES))),
            type: Type.Optional(Type.Array(StringEnum(ALARM_TYPES))),
            campusId: Type.Optional(Type.String()),
            deviceId: Type.Optional(Type.String({ description: 'Alarms raised by this device' })),
            cameraId: Type.Optional(Type.String({ description: 'Alarms raised by this camera or that linked it (markers on its playback timeline)' })),
            universityId: Type.Optional(Type.String()),
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            routedToMe: Type.Optional(Type.Boolean({ description: '按值班分派: only alarms routed to me (as operator or duty leader on shift), and those routed to nobody in particular' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(AlarmRef), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const page = q.page ?? 1;
      const pageSize = q.pageSize ?? 50;
      const iso = (s?: string) => (s ? new Date(s).toISOString() : undefined);
      const res = await alarms.list(actorOf(req), {
        states: q.state ?? [...OPEN_ALARM_STATES],
        types: q.type,
        campusId: q.campusId,
        deviceId: q.deviceId,
        cameraId: q.cameraId,
        universityId: q.universityId,
        from: iso(q.from),
        to: iso(q.to),
        routedToMe: q.routedToMe,
        limit: pageSize,
        offset: (page - 1) * pageSize,
      });
      return { ...res, page, pageSize };
    },
  );

  app.get(
    '/api/alarms/:id',
    {
      config: { auth: { permission: 'alarm.read' } },
      schema: {
        tags: ['alarms'],
        summary: 'An alarm with its full record: procedure, photos, dispatches, events, rule traces, actions and device acknowledgements, the log',
        params: IdParams,
        response: {
          200: Type.Object({
            alarm: AlarmRef,
            caseNo: Type.String({ description: '案件编号 YYYY-MMDD-NNNN: the Beijing date of the alarm and its number that day in the university (a drill alarm: YL-YYYY-MMDD-NNNN among that day’s drill alarms)' }),
            routedTo: Type.Union([AlarmRouteSchema, Type.Null()], { description: '按值班分派: the operators on shift and the duty leader it went to; null: routed to nobody in particular (no published roster)' }),
            sop: Type.Array(SopStep, { description: 'The procedure checklist' }),
            photos: Type.Array(AlarmPhoto),
            dispatches: Type.Array(Type.Unknown()),
            events: Type.Array(RefTo(DeviceEvent)),
            log: Type.Array(Type.Unknown()),
            ruleRuns: Type.Array(Type.Unknown()),
            actions: Type.Array(Type.Unknown()),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => alarms.record(actorOf(req), req.params.id),
  );

  app.post(
    '/api/alarms/:id/steps',
    {
      config: { auth: { permission: 'alarm.handle' } },
      schema: {
        tags: ['alarms'],
        summary: 'Move an alarm along: acknowledge, dispatch, arrive, resolve, close, false_alarm',
        params: IdParams,
        body: Type.Object({ step: StringEnum(Object.keys(ALARM_STEPS) as AlarmStep[]), note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
        response: { 200: AlarmRef, 409: Type.Ref('ErrorResponse'), ...errorResponses },
      },
    },
    async (req) => alarms.step(actorOf(req), req.params.id, req.body.step, req.body.note),
  );

  app.post(
    '/api/alarms/:id/reset',
    {
      config: { auth: { permission: 'alarm.handle' } },
      schema: {
        tags: ['alarms'],
        summary: 'Release a latched alarm after checking on site or by camera (the note says what was found)',
        params: IdParams,
        body: Type.Object({ note: Type.String({ minLength: 2, maxLength: 2000 }) }, { additionalProperties: false }),
        response: { 200: AlarmRef, 409: Type.Ref('ErrorResponse'), ...errorResponses },
      },
    },
    async (req) => alarms.reset(actorOf(req), req.params.id, req.body.note),
  );

  app.post(
    '/api/alarms/:id/notes',
    {
      config: { auth: { permission: 'alarm.handle' } },
      schema: {
        tags: ['alarms'],
        summary: 'Add a note to an alarm (also after it is closed)',
        params: IdParams,
        body: Type.Object({ note: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await alarms.addNote(actorOf(req), req.params.id, req.body.note);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/alarm-rules',
    {
      config: { auth: { permission: 'rule.read' } },
      schema: {
        tags: ['linkage rules'],
        summary: 'Linkage rules (联动规则) of your university',
        querystring: Type.Object({ universityId: Type.Optional(Type.String()) }, { additionalProperties: false }),
        response: { 200: Type.Array(RuleRef), ...errorResponses },
      },
    },
    async (req) => rules.list(actorOf(req), req.query.universityId),
  );

  app.get(
    '/api/alarm-rules/export',
    {
      config: { auth: { permission: 'rule.read' } },
      schema: {
        tags: ['linkage rules'],
        summary: 'Export rule definitions as JSON (importable elsewhere)',
        querystring: Type.Object({ universityId: Type.Optional(Type.String()) }, { additionalProperties: false }),
        response: { 200: RulesExport, ...errorResponses },
      },
    },
    async (req) => rules.exportRules(actorOf(req), req.query.universityId),
  );

  app.get(
    '/api/alarm-rules/schema',
    {
      config: { auth: { permission: 'rule.read' } },
      schema: { tags: ['linkage rules'], summary: 'JSON Schema of a rule definition (for editors)' },
    },
    async () => RuleDefinition,
  );

  app.get(
    '/api/alarm-rules/:id',
    { config: { auth: { permission: 'rule.read' } }, schema: { tags: ['linkage rules'], summary: 'One rule', params: IdParams, response: { 200: RuleRef, ...errorResponses } } },
    async (req) => rules.get(actorOf(req), req.params.id),
  );

  app.post(
    '/api/alarm-rules',
    {
      config: { auth: { permission: 'rule.write' } },
      schema: {
        tags: ['linkage rules'],
        summary: 'Create a rule; the definition is checked against the rule schema (unknown keys are errors)',
        body: Type.Object({ universityId: Type.Optional(Type.String()), definition: Type.Unknown() }, { additionalProperties: false }),
        response: { 201: RuleRef, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await rules.create(actorOf(req), req.body)),
  );

  app.put(
    '/api/alarm-rules/:id',
    {
      config: { auth: { permission: 'rule.write' } },
      schema: {
        tags: ['linkage rules'],
        summary: 'Replace a rule definition (new version)',
        params: IdParams,
        body: Type.Object({ definition: Type.Unknown() }, { additionalProperties: false }),
        response: { 200: RuleRef, ...errorResponses },
      },
    },
    async (req) => rules.update(actorOf(req), req.params.id, req.body.definition),
  );

  app.delete(
    '/api/alarm-rules/:id',
    { config: { auth: { permission: 'rule.write' } }, schema: { tags: ['linkage rules'], summary: 'Delete a rule (kept in the audit log)', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      await rules.remove(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/alarm-rules/:id/dry-run',
    {
      config: { auth: { permission: 'rule.read' } },
      schema: {
        tags: ['linkage rules'],
        summary: 'What the rule would do for an event from this device (cameras, doors, guards) — nothing is written or sent',
        params: IdParams,
        body: Type.Object(
          { deviceId: Type.String({ minLength: 1 }), kind: Type.Optional(StringEnum(EVENT_KIND_LIST)), at: Type.Optional(Type.String({ format: 'date-time', description: 'Default: now' })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Unknown(), ...errorResponses },
      },
    },
    async (req) => dryRun.run(actorOf(req), req.params.id, req.body),
  );

  app.post(
    '/api/alarm-rules/import',
    {
      config: { auth: { permission: 'rule.write' } },
      schema: {
        tags: ['linkage rules'],
        summary: 'Import rule definitions (all or nothing)',
        body: Type.Object({ universityId: Type.Optional(Type.String()), format: Type.Optional(Type.Literal('xiaoan.rules/1')), rules: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 500 }) }, { additionalProperties: false }),
        response: { 201: Type.Array(RuleRef), ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await rules.importRules(actorOf(req), req.body)),
  );
}
