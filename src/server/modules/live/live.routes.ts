import type {} from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../../http/auth-hook.ts';
import type { LiveHub } from './live-hub.ts';

export function liveRoutes(app: FastifyInstance, hub: LiveHub) {
  app.get(
    '/api/live',
    {
      websocket: true,
      config: { auth: { access: 'authenticated' } },
      schema: {
        tags: ['live'],
        summary: 'WebSocket: new events and device status changes of your university, as JSON messages (hello, events, status, missed)',
      },
    },
    (socket, req) => hub.add(socket, actorOf(req)),
  );
}
