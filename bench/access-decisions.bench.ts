/**
 * Online door decisions (issue 14, 在线验证): door controllers ask the platform over MQTT at each
 * swipe; goal p99 < 20 ms at 1,000 decisions/s.
 *
 *   node --import tsx bench/access-decisions.bench.ts [--db sqlite|postgres|both] [--people 20000]
 *        [--doors 200] [--controllers 40] [--rate 1000] [--seconds 30] [--warmup-seconds 5]
 *        [--pg-url URL] [--write-results]
 *
 * The real server runs as a child process (src/server/main.ts, built-in broker, its own data
 * directory or a fresh PostgreSQL database). Its store is prepared before it starts with the
 * platform's own services: one university, `--doors` doors with device credentials, `--people`
 * people with a campus card each (students, staff and contractors across 10 departments), and
 * access groups as a campus sets them (students at the dormitories and teaching buildings with
 * hours, staff everywhere, one group per department, contractors at service doors), a fifth of
 * the doors with anti-passback. This process then connects `--controllers` doors over MQTT and,
 * paced, publishes `--rate` requests per second in total (90 % known cards, 10 % unknown) for
 * `--seconds`, after a warm-up; each request's latency is from its publish to the arrival of the
 * `access.decision` naming it. Reported: achieved rate, p50/p95/p99/max, decisions per outcome,
 * and the server's CPU per decision.
 *
 * Exit code 1 when p99 misses 20 ms, when answers are missing, or when the rate fell short by
 * more than 5 %. Only 127.0.0.1 is contacted; everything started is stopped and removed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import type { AccessMembers } from '../src/shared/access-control.ts';
import type { ScheduleT } from '../src/shared/alarms.ts';
import { loadConfig } from '../src/server/config.ts';
import { createServices } from '../src/server/http/app.ts';
import { SYSTEM_ACTOR } from '../src/server/http/policy.ts';
import { DevicesRepository } from '../src/server/modules/devices/devices.repository.ts';
import type { CredentialRecord, PersonRecord } from '../src/server/modules/people/index.ts';
import { openStore } from '../src/server/store/database.ts';
import { migrateToLatest } from '../src/server/store/migrations/index.ts';
import type { AccessDoorTable, AccessGroupTable } from '../src/server/store/schema.ts';
import { ownTables } from '../src/server/store/tables.ts';
import { describeMachine, machineInfo, processCpuMs } from './lib/machine.ts';
import { upsertResultsBlock } from './lib/results.ts';
import { existingPostgres, freePort, startServer, type DbKind, type PostgresHandle, type RunningServer } from './lib/server.ts';
import { fmtMs, markdownTable, summarize, textTable } from './lib/stats.ts';

const TARGET_P99_MS = 20;
const ADMIN_PASSWORD = 'bench-admin-Passw0rd';
const DEPARTMENTS = Array.from({ length: 10 }, (_, i) => `学院${i + 1}`);

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    people: { type: 'string', default: '20000' },
    doors: { type: 'string', default: '200' },
    controllers: { type: 'string', default: '40' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '30' },
    'warmup-seconds': { type: 'string', default: '5' },
    'pg-url': { type: 'string' },
    'write-results': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});
const opt = {
  dbs: (args.db === 'both' ? ['sqlite', 'postgres'] : [args.db]) as DbKind[],
  people: Number(args.people),
  doors: Number(args.doors),
  controllers: Number(args.controllers),
  rate: Number(args.rate),
  seconds: Number(args.seconds),
  warmupSeconds: Number(args['warmup-seconds']),
};
const log = (s: string) => process.stderr.write(`${s}\n`);

interface Prepared {
  universityId: string;
  doors: { id: string; secret: string }[];
  cards: string[];
}

/** The store as a campus would have it, written with the platform's own services before the server starts. */
async function prepare(dataDir: string, databaseUrl: string | undefined): Promise<Prepared> {
  const store = openStore({ dataDir, databaseUrl });
  try {
    await migrateToLatest(store.db, store.dialect);
    const services = createServices(loadConfig({}, { XIAOAN_DATA_DIR: dataDir }), store);
    try {
      const actor = SYSTEM_ACTOR;
      const commission = await services.org.ensureCommission(actor);
      const uni = await services.org.createUnit(actor, { kind: 'university', parentId: commission.id, name: '压测大学' });
      const campus = await services.org.createUnit(actor, { kind: 'campus', parentId: uni.id, name: '压测校区' });
      const template = await services.devices.prepare(actor, { name: '压测门禁', kind: 'door', campusId: campus.id, vendor: '中控智慧' });
      const doors = Array.from({ length: opt.doors }, (_, i) => ({ ...template, id: randomUUID(), name: `压测门禁-${String(i + 1).padStart(4, '0')}` }));
      const now = new Date().toISOString();
      const people: PersonRecord[] = [];
      const credentials: CredentialRecord[] = [];
      const cards: string[] = [];
      for (let i = 0; i < opt.people; i++) {
        const kind = i % 10 < 7 ? 'student' : i % 10 < 9 ? 'staff' : 'contractor';
        const id = randomUUID();
        people.push({ id, universityId: uni.id, kind, name: `压测人员${i}`, number: `B${String(i).padStart(8, '0')}`, department: DEPARTMENTS[i % DEPARTMENTS.length]!, idNumber: null, phone: null, status: 'active', validUntil: null, createdAt: now, updatedAt: now });
        const card = String(3_000_000_000 + i);
        cards.push(card);
        credentials.push({ id: randomUUID(), universityId: uni.id, personId: id, kind: 'card', value: card, status: 'active', createdAt: now, revokedAt: null });
      }
      const daily = (from: string, to: string): ScheduleT => ({ periods: [{ days: [1, 2, 3, 4, 5, 6, 7], from, to }], holidays: 'as_sunday', vacations: 'as_scheduled' });
      const group = (name: string, doorIds: string[], members: Partial<AccessMembers>, schedule: ScheduleT | null): AccessGroupTable => ({
        id: randomUUID(), university_id: uni.id, name, door_ids: JSON.stringify(doorIds), members: JSON.stringify({ personIds: [], kinds: [], departments: [], ...members }), schedule: schedule ? JSON.stringify(schedule) : null,
        valid_from: null, valid_until: null, enabled: 1, created_at: now, updated_at: now,
      });
      const ids = doors.map((d) => d.id);
      const groups = [
        group('学生（宿舍、教学楼）', ids.slice(0, Math.ceil(ids.length * 0.7)), { kinds: ['student'] }, daily('06:00', '23:30')),
        group('教职工', ids, { kinds: ['staff'] }, null),
        group('外包服务', ids.slice(Math.floor(ids.length * 0.8)), { kinds: ['contractor'] }, daily('05:30', '21:00')),
        ...DEPARTMENTS.map((d, i) => group(`${d} 实验室`, ids.filter((_, j) => j % DEPARTMENTS.length === i), { departments: [d] }, { periods: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '22:00' }], holidays: 'disarmed', vacations: 'as_scheduled' })),
      ];
      const settings: AccessDoorTable[] = ids.map((id, i) => ({
        door_id: id, university_id: uni.id, mode: 'online', credentials: JSON.stringify(['card', 'qr']), anti_passback: i % 5 === 0 ? 1 : 0, first_card_unlock: 0, normally_open: null, first_unlocked_on: null,
        list_version: 0, list_hash: null, list_entries: 0, list_status: null, list_sent_at: null, list_acked_version: null, list_acked_at: null, list_message: null, updated_at: now,
      }));
      const repo = new DevicesRepository(store.dialect);
      await store.db.transaction().execute(async (trx) => {
        await repo.insertMany(ownTables<'devices'>(trx), doors);
        await services.people.loadBulk(trx, people, credentials);
        await services.access.loadBulk(trx, groups, settings);
      });
      const secrets = doors.slice(0, opt.controllers).map((d) => ({ deviceId: d.id, secret: randomBytes(18).toString('base64url') }));
      await services.credentials.setSecrets(secrets, actor, uni.id);
      return { universityId: uni.id, doors: secrets.map((s) => ({ id: s.deviceId, secret: s.secret })), cards };
    } finally {
      services.live.close();
    }
  } finally {
    await store.close();
  }
}

interface Figures {
  db: string;
  sent: number;
  answered: number;
  seconds: number;
  latencies: number[];
  outcomes: Record<string, number>;
  cpuMsPerDecision: number | null;
}

async function measure(db: DbKind, postgres: PostgresHandle | undefined): Promise<Figures> {
  let prepared: Prepared | null = null;
  const mqttPort = await freePort();
  const started = performance.now();
  const server: RunningServer = await startServer({
    db,
    postgres,
    adminPassword: ADMIN_PASSWORD,
    env: { XIAOAN_MQTT_PORT: String(mqttPort) },
    ...(args.verbose ? { echoOutput: true, logLevel: 'info' as const } : {}),
    prepare: async ({ dataDir, databaseUrl }) => void (prepared = await prepare(dataDir, databaseUrl)),
  });
  const clients: MqttClient[] = [];
  try {
    const p = prepared as unknown as Prepared;
    log(`  ${server.dbVersion}: ${opt.people} people, ${opt.doors} doors prepared and the server up in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const pending = new Map<string, number>();
    const latencies: number[] = [];
    const outcomes: Record<string, number> = {};
    let measuring = false;
    let answered = 0;
    for (const door of p.doors) {
      const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username: door.id, password: door.secret, clientId: door.id, reconnectPeriod: 0 });
      await c.subscribeAsync(`xiaoan/${p.universityId}/${door.id}/commands`, { qos: 0 });
      c.on('message', (_t, payload) => {
        const m = JSON.parse(payload.toString()) as { command: string; requestId: string; decision: string; reason: string | null };
        const sentAt = pending.get(m.requestId);
        if (m.command !== 'access.decision' || sentAt === undefined) return;
        pending.delete(m.requestId);
        if (!measuring) return;
        answered++;
        latencies.push(performance.now() - sentAt);
        const key = m.decision === 'grant' ? 'grant' : `deny: ${m.reason}`;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
      });
      clients.push(c);
    }
    let seq = 0;
    const ask = (i: number) => {
      const c = clients[i % clients.length]!;
      const door = p.doors[i % p.doors.length]!;
      const known = Math.random() < 0.9;
      const requestId = `r${++seq}`;
      const body = { requestId, credentialType: 'card', credentialId: known ? p.cards[Math.floor(Math.random() * p.cards.length)]! : `9${Math.floor(Math.random() * 1e9)}`, direction: Math.random() < 0.5 ? 'in' : 'out' };
      pending.set(requestId, performance.now());
      c.publish(`xiaoan/${p.universityId}/${door.id}/access`, JSON.stringify(body), { qos: 0 });
    };
    /** Publishes at the rate, paced every 10 ms, for the duration. */
    const drive = async (seconds: number) => {
      const t0 = performance.now();
      let sent = 0;
      while (performance.now() - t0 < seconds * 1000) {
        const due = Math.floor(((performance.now() - t0) / 1000) * opt.rate);
        while (sent < due) ask(sent++);
        await new Promise((r) => setTimeout(r, 10));
      }
      return { sent, seconds: (performance.now() - t0) / 1000 };
    };
    await drive(opt.warmupSeconds);
    await new Promise((r) => setTimeout(r, 500));
    pending.clear();
    measuring = true;
    const cpu0 = processCpuMs(server.pid);
    const run = await drive(opt.seconds);
    // Answers still on their way: wait up to a second for them.
    const until = performance.now() + 1000;
    while (pending.size && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    const cpu1 = processCpuMs(server.pid);
    measuring = false;
    return { db: server.dbVersion, sent: run.sent, answered, seconds: run.seconds, latencies, outcomes, cpuMsPerDecision: cpu0 !== undefined && cpu1 !== undefined && answered ? (cpu1 - cpu0) / answered : null };
  } finally {
    for (const c of clients) c.end(true);
    await server.stop();
  }
}

async function main() {
  const machine = machineInfo();
  log(`access decisions: ${opt.rate}/s from ${opt.controllers} controllers for ${opt.seconds} s (warm-up ${opt.warmupSeconds} s); ${describeMachine(machine)}`);
  const results: Figures[] = [];
  let postgres: PostgresHandle | undefined;
  try {
    for (const db of opt.dbs) {
      if (db === 'postgres' && args['pg-url']) postgres = await existingPostgres(args['pg-url']);
      results.push(await measure(db, postgres));
    }
  } finally {
    await postgres?.stop();
  }
  const headers = ['database', 'sent/s', 'answered', 'p50', 'p95', 'p99', 'max', 'server CPU/decision', 'outcomes'];
  const rows = results.map((r) => {
    const s = summarize(r.latencies);
    return [r.db, (r.sent / r.seconds).toFixed(0), `${r.answered}/${r.sent}`, fmtMs(s.p50), fmtMs(s.p95), fmtMs(s.p99), fmtMs(s.max), r.cpuMsPerDecision === null ? '—' : `${r.cpuMsPerDecision.toFixed(2)} ms`, Object.entries(r.outcomes).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')];
  });
  console.log(textTable(headers, rows));
  if (args['write-results']) {
    upsertResultsBlock(
      'access-decisions',
      `Measured ${new Date().toISOString().slice(0, 10)} on ${describeMachine(machine)}: ${opt.people} people with cards, ${opt.doors} doors, ${opt.controllers} controllers over MQTT, ${opt.rate} requests/s for ${opt.seconds} s after a ${opt.warmupSeconds}-s warm-up.\n\n` + markdownTable(headers, rows),
      { after: '## Door access decisions (issue 14)' },
    );
  }
  const failed = results.some((r) => summarize(r.latencies).p99 > TARGET_P99_MS || r.answered < r.sent || r.sent / r.seconds < opt.rate * 0.95);
  process.exitCode = failed ? 1 : 0;
}

await main();
