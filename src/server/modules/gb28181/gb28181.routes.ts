import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { GbDeviceView, GbDiagnostics, GbPlatformStatus } from '../../../shared/gb28181.ts';
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
