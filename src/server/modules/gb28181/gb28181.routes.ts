import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { GbCatalogSync, GbDeviceInfo, GbDeviceStatus, GbDeviceView, GbDiagnostics, GbPlatformStatus, GbRecords, PtzInput } from '../../../shared/gb28181.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, IdParams } from '../../http/schemas.ts';
import type { Gb28181Service } from './gb28181.service.ts';

/** GB/T 28181 access: what the platform knows of a device's registration and last exchanges. */
export function gb28181Routes(fastify: FastifyInstance, gb: Gb28181Service) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(GbDeviceView);

  app.get(
    '/api/devices/:id/gb28181',
    {
      config: { auth: { permission: 'device.read' } },
      schema: {
        tags: ['devices'],
        summary: 'GB/T 28181 diagnostics of a device: registration, transport, NAT address seen and declared, clock offset, the last exchange of each kind and why it was refused',
        params: IdParams,
        response: { 200: GbDiagnostics, ...errorResponses },
      },
    },
    async (req) => gb.diagnostics(actorOf(req), req.params.id),
  );

  app.post(
    '/api/devices/:id/gb28181/catalog',
    {
      config: { auth: { permission: 'device.write' } },
      schema: {
        tags: ['devices'],
        summary: 'Ask a registered GB/T 28181 device for its catalog now; its cameras enter the ledger (matched by their 20-digit id), alarm inputs are listed for a person to classify',
        params: IdParams,
        response: {
          200: GbCatalogSync,
          ...errorResponses,
        },
      },
    },
    async (req) => gb.queryCatalog(actorOf(req), req.params.id),
  );

  app.get(
    '/api/devices/:id/gb28181/device-info',
    {
      config: { auth: { permission: 'device.read' } },
      schema: {
        tags: ['devices'],
        summary: 'Ask the device (or the recorder a camera hangs off) what it is: DeviceInfo',
        params: IdParams,
        response: {
          200: GbDeviceInfo,
          ...errorResponses,
        },
      },
    },
    async (req) => gb.deviceInfo(actorOf(req), req.params.id),
  );

  app.get(
    '/api/devices/:id/gb28181/device-status',
    {
      config: { auth: { permission: 'device.read' } },
      schema: {
        tags: ['devices'],
        summary: "Ask the device its status: online, encoding, recording, and its clock (the offset is kept for the diagnostics)",
        params: IdParams,
        response: {
          200: GbDeviceStatus,
          ...errorResponses,
        },
      },
    },
    async (req) => gb.deviceStatus(actorOf(req), req.params.id),
  );

  app.get(
    '/api/devices/:id/gb28181/records',
    {
      config: { auth: { permission: 'device.read' } },
      schema: {
        tags: ['devices'],
        summary: 'What the recorder holds for this camera between from and to (RecordInfo; at most 31 days): how retention is verified on real recorders',
        params: IdParams,
        querystring: Type.Object({ from: Type.String({ format: 'date-time' }), to: Type.String({ format: 'date-time' }) }, { additionalProperties: false }),
        response: {
          200: GbRecords,
          ...errorResponses,
        },
      },
    },
    async (req) => gb.records(actorOf(req), req.params.id, req.query.from, req.query.to),
  );

  app.post(
    '/api/devices/:id/ptz',
    {
      config: { auth: { permission: 'video.control' } },
      schema: {
        tags: ['devices'],
        summary: 'Steer a PTZ camera: move (pan/tilt/zoom until stop), stop, or go to / set / delete a preset (GB/T 28181 DeviceControl through its recorder)',
        params: IdParams,
        body: PtzInput,
        response: { 200: Type.Object({ accepted: Type.Literal(true) }), ...errorResponses },
      },
    },
    async (req) => gb.ptz(actorOf(req), req.params.id, req.body),
  );

  app.get(
    '/api/gb28181/status',
    {
      config: { auth: { permission: 'device.read' } },
      schema: {
        tags: ['devices'],
        summary: "The platform's GB/T 28181 SIP server: its id, domain and port, registered devices, and ids that tried to register without being in the ledger",
        response: {
          200: GbPlatformStatus,
          ...errorResponses,
        },
      },
    },
    async (req) => gb.status(actorOf(req)),
  );
}
