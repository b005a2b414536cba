/** Live push (实时推送): one WebSocket per browser carrying events, alarms, dispatches and device status. */
import type { EventBus } from '../../bus/event-bus.ts';
import type { ModuleFace } from '../module.ts';
import { LiveHub } from './live-hub.ts';
import { liveRoutes } from './live.routes.ts';

export { LiveHub } from './live-hub.ts';

export function createLiveModule(d: { bus: EventBus }) {
  const live = new LiveHub(d.bus);
  const face: ModuleFace = { name: 'live', tables: [], routes: (app) => liveRoutes(app, live), stop: async () => live.close() };
  return { face, live };
}
