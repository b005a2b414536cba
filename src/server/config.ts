import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

/**
 * One strict configuration model. Every key has a description and bounds; unknown keys fail
 * at load (a typo in `XIAOAN_DEMO` must not silently become "demo on").
 * Sources, later wins: defaults → JSON file named by XIAOAN_CONFIG → environment.
 */
export const ConfigSchema = Type.Object(
  {
    PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'HTTP port' }),
    HOST: Type.String({ minLength: 1, default: '0.0.0.0', description: 'HTTP listen address' }),
    XIAOAN_DATA_DIR: Type.String({ minLength: 1, default: './data', description: 'Directory for the SQLite file and other local data' }),
    DATABASE_URL: Type.Optional(
      Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL connection string; when unset the embedded SQLite store is used' }),
    ),
    XIAOAN_ADMIN_PASSWORD: Type.Optional(
      Type.String({ minLength: 8, description: 'Password of the first admin account; generated and printed once when unset' }),
    ),
    XIAOAN_DEMO: Type.Boolean({ default: true, description: 'Seed the demo university on an empty database' }),
    XIAOAN_DEMO_HISTORY_DAYS: Type.Integer({
      minimum: 0,
      maximum: 365,
      default: 90,
      description: 'Days of past the demo university gets when it is first seeded (events, alarms handled, repairs); 0 = none',
    }),
    XIAOAN_DEMO_HISTORY_SEED: Type.Integer({ minimum: 0, maximum: 4294967295, default: 20260101, description: 'Seed of the demo history: the same seed and end date give the same history' }),
    XIAOAN_LOG_LEVEL: Type.Union(
      [Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')],
      { default: 'info', description: 'Log level' },
    ),
    XIAOAN_SESSION_TTL_HOURS: Type.Integer({ minimum: 1, maximum: 720, default: 12, description: 'Idle lifetime of a login session' }),
    XIAOAN_COOKIE_SECURE: Type.Boolean({ default: false, description: 'Mark the session cookie Secure (set when served over HTTPS)' }),
    XIAOAN_LOGIN_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 1000, default: 10, description: 'Login attempts per user and address per minute' }),
    XIAOAN_MQTT_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 1883, description: 'Port of the built-in MQTT broker (0 = pick a free port)' }),
    MQTT_URL: Type.Optional(Type.String({ pattern: '^mqtts?://', description: 'External MQTT broker (mosquitto, EMQX); when set the built-in broker does not start' })),
    XIAOAN_SIP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 5060, description: 'GB/T 28181 SIP port, UDP and TCP (0 = pick a free port)' }),
    XIAOAN_SIP_ID: Type.String({
      pattern: '^[0-9]{20}$',
      default: '31000000112000000001',
      description: "The platform's 20-digit GB/T 28181 id (default: Shanghai, education, SIP server 000001)",
    }),
    XIAOAN_SIP_DOMAIN: Type.Optional(Type.String({ pattern: '^[0-9]{10}$', description: 'GB/T 28181 SIP domain (digest realm); default: the first 10 digits of XIAOAN_SIP_ID' })),
    XIAOAN_SIP_KEEPALIVE_S: Type.Integer({ minimum: 5, maximum: 3600, default: 60, description: 'Seconds between GB/T 28181 keepalives; a device is offline after XIAOAN_OFFLINE_AFTER_MISSED missed' }),
    XIAOAN_MEDIA_HOST: Type.Optional(Type.String({ minLength: 1, description: 'Address cameras send GB/T 28181 video to (put in INVITE offers); default: the first external IPv4 of this server' })),
    XIAOAN_MEDIA_TRANSPORT: Type.Union([Type.Literal('udp'), Type.Literal('tcp-passive'), Type.Literal('tcp-active')], {
      default: 'udp',
      description: 'How GB/T 28181 cameras send video: udp, tcp-passive (the camera connects to the platform; best through NAT) or tcp-active (the platform connects to the camera)',
    }),
    XIAOAN_MEDIA_LINGER_S: Type.Integer({ minimum: 0, maximum: 3600, default: 15, description: 'Seconds a live stream nobody watches goes on before it stops (switching back is instant meanwhile)' }),
    XIAOAN_MEDIA_REMUXER: Type.Union([Type.Literal('builtin'), Type.Literal('ffmpeg')], {
      default: 'builtin',
      description: 'What turns GB/T 28181 video (MPEG-PS) into fragmented MP4: builtin (in the RTP thread, no process per stream) or ffmpeg (one process per stream); ONVIF/RTSP and transcodes always use ffmpeg',
    }),
    XIAOAN_MEDIA_MAX_TRANSCODES: Type.Integer({ minimum: 0, maximum: 64, default: 4, description: 'Live H.265 streams re-encoded to H.264 at once for browsers that cannot decode H.265 (each costs about a third of a core at 1080p)' }),
    XIAOAN_MEDIA_NODE_URL: Type.Optional(
      Type.String({
        pattern: '^wss?://',
        description: 'A media node (npm run media-node) that receives and remuxes GB/T 28181 video instead of this process, e.g. ws://10.0.0.5:7400; cameras then send to it (XIAOAN_MEDIA_HOST defaults to its host)',
      }),
    ),
    XIAOAN_MEDIA_NODE_SECRET: Type.Optional(Type.String({ minLength: 16, description: 'Shared secret between the API and its media node (at least 16 characters); required with XIAOAN_MEDIA_NODE_URL and by the node itself' })),
    XIAOAN_MEDIA_NODE_HOST: Type.String({ minLength: 1, default: '0.0.0.0', description: 'On a media node: the address it listens on for the API process' }),
    XIAOAN_MEDIA_NODE_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 7400, description: 'On a media node: the port it listens on for the API process (0 = pick a free port)' }),
    XIAOAN_FFMPEG: Type.Optional(Type.String({ minLength: 1, description: 'Path of ffmpeg; default: /usr/bin/ffmpeg, else the one npm installed (@ffmpeg-installer/ffmpeg)' })),
    XIAOAN_RECORD_SEGMENT_S: Type.Integer({ minimum: 1, maximum: 3600, default: 60, description: 'Length of a recording segment file: cut at the first keyframe after this many seconds' }),
    XIAOAN_RECORD_MIN_FREE_GB: Type.Number({
      minimum: 0,
      maximum: 1_000_000,
      default: 5,
      description: 'Free space kept on the recordings volume: below it the oldest recordings (never evidence) are deleted early, each loss audited',
    }),
    XIAOAN_RECORD_BUFFER_MB: Type.Integer({ minimum: 1, maximum: 1024, default: 16, description: 'Video a recorder may queue for a slow disk; beyond it, video is dropped up to the next keyframe and counted' }),
    XIAOAN_ONVIF_TIMEOUT_MS: Type.Integer({ minimum: 200, maximum: 120_000, default: 8000, description: 'How long one ONVIF call may take (the event long poll waits up to a minute besides)' }),
    XIAOAN_HEARTBEAT_INTERVAL_S: Type.Integer({ minimum: 5, maximum: 3600, default: 60, description: 'Seconds between device heartbeats' }),
    XIAOAN_OFFLINE_AFTER_MISSED: Type.Integer({ minimum: 1, maximum: 100, default: 3, description: 'Missed heartbeats before a device is offline' }),
    XIAOAN_EVENT_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 180, description: 'Days events are kept (default for every kind)' }),
    XIAOAN_EVENT_RETENTION: Type.Optional(
      Type.String({ pattern: '^([a-z_.]+=\\d+)(,[a-z_.]+=\\d+)*$', description: 'Per-kind retention in days, e.g. "access.granted=30,plate.read=90"' }),
    ),
    XIAOAN_DISPATCH_ETA_WARN_MIN: Type.Number({
      minimum: 1,
      maximum: 120,
      default: 5,
      description: 'Warn the operator when the nearest guard sent by a linkage rule needs longer than this many minutes to arrive',
    }),
    XIAOAN_SIM_RATE: Type.Number({ minimum: 0, maximum: 100000, default: 20, description: 'Simulated events per second (demo); 0 disables the simulator' }),
    XIAOAN_CONFIG: Type.Optional(Type.String({ description: 'Path of a JSON file with any of these keys' })),
    XIAOAN_TRUST_PROXY: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Reverse proxies (addresses or CIDRs, comma-separated) whose X-Forwarded-For is believed; unset, no proxy header is, so no client can choose the address that login and ingest limits count',
      }),
    ),
    XIAOAN_READY_FILE: Type.Optional(
      Type.String({ minLength: 1, description: 'Once listening, write {"pid","httpPort","mqttPort","sipPort"} as JSON to this file (for supervisors and tests that start the server with PORT=0)' }),
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: { key: string; reason: string }[]) {
    super('Invalid configuration:\n' + problems.map((p) => `  ${p.key}: ${p.reason}`).join('\n'));
  }
}

const KEYS = Object.keys(ConfigSchema.properties) as (keyof Config)[];
/** Environment variables we own; any other XIAOAN_* variable is a typo and an error. */
const OWN_PREFIX = 'XIAOAN_';
/** Environment variables read only from the environment (process-wide names we do not own exclusively). */
const SHARED_ENV = new Set(['PORT', 'HOST', 'DATABASE_URL', 'MQTT_URL']);

function fromEnvString(key: keyof Config, raw: string): unknown {
  const prop = ConfigSchema.properties[key] as { type?: string; anyOf?: unknown };
  if (prop.type === 'integer') return /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (prop.type === 'number') return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  if (prop.type === 'boolean') {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    return raw;
  }
  return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const input: Record<string, unknown> = {};
  const problems: { key: string; reason: string }[] = [];

  const file = overrides.XIAOAN_CONFIG ?? env.XIAOAN_CONFIG;
  if (file) {
    try {
      const parsed = JSON.parse(readFileSync(path.resolve(file), 'utf8')) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
      Object.assign(input, parsed);
    } catch (e) {
      problems.push({ key: 'XIAOAN_CONFIG', reason: `cannot read ${file}: ${(e as Error).message}` });
    }
  }
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined) continue;
    if (KEYS.includes(name as keyof Config)) input[name] = fromEnvString(name as keyof Config, raw);
    else if (name.startsWith(OWN_PREFIX) && !name.startsWith('XIAOAN_TEST_')) {
      problems.push({ key: name, reason: 'unknown configuration key' });
    }
  }
  for (const name of SHARED_ENV) if (env[name] === '') delete input[name];
  Object.assign(input, overrides);

  for (const key of Object.keys(input)) {
    if (!KEYS.includes(key as keyof Config)) problems.push({ key, reason: 'unknown configuration key' });
  }
  const withDefaults = Value.Default(ConfigSchema, structuredClone(input)) as Record<string, unknown>;
  for (const err of Value.Errors(ConfigSchema, withDefaults)) {
    const key = err.instancePath.replace(/^\//, '') || 'config';
    if (err.keyword === 'additionalProperties') continue; // already reported by name above
    problems.push({ key, reason: err.message });
  }
  if (withDefaults.XIAOAN_MEDIA_NODE_URL !== undefined && withDefaults.XIAOAN_MEDIA_NODE_SECRET === undefined) {
    problems.push({ key: 'XIAOAN_MEDIA_NODE_SECRET', reason: 'required with XIAOAN_MEDIA_NODE_URL: the same secret the media node is started with' });
  }
  if (problems.length) throw new ConfigError(problems);
  return withDefaults as Config;
}

/** JSON Schema of the configuration, for docs and the admin UI. */
export function configJsonSchema() {
  return ConfigSchema;
}

/** The SIP domain (digest realm) of GB/T 28181 devices. */
export const sipDomainOf = (config: Pick<Config, 'XIAOAN_SIP_ID' | 'XIAOAN_SIP_DOMAIN'>) => config.XIAOAN_SIP_DOMAIN ?? config.XIAOAN_SIP_ID.slice(0, 10);
