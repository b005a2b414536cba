import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DEVICE_SORTS, Device, DeviceInput, DevicePatch, MaintenanceInput, MaintenanceRecord } from '../../../shared/devices.ts';
import { CAMERA_RESOLUTIONS, DEVICE_KINDS, DEVICE_STATUSES } from '../../../shared/domain.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, IdParams, IsoDate, Page, PagingQuery, RefTo, SortOrder, StringEnum } from '../../http/schemas.ts';
import type { DevicesService } from './devices.service.ts';

/** `kind=camera&kind=door` and `kind=camera,door` both work. */
const CsvList = <T extends readonly string[]>(values: T, description: string) =>
  Type.Optional(Type.Array(StringEnum(values), { description: `${description}; repeat the parameter or separate with commas` }));
const splitCsv = <T>(v: T[] | undefined): T[] | undefined => v?.flatMap((x) => String(x).split(',') as T[]);

export function devicesRoutes(fastify: FastifyInstance, devices: DevicesService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(Device);
  app.addSchema(MaintenanceRecord);
  const DeviceRef = RefTo(Device);
  const MaintenanceRef = RefTo(MaintenanceRecord);

  // Commas are split before validation so that each value is checked against the closed list.
  const splitListParams = async (req: { query: unknown }) => {
    const q = req.query as Record<string, unknown>;
    for (const key of ['kind', 'status']) {
      const v = q[key];
      if (v !== undefined) q[key] = splitCsv(Array.isArray(v) ? v : [v]);
    }
  };

  app.get(
    '/api/devices',
    {
      config: { auth: { permission: 'device.read' } },
      preValidation: splitListParams,
      schema: {
        tags: ['devices'],
        summary: 'Device ledger (台账): filter, search and page',
        querystring: Type.Object(
          {
            ...PagingQuery,
            kind: CsvList(DEVICE_KINDS, 'Device kinds'),
            status: CsvList(DEVICE_STATUSES, 'Ledger statuses'),
            campusId: Type.Optional(Type.String()),
            buildingId: Type.Optional(Type.String()),
            floorId: Type.Optional(Type.String()),
            areaId: Type.Optional(Type.String()),
            universityId: Type.Optional(Type.String({ description: 'City-wide roles only; others always see their own university' })),
            cameraResolution: Type.Optional(StringEnum(CAMERA_RESOLUTIONS)),
            warrantyEndBefore: Type.Optional(IsoDate),
            q: Type.Optional(Type.String({ maxLength: 100, description: 'Text in name, serial, IP, GB id, model or vendor' })),
            sort: Type.Optional(StringEnum(DEVICE_SORTS, { default: 'name' })),
            order: Type.Optional(SortOrder),
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(DeviceRef), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const page = q.page ?? 1;
      const pageSize = q.pageSize ?? 50;
      const res = await devices.list(actorOf(req), { ...q, sort: q.sort ?? 'name', order: q.order ?? 'asc', page, pageSize });
      return { ...res, page, pageSize };
    },
  );

  app.get(
    '/api/devices/:id',
    { config: { auth: { permission: 'device.read' } }, schema: { tags: ['devices'], summary: 'One device', params: IdParams, response: { 200: DeviceRef, ...errorResponses } } },
    async (req) => devices.get(actorOf(req), req.params.id),
  );

  app.post(
    '/api/devices',
    {
      config: { auth: { permission: 'device.write' } },
      schema: { tags: ['devices'], summary: 'Register a device in the ledger', body: DeviceInput, response: { 201: DeviceRef, ...errorResponses } },
    },
    async (req, reply) => reply.status(201).send(await devices.create(actorOf(req), req.body)),
  );

  app.patch(
    '/api/devices/:id',
    {
      config: { auth: { permission: 'device.write' } },
      schema: {
        tags: ['devices'],
        summary: 'Change a device (only the fields given; null clears)',
        params: IdParams,
        body: DevicePatch,
        response: { 200: DeviceRef, ...errorResponses },
      },
    },
    async (req) => devices.update(actorOf(req), req.params.id, req.body),
  );

  app.delete(
    '/api/devices/:id',
    {
      config: { auth: { permission: 'device.write' } },
      schema: { tags: ['devices'], summary: 'Remove a device and its maintenance records (kept in the audit log)', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (req, reply) => {
      await devices.delete(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/devices/:id/maintenance',
    {
      config: { auth: { permission: 'device.read' } },
      schema: { tags: ['devices'], summary: 'Maintenance records of a device, newest first', params: IdParams, response: { 200: Type.Array(MaintenanceRef), ...errorResponses } },
    },
    async (req) => devices.listMaintenance(actorOf(req), req.params.id),
  );

  app.post(
    '/api/devices/:id/maintenance',
    {
      config: { auth: { permission: 'maintenance.write' } },
      schema: {
        tags: ['devices'],
        summary: 'Record maintenance on a device',
        params: IdParams,
        body: MaintenanceInput,
        response: { 201: MaintenanceRef, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await devices.addMaintenance(actorOf(req), req.params.id, req.body)),
  );
}
