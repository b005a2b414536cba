/**
 * GB/T 28181 signalling benchmark (issue 12), against the real server (`src/server/main.ts` as a
 * child process, SQLite or PostgreSQL, bench/lib/server.ts) whose store is filled beforehand
 * (bench/gb28181/setup.ts): N recorders (default 2,000) with issued SIP credentials and M camera
 * channels each (default 25: 50,000 channels).
 *
 *   (a) registrations: SIPp (Debian sip-tester) runs bench/gb28181/register.xml — REGISTER → 401
 *       → digest REGISTER → 200 — over the N distinct devices at each rate of --rates for
 *       --seconds; printed: achieved flows/s, failures, retransmissions, mean flow time, the
 *       server process's CPU (from /proc, so SIPp's own CPU is not counted) and RSS.
 *   (b) keepalives: N GB devices of our client (simulator/protocol/gb28181-device.ts, one UDP
 *       socket each) register, then each sends a Keepalive MESSAGE every --keepalive-s seconds,
 *       spread evenly over the interval, for --minutes; printed: keepalive latency (send → 200,
 *       measured in this process), failures, server CPU and RSS, and false offlines
 *       (device.went_offline events and recorders not online at the end). The server runs
 *       with XIAOAN_SIP_KEEPALIVE_S = --keepalive-s, so the offline window stays 3 intervals.
 *
 *   npm run bench:gb28181 -- [--devices 2000] [--channels 25] [--rates 1000,1500,2000] [--seconds 20]
 *                            [--keepalive-s 60] [--minutes 4] [--only register|keepalive] [--db sqlite|postgres]
 *                            [--cpu-prof <dir>]  (a CPU profile of the server, written when it stops)
 *                            [--sql-probe]  (time per SQL statement in the server)  [--server-root <checkout>]
 */
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GbDevice } from '../../src/server/simulator/protocol/gb28181-device.ts';
import { ApiClient } from '../lib/http.ts';
import { describeMachine, machineInfo, processCpuMs, rssBytes } from '../lib/machine.ts';
import { startServer, type DbKind } from '../lib/server.ts';
import { fmtMs, summarize } from '../lib/stats.ts';
import { prepareGbStore, type PreparedGbStore } from './setup.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PLATFORM = '31000000112000000001';
const DOMAIN = '3100000011';
const ADMIN_PASSWORD = 'bench-admin-password-1';

const { values: opt } = parseArgs({
  options: {
    devices: { type: 'string', default: '2000' },
    channels: { type: 'string', default: '25' },
    rates: { type: 'string', default: '1000,1500,2000' },
    seconds: { type: 'string', default: '20' },
    'keepalive-s': { type: 'string', default: '60' },
    minutes: { type: 'string', default: '4' },
    only: { type: 'string' },
    db: { type: 'string', default: 'sqlite' },
    /** Write a CPU profile of the server to this directory (read it with bench/ingest/profile.ts or Chrome DevTools). */
    'cpu-prof': { type: 'string' },
    /** Time spent per SQL statement in the server (bench/ingest/server-probe.ts), printed at the end. */
    'sql-probe': { type: 'boolean', default: false },
    /** Another checkout whose src/server/main.ts is measured (e.g. before a change); the store is prepared by this one. */
    'server-root': { type: 'string' },
  },
});
const N = Number(opt.devices);
const CHANNELS = Number(opt.channels);
const RATES = opt.rates!.split(',').map(Number);
const SECONDS = Number(opt.seconds);
const KEEPALIVE_S = Number(opt['keepalive-s']);
const MINUTES = Number(opt.minutes);

const log = (s: string) => console.log(s);
const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;

const rss = rssBytes;

/** A local port free for UDP (SIPp's -p; without it SIPp tries 5060 upwards). */
async function freeUdpPort(): Promise<number> {
  const udp = dgram.createSocket('udp4');
  const port = await new Promise<number>((resolve) => udp.bind(0, '127.0.0.1', () => resolve(udp.address().port)));
  await new Promise<void>((resolve) => udp.close(() => resolve()));
  return port;
}

/** SIPp statistics times are HH:MM:SS:mmmuuu. */
const sippMs = (v: string | undefined) => {
  const m = /^(\d+):(\d+):(\d+):(\d{3})(\d{3})$/.exec(v ?? '');
  return m ? ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]) + Number(m[5]) / 1000 : NaN;
};

interface RegisterFigures {
  rate: number;
  calls: number;
  ok: number;
  failed: number;
  retrans: number;
  achieved: number;
  meanFlowMs: number;
  serverCpu: number;
  sippCpu: number;
  rss: number;
  repartition: string;
}

async function registrationRun(tmp: string, csv: string, sipPort: number, serverPid: number, rate: number): Promise<RegisterFigures> {
  const calls = rate * SECONDS;
  const stf = path.join(tmp, `register-${rate}.csv`);
  const args = [
    `127.0.0.1:${sipPort}`,
    ...['-sf', path.join(HERE, 'register.xml'), '-inf', csv, '-key', 'platform', PLATFORM, '-key', 'domain', DOMAIN],
    ...['-i', '127.0.0.1', '-p', String(await freeUdpPort()), '-t', 'u1', '-r', String(rate), '-m', String(calls), '-l', String(rate * 5)],
    ...['-nostdin', '-recv_timeout', '10000', '-timeout', `${SECONDS * 4 + 30}s`, '-max_recv_loops', '10000', '-max_sched_loops', '10000'],
    ...['-trace_stat', '-stf', stf, '-fd', '1', '-buff_size', String(4 * 1024 * 1024)],
  ];
  const cpu0 = processCpuMs(serverPid) ?? NaN;
  const t0 = performance.now();
  const child = spawn('sipp', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  let sippCpuMs = 0;
  const sampler = setInterval(() => (sippCpuMs = processCpuMs(child.pid!) ?? sippCpuMs), 250);
  const killer = setTimeout(() => child.kill('SIGKILL'), (SECONDS * 4 + 60) * 1000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearInterval(sampler);
  clearTimeout(killer);
  const elapsed = performance.now() - t0;
  const cpu1 = processCpuMs(serverPid) ?? NaN;
  const lines = readFileSync(stf, 'utf8').trim().split('\n');
  const header = lines[0]!.split(';');
  const last = lines[lines.length - 1]!.split(';');
  const s = Object.fromEntries(header.map((h, i) => [h, last[i] ?? '']));
  const ok = Number(s['SuccessfulCall(C)']);
  const failed = Number(s['FailedCall(C)']);
  if (code !== 0 && code !== 1) throw new Error(`sipp exited ${code}: ${err}`);
  // ResponseTimeRepartition (cumulative counts per bucket): the distribution and a bound on p99.
  const buckets = header.filter((h) => h.startsWith('ResponseTimeRepartitionflow_')).map((h) => ({ label: h.replace('ResponseTimeRepartitionflow_', ''), n: Number(s[h]) }));
  const total = buckets.reduce((a, b) => a + b.n, 0);
  let seen = 0;
  const p99 = buckets.find((b) => (seen += b.n) >= 0.99 * total)?.label ?? '?';
  const repartition = `${buckets
    .filter((b) => b.n > 0)
    .map((b) => `${b.label} ms: ${b.n}`)
    .join(', ')}; p99 ${p99} ms`;
  // SIPp's elapsed time runs from its first call to its exit: the achieved rate of the whole run.
  const sippElapsedMs = sippMs(s['ElapsedTime(C)']);
  return {
    rate,
    calls,
    ok,
    failed,
    retrans: Number(s['Retransmissions(C)']),
    achieved: ok / ((Number.isFinite(sippElapsedMs) ? sippElapsedMs : elapsed) / 1000),
    meanFlowMs: sippMs(s['ResponseTimeflow(C)']),
    serverCpu: (cpu1 - cpu0) / elapsed,
    sippCpu: sippCpuMs / elapsed,
    rss: rss(serverPid),
    repartition,
  };
}

async function keepaliveRun(prepared: PreparedGbStore, sipPort: number, serverPid: number, api: ApiClient) {
  const devices = prepared.recorders.map((r) => new GbDevice({ gbId: r.gbId, password: r.password, platformId: PLATFORM, domain: DOMAIN, host: '127.0.0.1', port: sipPort, transport: 'UDP' }));
  await Promise.all(devices.map((d) => d.connect()));
  let regFailed = 0;
  const regStart = performance.now();
  for (let i = 0; i < devices.length; i += 100) {
    const answers = await Promise.all(devices.slice(i, i + 100).map((d) => d.register(3600).catch(() => null)));
    regFailed += answers.filter((a) => a?.status !== 200).length;
  }
  log(`  (b) ${devices.length} devices registered in ${((performance.now() - regStart) / 1000).toFixed(1)} s, ${regFailed} failed`);

  const intervalMs = KEEPALIVE_S * 1000;
  const durationMs = MINUTES * 60_000;
  const start = performance.now() + 500;
  const startedAt = new Date(Date.now() + 500).toISOString();
  const next = devices.map((_, i) => start + (i * intervalMs) / devices.length);
  const latencies: number[] = [];
  let failures = 0;
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  const samples: { t: number; cpuMs: number; rss: number }[] = [];
  const sample = () => samples.push({ t: performance.now(), cpuMs: processCpuMs(serverPid) ?? NaN, rss: rss(serverPid) });
  sample();
  const sampler = setInterval(sample, 10_000);
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now();
      if (now > start + durationMs) {
        clearInterval(tick);
        resolve();
        return;
      }
      for (let i = 0; i < devices.length; i++) {
        if (next[i]! > now) continue;
        next[i]! += intervalMs;
        const t0 = performance.now();
        sent++;
        const p = devices[i]!.keepalive().then(
          (a) => {
            if (a.status === 200) latencies.push(performance.now() - t0);
            else failures++;
          },
          () => void failures++,
        );
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
    }, 5);
  });
  await Promise.all(inFlight);
  clearInterval(sampler);
  sample();
  // CPU over whole intervals after the first (the first holds the tail of the registrations).
  const steady = samples.filter((s) => s.t >= start + Math.min(intervalMs, durationMs / 2));
  const cpu = steady.length >= 2 ? (steady[steady.length - 1]!.cpuMs - steady[0]!.cpuMs) / (steady[steady.length - 1]!.t - steady[0]!.t) : NaN;
  const rssValues = samples.map((s) => s.rss).filter(Number.isFinite);

  const health = await api.get<Record<string, { online: boolean }>>('/api/device-health');
  const online = prepared.recorders.filter((r) => health[r.id]?.online).length;
  const offlineEvents = (await api.get<{ items: { deviceId: string; occurredAt: string }[] }>(`/api/events?kind=device.went_offline&limit=1000`)).items.filter((e) => e.occurredAt >= startedAt);
  for (const d of devices) await d.close();
  return { sent, failures, latency: summarize(latencies), cpu, rssMax: Math.max(...rssValues), rssEnd: rssValues[rssValues.length - 1]!, online, offlineEvents: offlineEvents.length };
}

async function main() {
  const sipp = spawnSync('sipp', ['-v'], { encoding: 'utf8' });
  const sippVersion = sipp.error ? null : (/SIPp v[\w.-]+/.exec(sipp.stdout ?? '')?.[0] ?? 'SIPp ?');
  if (!sippVersion && opt.only !== 'keepalive') throw new Error('sipp is not installed (Debian package sip-tester): the registration run needs it; --only keepalive runs without');
  log(`GB/T 28181 signalling benchmark — ${new Date().toISOString()}`);
  log(`machine: ${describeMachine(machineInfo())}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${sippVersion ?? 'no SIPp'}`);
  let prepared: PreparedGbStore | undefined;
  const server = await startServer({
    db: opt.db as DbKind,
    adminPassword: ADMIN_PASSWORD,
    logLevel: 'error',
    ...(opt['server-root'] ? { serverRoot: opt['server-root'] } : {}),
    nodeArgs: [
      ...(opt['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(opt['cpu-prof'])}`] : []),
      ...(opt['sql-probe'] ? ['--expose-gc', '--import', 'tsx', '--import', path.join(HERE, '..', 'ingest', 'server-probe.ts')] : []),
    ],
    env: { XIAOAN_SIP_KEEPALIVE_S: String(KEEPALIVE_S), XIAOAN_SIP_ID: PLATFORM, ...(opt['sql-probe'] ? { BENCH_INGEST_PROBE: 'sql' } : {}) },
    prepare: async (store) => {
      prepared = await prepareGbStore({ ...store, recorders: N, channelsPerRecorder: CHANNELS });
    },
  });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'xiaoan-bench-gb-'));
  try {
    const p = prepared!;
    log(`server: pid ${server.pid}, ${server.dbVersion}; store: ${p.recorders.length} recorders with SIP credentials + ${p.channels} camera channels, prepared in ${(p.ms / 1000).toFixed(1)} s`);
    const api = new ApiClient(server.baseUrl);
    await api.login('admin', ADMIN_PASSWORD);
    const status = await api.get<{ port: number; domain: string }>('/api/gb28181/status');
    log(`SIP udp+tcp 127.0.0.1:${status.port}, domain ${status.domain}; server RSS after start ${mib(rss(server.pid))}`);

    if (opt.only !== 'keepalive') {
      const csv = path.join(tmp, 'devices.csv');
      writeFileSync(csv, `SEQUENTIAL\n${p.recorders.map((r) => `${r.gbId};${r.password}`).join('\n')}\n`);
      log(`\n(a) registrations with digest: SIPp over UDP, ${p.recorders.length} distinct devices, ${SECONDS} s per rate`);
      for (const rate of RATES) {
        const f = await registrationRun(tmp, csv, status.port, server.pid, rate);
        log(
          `  target ${f.rate}/s: ${f.ok}/${f.calls} registered, ${f.failed} failed, ${f.retrans} retransmissions; achieved ${f.achieved.toFixed(0)}/s; ` +
            `mean flow ${fmtMs(f.meanFlowMs)} ms (${f.repartition}); server CPU ${(f.serverCpu * 100).toFixed(0)} % of a core, SIPp ${(f.sippCpu * 100).toFixed(0)} %; server RSS ${mib(f.rss)}`,
        );
        await new Promise((r) => setTimeout(r, 3000));
      }
    }

    if (opt.only !== 'register') {
      log(`\n(b) keepalives: ${p.recorders.length} devices (${p.channels} channels in the ledger), one Keepalive per device every ${KEEPALIVE_S} s (offline after 3 missed), ${MINUTES} min`);
      const k = await keepaliveRun(p, status.port, server.pid, api);
      const l = k.latency;
      log(
        `  ${k.sent} keepalives (${(p.recorders.length / KEEPALIVE_S).toFixed(1)}/s), ${k.failures} failed; latency p50 ${fmtMs(l.p50)} ms, p99 ${fmtMs(l.p99)} ms, max ${fmtMs(l.max)} ms; ` +
          `server CPU ${(k.cpu * 100).toFixed(1)} % of a core; RSS max ${mib(k.rssMax)}, end ${mib(k.rssEnd)}; ` +
          `online at the end ${k.online}/${p.recorders.length}; device.went_offline during the run: ${k.offlineEvents}`,
      );
    }
    if (opt['sql-probe']) {
      process.kill(server.pid, 'SIGUSR2');
      await new Promise((r) => setTimeout(r, 2000));
      const line = server.outputTail().split('\n').find((l) => l.startsWith('XIAOAN_BENCH_PROBE '));
      const report = line ? (JSON.parse(line.slice(19)) as { sql?: [string, { calls: number; ms: number; rows: number }][] }) : undefined;
      log('\nSQL in the server over the whole run (statement shape: calls, ms on the event loop):');
      for (const [shape, st] of (report?.sql ?? []).slice(0, 15)) log(`  ${st.calls}× ${st.ms.toFixed(0)} ms  ${shape}`);
    }
  } finally {
    if (!process.env.XIAOAN_BENCH_KEEP) rmSync(tmp, { recursive: true, force: true });
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
