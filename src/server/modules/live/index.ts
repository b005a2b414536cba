/** Live push (实时推送): one WebSocket per browser carrying events, alarms, dispatches and device status. */
import { ModuleBus, type EventBus } from '../../bus/event-bus.ts';
import type { ModuleFace } from '../module.ts';
import { LiveHub } from './live-hub.ts';
import { liveRoutes } from './live.routes.ts';

export { LiveHub } from './live-hub.ts';

export function createLiveModule(d: { bus: EventBus }) {
  const bus = new ModuleBus(d.bus);
  const live = new LiveHub(bus);
  const face: ModuleFace = { name: 'live', bus, tables: [], routes: (app) => liveRoutes(app, live), stop: async () => live.close() };
  return { face, live };
}
