/**
 * Interoperability with SIPp (Debian package sip-tester), an independent SIP implementation,
 * playing a GB/T 28181 device with scenarios of our own (test/gb28181/sipp/): digest REGISTER
 * (401 → 200), a Keepalive MESSAGE and an Alarm MESSAGE from a camera channel, and the platform's
 * Response MESSAGE confirming the alarm answered by SIPp — over UDP, then over TCP. Afterwards
 * the platform's state tells the same story: registered, online, an intrusion event from
 * gb28181 and an alarm through the rules. Skipped (not failed) where sipp is not installed.
 * XIAOAN_TEST_SIPP names another binary; XIAOAN_TEST_KEEP_SIPP=1 keeps SIPp's message, log and statistics files (the path is in /tmp/xiaoan-sipp-*).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { SipTransport } from '../../src/server/adapters/gb28181/sip-transport.ts';
import { SYSTEM_ACTOR } from '../../src/server/http/policy.ts';
import { gbDate } from '../../src/server/modules/gb28181/index.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { createTestApp, createUniversity, json, type TestApp, type UniversityFixture } from '../helpers/test-app.ts';

const PLATFORM = '31000000112000000001';
const DOMAIN = '3100000011';
const NVR = '31000000111180000002';
const CAMERA = '31000000111310000002';
const SCENARIOS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sipp');

// Thursday noon in Beijing: no after-hours rule is armed, whatever the day the suite runs.
const clock = new ManualClock(Date.parse('2026-03-05T12:00:00+08:00'));

/** The SIPp binary (XIAOAN_TEST_SIPP: another build, or a missing name to see the skip). */
const SIPP = process.env.XIAOAN_TEST_SIPP || 'sipp';
const sippMissing = (() => {
  const probe = spawnSync(SIPP, ['-v'], { encoding: 'utf8', timeout: 10_000 });
  return probe.error ? `sipp not installed (${SIPP}: Debian package sip-tester; .ci/run installs it)` : false;
})();

interface SippRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last line of the statistics file (-trace_stat): cumulative counters by column name. */
  stats: Record<string, string>;
  /** Lines written by <log> actions of both scenarios. */
  logs: string;
  errors: string;
  output: string;
}

/** A local port free for both UDP and TCP (SIPp binds both with -t t1), so SIPp binds nothing fixed. */
async function freeUdpTcpPort(): Promise<number> {
  for (;;) {
    const udp = dgram.createSocket('udp4');
    const port = await new Promise<number>((resolve) => udp.bind(0, '127.0.0.1', () => resolve(udp.address().port)));
    const tcp = net.createServer();
    const ok = await new Promise<boolean>((resolve) => tcp.once('error', () => resolve(false)).listen(port, '127.0.0.1', () => resolve(true)));
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (ok) await new Promise<void>((resolve) => tcp.close(() => resolve()));
    if (ok) return port;
  }
}

/** Runs sipp once as a child process; killed (and reported) after `timeoutMs`, never left behind. */
async function runSipp(dir: string, transport: 'u1' | 't1', port: number, timeoutMs = 60_000): Promise<SippRun> {
  const localPort = await freeUdpTcpPort();
  const file = (name: string) => path.join(dir, `${transport}-${name}`);
  const args = [
    `127.0.0.1:${port}`,
    ...['-sf', path.join(SCENARIOS, 'gb-device.xml'), '-oocsf', path.join(SCENARIOS, 'gb-device-answer.xml')],
    ...['-inf', path.join(dir, 'device.csv'), '-key', 'platform', PLATFORM, '-key', 'domain', DOMAIN],
    // Without -p SIPp would try 5060 upwards; the platform answers where the packets came from.
    ...['-i', '127.0.0.1', '-p', String(localPort), '-t', transport, '-m', '1', '-r', '1', '-nostdin'],
    ...['-recv_timeout', '10000', '-timeout', `${Math.round(timeoutMs / 1000) - 5}s`, '-timeout_error'],
    ...['-trace_stat', '-stf', file('stat.csv'), '-trace_logs', '-log_file', file('logs.log'), '-trace_err', '-error_file', file('errors.log')],
    ...['-trace_msg', '-message_file', file('messages.log')],
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(SIPP, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (d: Buffer) => (output = (output + d.toString('utf8')).slice(-20_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const read = (name: string) => (existsSync(file(name)) ? readFileSync(file(name), 'utf8') : '');
      const statLines = read('stat.csv').trim().split('\n');
      const header = (statLines[0] ?? '').split(';');
      const last = (statLines.length > 1 ? statLines[statLines.length - 1]! : '').split(';');
      const stats = Object.fromEntries(header.map((h, i) => [h, last[i] ?? '']));
      resolve({ code, signal, stats, logs: read('logs.log'), errors: read('errors.log'), output });
    });
  });
}

describe('GB/T 28181 interop with SIPp as the device', { skip: sippMissing }, () => {
  let t: TestApp;
  let U: UniversityFixture;
  let transport: SipTransport;
  let port: number;
  let password: string;
  let dir: string;
  const ids: Record<string, string> = {};

  before(async () => {
    t = await createTestApp({ clock });
    U = await createUniversity(t.services, 'SIPP');
    const common = { campusId: U.campusId, lon: 121.5, lat: 31.3 };
    ids.nvr = (await t.services.devices.create(SYSTEM_ACTOR, { name: '南门NVR', kind: 'recorder', gbId: NVR, ...common })).id;
    ids.camera = (await t.services.devices.create(SYSTEM_ACTOR, { name: '南门枪机', kind: 'camera', gbId: CAMERA, camera: { resolution: '1080p', type: 'fixed' }, ...common })).id;
    password = (await t.services.credentials.issue(SYSTEM_ACTOR, ids.nvr)).password;
    transport = new SipTransport((m, peer) => t.services.gbPlatform.handle(m, peer));
    port = await transport.listen('127.0.0.1', 0);
    t.services.gbPlatform.attach(transport);
    t.services.sipListening(port);
    dir = mkdtempSync(path.join(os.tmpdir(), 'xiaoan-sipp-'));
  });

  after(async () => {
    await transport?.close();
    await t?.close();
    if (dir && !process.env.XIAOAN_TEST_KEEP_SIPP) rmSync(dir, { recursive: true, force: true });
  });

  // Over UDP an intrusion (AlarmType 6): at noon on a weekday the intrusion rule is disarmed (it is
  // armed after hours), so the event is kept and no alarm is raised. Over TCP a perimeter crossing
  // (AlarmType 5): armed around the clock, it goes through the rules into an alarm.
  for (const [transportKind, sippTransport, alarmSecond, alarmType, kind, what] of [
    ['UDP', 'u1', 1, 6, 'intrusion', 'an intrusion'],
    ['TCP', 't1', 2, 5, 'perimeter', 'a perimeter crossing'],
  ] as const) {
    it(`SIPp over ${transportKind} registers with digest, keeps alive, raises ${what} alarm and answers the platform's confirmation`, async () => {
      const alarmTime = gbDate(clock.now() + alarmSecond * 1000).slice(0, 19);
      writeFileSync(path.join(dir, 'device.csv'), `SEQUENTIAL\n${NVR};${password};${CAMERA};${alarmTime};${alarmType}\n`);
      const challenges = t.services.gbPlatform.stats.challenges;
      const run = await runSipp(dir, sippTransport, port);
      const diagnosis = `sipp exit ${run.code ?? run.signal}\n${run.errors}\n${run.output.slice(-3000)}`;
      assert.equal(run.code, 0, diagnosis);
      assert.equal(run.stats['SuccessfulCall(C)'], '1', diagnosis);
      assert.equal(run.stats['FailedCall(C)'], '0', diagnosis);
      assert.ok(t.services.gbPlatform.stats.challenges > challenges, 'the first REGISTER was challenged');
      assert.match(run.logs, new RegExp(`registered ${NVR} Date=2026-03-05T12:00:00`), 'the 200 carries Date in Beijing time');
      assert.match(run.logs, new RegExp(`platform MESSAGE root=Response CmdType=Alarm Result=OK DeviceID=${CAMERA}`), `the confirmation reached SIPp\n${run.logs}`);

      // The platform's side of the same story.
      const reg = t.services.gbPlatform.registrationOf(NVR);
      assert.equal(reg?.transport, transportKind);
      assert.equal(reg?.userAgent, 'SIPp GB/T 28181 device');
      assert.equal(t.services.health.status(SYSTEM_ACTOR, [ids.nvr])[ids.nvr]?.online, true);
      await t.services.alarmConsumer.settled();
      const op = await t.login(U.users.security_director.username);
      const diag = json(await t.call(op, 'GET', `/api/devices/${ids.nvr}/gb28181`));
      assert.equal(diag.registered, true);
      assert.equal(diag.device.transport, transportKind);
      assert.equal(diag.device.exchanges.register.result, 'ok');
      assert.equal(diag.device.exchanges.keepalive.result, 'ok');
      assert.equal(diag.device.exchanges.alarm.result, 'ok');
      const events = json(await t.call(op, 'GET', `/api/events?deviceId=${ids.camera}&kind=${kind}`)).items;
      const event = events.find((e: { occurredAt: string }) => e.occurredAt === new Date(clock.now() + alarmSecond * 1000).toISOString());
      assert.ok(event, `a ${kind} event at ${alarmTime} Beijing time: ${JSON.stringify(events)}`);
      assert.equal(event.source, 'gb28181');
      assert.equal(event.severity, 'critical', 'AlarmPriority 1');
      const alarms = json(await t.call(op, 'GET', `/api/alarms?deviceId=${ids.camera}`)).items;
      if (kind === 'intrusion') {
        assert.equal(event.payload.zone, 'SIPp perimeter east');
        assert.equal(alarms.length, 0, 'the intrusion rule is armed after hours only');
      } else {
        assert.equal(alarms[0]?.type, 'perimeter', 'the perimeter crossing went through the rules into an alarm');
      }
    });
  }
});
