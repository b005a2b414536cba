import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CAMERA_RESOLUTIONS, CAMERA_TYPES, DEVICE_KINDS, DEVICE_STATUSES, MAINTENANCE_KINDS, PLACEMENTS } from '../../../shared/domain.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, IdParams, IsoDate, Nullable, Page, PagingQuery, SortOrder, StringEnum } from '../../http/schemas.ts';
import { DEVICE_SORTS } from './devices.repository.ts';
import type { DevicesService } from './devices.service.ts';

const OptionalText = (max: number, description?: string) => Type.Optional(Nullable(Type.String({ maxLength: max, description })));

const cameraFields = {
  resolution: StringEnum(CAMERA_RESOLUTIONS, { description: 'analog / 720p / 1080p / 4k' }),
  type: StringEnum(CAMERA_TYPES, { description: 'fixed or PTZ' }),
  mountHeightM: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 100, description: 'Mount height in metres' }))),
  bearingDeg: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 360, description: 'Direction the lens points, degrees clockwise from north' }))),
  fovDeg: Type.Optional(Nullable(Type.Number({ minimum: 1, maximum: 360, description: 'Horizontal field-of-view angle in degrees' }))),
  rangeM: Type.Optional(Nullable(Type.Number({ minimum: 0.5, maximum: 1000, description: 'Useful viewing distance in metres' }))),
  placement: Type.Optional(Nullable(StringEnum(PLACEMENTS))),
};
const CameraInput = Type.Object(cameraFields, { additionalProperties: false });
const CameraPatch = Type.Object(
  { ...cameraFields, resolution: Type.Optional(cameraFields.resolution), type: Type.Optional(cameraFields.type) },
  { additionalProperties: false },
);

const deviceFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  kind: StringEnum(DEVICE_KINDS),
  status: Type.Optional(StringEnum(DEVICE_STATUSES, { description: 'Ledger status; default in_service' })),
  campusId: Type.Optional(Nullable(Type.String({ description: 'Required unless a building, floor or area is given' }))),
  buildingId: Type.Optional(Nullable(Type.String())),
  floorId: Type.Optional(Nullable(Type.String())),
  areaId: Type.Optional(Nullable(Type.String())),
  lon: Type.Optional(Nullable(Type.Number({ minimum: -180, maximum: 180 }))),
  lat: Type.Optional(Nullable(Type.Number({ minimum: -90, maximum: 90 }))),
  vendor: OptionalText(100),
  model: OptionalText(100),
  serial: OptionalText(100),
  ip: OptionalText(45, 'IPv4 or IPv6 address'),
  gbId: Type.Optional(Nullable(Type.String({ maxLength: 20, minLength: 1, description: 'GB/T 28181 20-digit code' }))),
  installDate: Type.Optional(Nullable(IsoDate)),
  warrantyEnd: Type.Optional(Nullable(IsoDate)),
  retentionDays: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 3650, description: 'Days of video kept (cameras, recorders)' }))),
  notes: OptionalText(2000),
  camera: Type.Optional(Nullable(CameraInput)),
};

const DeviceSchema = Type.Object(
  {
    id: Type.String(),
    universityId: Type.String(),
    campusId: Type.String(),
    buildingId: Nullable(Type.String()),
    floorId: Nullable(Type.String()),
    areaId: Nullable(Type.String()),
    name: Type.String(),
    kind: StringEnum(DEVICE_KINDS),
    status: StringEnum(DEVICE_STATUSES),
    lon: Nullable(Type.Number()),
    lat: Nullable(Type.Number()),
    vendor: Nullable(Type.String()),
    model: Nullable(Type.String()),
    serial: Nullable(Type.String()),
    ip: Nullable(Type.String()),
    gbId: Nullable(Type.String()),
    installDate: Nullable(Type.String()),
    warrantyEnd: Nullable(Type.String()),
    retentionDays: Nullable(Type.Integer()),
    notes: Nullable(Type.String()),
    camera: Nullable(
      Type.Object({
        resolution: Type.String(),
        type: Type.String(),
        mountHeightM: Nullable(Type.Number()),
        bearingDeg: Nullable(Type.Number()),
        fovDeg: Nullable(Type.Number()),
        rangeM: Nullable(Type.Number()),
        placement: Nullable(Type.String()),
      }),
    ),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'Device' },
);

const MaintenanceSchema = Type.Object(
  {
    id: Type.String(),
    deviceId: Type.String(),
    universityId: Type.String(),
    date: Type.String(),
    kind: Type.String(),
    performedBy: Type.String(),
    notes: Nullable(Type.String()),
    createdBy: Nullable(Type.String()),
    createdAt: Type.String(),
  },
  { $id: 'MaintenanceRecord' },
);

/** `kind=camera&kind=door` and `kind=camera,door` both work. */
const CsvList = <T extends readonly string[]>(values: T, description: string) =>
  Type.Optional(Type.Array(StringEnum(values), { description: `${description}; repeat the parameter or separate with commas` }));
const splitCsv = <T>(v: T[] | undefined): T[] | undefined => v?.flatMap((x) => String(x).split(',') as T[]);

export function devicesRoutes(fastify: FastifyInstance, devices: DevicesService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(DeviceSchema);
  app.addSchema(MaintenanceSchema);
  const DeviceRef = Type.Ref('Device');
  const MaintenanceRef = Type.Ref('MaintenanceRecord');

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
      schema: { tags: ['devices'], summary: 'Register a device in the ledger', body: Type.Object(deviceFields, { additionalProperties: false }), response: { 201: DeviceRef, ...errorResponses } },
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
        body: Type.Object(
          { ...deviceFields, name: Type.Optional(deviceFields.name), kind: Type.Optional(deviceFields.kind), camera: Type.Optional(Nullable(CameraPatch)) },
          { additionalProperties: false, minProperties: 1 },
        ),
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
        body: Type.Object(
          { date: IsoDate, kind: StringEnum(MAINTENANCE_KINDS), performedBy: Type.String({ minLength: 1, maxLength: 100 }), notes: OptionalText(2000) },
          { additionalProperties: false },
        ),
        response: { 201: MaintenanceRef, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await devices.addMaintenance(actorOf(req), req.params.id, req.body)),
  );
}
