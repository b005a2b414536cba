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

/** An alarm was created or changed (`change`: created, a step, sop, note …): operator screens re-read it. */
export interface AlarmChange {
  alarmId: string;
  change: string;
}

/** A dispatch was offered to a guard or changed: the guard's phone re-reads it. */
export interface DispatchChange {
  dispatchId: string;
  change: string;
}

export type LiveMessage =
  | { type: 'hello'; at: string }
  | { type: 'events'; events: DeviceEvent[] }
  | { type: 'status'; changes: DeviceStatusChange[] }
  | { type: 'alarms'; changes: AlarmChange[] }
  | { type: 'dispatches'; changes: DispatchChange[] }
  | { type: 'missed'; count: number; hint: 'reload' };

export type LiveMessageType = LiveMessage['type'];
export type LiveMessageOf<T extends LiveMessageType> = Extract<LiveMessage, { type: T }>;

/** Close code of a live socket whose login session ended (logout, account disabled, access changed): log in again. */
export const LIVE_CLOSE_SESSION_ENDED = 4401;
