import type {} from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { actorOf, SESSION_COOKIE } from '../../http/auth-hook.ts';
import { hashToken } from '../accounts/index.ts';
import type { LiveHub } from './live-hub.ts';

export function liveRoutes(app: FastifyInstance, hub: LiveHub) {
  app.get(
    '/api/live',
    {
      websocket: true,
      config: { auth: { access: 'authenticated' } },
      schema: {
        tags: ['live'],
        summary: 'WebSocket: new events, device status changes and alarm and dispatch changes of your university, as JSON messages (hello, events, status, alarms, dispatches, missed)',
      },
    },
    (socket, req) => {
      const token = req.cookies[SESSION_COOKIE];
      hub.add(socket, actorOf(req), token ? hashToken(token) : null);
    },
  );
}
