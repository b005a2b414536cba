import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { OnvifCameraInput, OnvifCameraView, OnvifConnectionInput } from '../../../shared/onvif.ts';
import { actorOf } from '../../http/auth-hook.ts';
import { errorResponses, IdParams } from '../../http/schemas.ts';
import type { OnvifService } from './onvif.service.ts';

/** ONVIF cameras: add by address and credentials, read what they are, ask again. */
export function onvifRoutes(fastify: FastifyInstance, onvif: OnvifService) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(OnvifCameraView);

  app.post(
    '/api/onvif/cameras',
    {
      config: { auth: { permission: 'device.write' } },
      schema: {
        tags: ['devices'],
        summary:
          'Add an ONVIF camera by address, user and password: its device information, profiles, RTSP URIs and PTZ presets are read and kept, and its events are pulled. Link it to a ledger camera (deviceId) or enter a new one in a campus (campusId). Wrong credentials are a 400 naming password; an unreachable camera a 504',
        body: OnvifCameraInput,
        response: { 200: OnvifCameraView, ...errorResponses },
      },
    },
    async (req) => onvif.add(actorOf(req), req.body),
  );

  app.get(
    '/api/devices/:id/onvif',
    {
      config: { auth: { permission: 'device.read' } },
      schema: {
        tags: ['devices'],
        summary: 'What an ONVIF camera reported (profiles, RTSP URIs without credentials, snapshot URI, PTZ presets) and how its event subscription is doing',
        params: IdParams,
        response: { 200: OnvifCameraView, ...errorResponses },
      },
    },
    async (req) => onvif.view(actorOf(req), req.params.id),
  );

  app.put(
    '/api/devices/:id/onvif',
    {
      config: { auth: { permission: 'device.write' } },
      schema: {
        tags: ['devices'],
        summary: "Change how the platform reaches an ONVIF camera (new address, user or password): the camera is asked with them first, and they are kept only if it accepts",
        params: IdParams,
        body: OnvifConnectionInput,
        response: { 200: OnvifCameraView, ...errorResponses },
      },
    },
    async (req) => onvif.reconnect(actorOf(req), req.params.id, req.body),
  );

  app.post(
    '/api/devices/:id/onvif/refresh',
    {
      config: { auth: { permission: 'device.write' } },
      schema: {
        tags: ['devices'],
        summary: 'Ask the ONVIF camera again for its profiles, URIs and presets (after someone reconfigured it)',
        params: IdParams,
        response: { 200: OnvifCameraView, ...errorResponses },
      },
    },
    async (req) => onvif.refresh(actorOf(req), req.params.id),
  );
}
