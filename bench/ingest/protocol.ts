/**
 * What the ingest benchmark's processes say to each other over the fork() IPC channel, and the
 * event messages the load process publishes.
 *
 *   run.ts (orchestrator) ──IPC──▶ load.ts (MQTT devices)       ──MQTT──▶ raw-broker.ts | src/server/main.ts
 *                         ──IPC──▶ raw-broker.ts (bare aedes)
 *                         ──WebSocket /api/live (admin)──▶ src/server/main.ts
 */

/** Device kinds the benchmark registers; each publishes the event its kind produces on a campus. */
export type LoadDeviceKind = 'camera' | 'door' | 'lpr_camera';

export interface LoadDevice {
  id: string;
  secret: string;
  universityId: string;
  kind: LoadDeviceKind;
}

/** Milliseconds on CLOCK_MONOTONIC (system-wide on Linux), so timestamps of different processes compare. */
export function monoMs(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}

// ---- orchestrator → load process -----------------------------------------------------------------

export type LoadCommand =
  | {
      type: 'connect';
      url: string;
      devices: LoadDevice[];
      /** Connections opened at once. */
      concurrency: number;
      keepaliveS: number;
      /**
       * Source addresses to spread the connections over (127.0.0.x): one source address and one
       * destination give at most ~28,000 ephemeral ports (net.ipv4.ip_local_port_range).
       */
      localAddresses: string[];
      subscribeCommands: boolean;
    }
  | { type: 'saturate'; warmupS: number; measureS: number; window: number; tag: string }
  /** `devices`: how many of the connected devices send (the first ones); the others stay idle. */
  | { type: 'steady'; rate: number; warmupS: number; measureS: number; tag: string; devices: number }
  | { type: 'heartbeats'; intervalS: number; qos: 0 | 1 }
  | { type: 'stop-heartbeats' }
  | { type: 'close' };

// ---- load process → orchestrator -----------------------------------------------------------------

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface SaturateResult {
  type: 'saturated';
  devices: number;
  window: number;
  /** PUBACKs received inside the measurement window. */
  acked: number;
  seconds: number;
  rate: number;
  /** PUBACKs per second of the measurement window, second by second. */
  perSecond: number[];
  /** publish → PUBACK (ms) inside the window. */
  pubackMs: LatencySummary;
  errors: number;
  lastError: string | null;
  /** Messages still unacknowledged when the drain gave up (should be 0). */
  unacked: number;
  /** PUBACKs in total (warm-up + window + drain). */
  totalAcked: number;
  /** The load process's CPU time during the window (ms), and its RSS. */
  cpuMs: number;
  rssBytes: number;
}

export interface SteadyResult {
  type: 'steadied';
  rate: number;
  sent: number;
  acked: number;
  seconds: number;
  /** [sourceEventId, publish time on monoMs()] of every event published inside the measurement window. */
  published: [string, number][];
  pubackMs: LatencySummary;
  errors: number;
  lastError: string | null;
  /** Largest gap between two consecutive sends (ms): shows whether the pacing held. */
  maxSendGapMs: number;
}

export type LoadReply =
  | { type: 'ready'; pid: number }
  /** `connected`: all devices connected now; `failed`: devices of this command that are not. */
  | { type: 'connected'; connected: number; failed: number; ms: number; lastError: string | null; rssBytes: number }
  | SaturateResult
  | SteadyResult
  | { type: 'heartbeats-started' }
  | { type: 'heartbeats-stopped'; sent: number; errors: number; connected: number; disconnects: number; lastError: string | null; rssBytes: number }
  | { type: 'progress'; text: string }
  /** The measurement window of a saturate/steady command starts or ends now (`at` on monoMs()). */
  | { type: 'mark'; what: 'window-start' | 'window-end'; at: number }
  | { type: 'closed' }
  | { type: 'error'; message: string };

// ---- raw broker → orchestrator -------------------------------------------------------------------

export type BrokerReply = { type: 'listening'; port: number; pid: number };

// ---- event messages ------------------------------------------------------------------------------

const REGIONS = ['入口', '大厅', '走廊东', '走廊西', '楼梯间', '停车场'];
const CREDENTIALS = ['3A9F22C1', '7C01E4B2', '0D5A9F13', 'E2B7C640', '5F3318AA'];
const PLATES = ['沪A12345', '沪B6K221', '苏E9X781', '浙A3L556', '沪AD10293', '京N8Q112'];

/**
 * One event as a device of this kind sends it (the docs' examples), with the given
 * sourceEventId. Built as a string: the load process must stay cheap next to the broker.
 */
export function eventMessage(kind: LoadDeviceKind, sourceEventId: string, seq: number, occurredAt: string): string {
  switch (kind) {
    case 'camera':
      return `{"kind":"motion","sourceEventId":"${sourceEventId}","occurredAt":"${occurredAt}","payload":{"objectType":"${seq % 7 ? 'person' : 'vehicle'}","region":"${REGIONS[seq % REGIONS.length]}"}}`;
    case 'door':
      return `{"kind":"access.granted","sourceEventId":"${sourceEventId}","occurredAt":"${occurredAt}","payload":{"credentialType":"card","credentialId":"${CREDENTIALS[seq % CREDENTIALS.length]}","personId":"20231${String(seq % 100000).padStart(5, '0')}","direction":"${seq % 2 ? 'in' : 'out'}"}}`;
    case 'lpr_camera':
      return `{"kind":"plate.read","sourceEventId":"${sourceEventId}","occurredAt":"${occurredAt}","payload":{"plate":"${PLATES[seq % PLATES.length]}","colour":"blue","direction":"${seq % 2 ? 'in' : 'out'}","confidence":0.97,"lane":${(seq % 4) + 1}}}`;
  }
}

/** Kinds of `n` devices: 60 % cameras, 30 % doors, 10 % LPR cameras (interleaved, so any prefix has the mix). */
export function kindOf(i: number): LoadDeviceKind {
  const r = i % 10;
  return r < 6 ? 'camera' : r < 9 ? 'door' : 'lpr_camera';
}
