/**
 * The live channel (WebSocket `/api/live`): what the server sends to browsers and phones. One
 * definition for the server (live-hub.ts) and the console (live-connection.ts).
 */
import type { DeviceEvent } from './events.ts';

/** A device came online or went offline. */
export interface DeviceStatusChange {
  deviceId: string;
  universityId: string;
  online: boolean;
  at: string;
}

export type LiveMessage =
  | { type: 'hello'; at: string }
  | { type: 'events'; events: DeviceEvent[] }
  | { type: 'status'; changes: DeviceStatusChange[] }
  | { type: 'alarms'; changes: { alarmId: string; change: string }[] }
  | { type: 'dispatches'; changes: { dispatchId: string; change: string }[] }
  | { type: 'missed'; count: number; hint: 'reload' };

export type LiveMessageType = LiveMessage['type'];

/** Close code of a live socket whose login session ended (logout, account disabled, access changed): log in again. */
export const LIVE_CLOSE_SESSION_ENDED = 4401;
