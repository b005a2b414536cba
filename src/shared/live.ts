/**
 * The live channel (WebSocket `/api/live`): what the server sends to browsers and phones. One
 * definition for the server (live-hub.ts) and the console (live-connection.ts).
 */
import type { AlarmStep, GuardStep } from './alarms.ts';
import type { DeviceEvent } from './events.ts';

/** A device came online or went offline. */
export interface DeviceStatusChange {
  deviceId: string;
  universityId: string;
  online: boolean;
  at: string;
}

/** What happened to an alarm: raised, joined by another event, a handling step, a guard's step, a procedure step, a note … */
export type AlarmChangeKind = 'created' | 'merged' | AlarmStep | 'reset' | 'note' | 'escalated' | 'handed_over' | 'dispatched' | `guard.${GuardStep}` | 'sop';

/** An alarm was created or changed: operator screens re-read it. */
export interface AlarmChange {
  alarmId: string;
  change: AlarmChangeKind;
}

/** A dispatch was offered to a guard or changed by the guard's step: the guard's phone re-reads it. */
export interface DispatchChange {
  dispatchId: string;
  change: 'offered' | GuardStep;
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
