/**
 * Heartbeat load over HTTP for the memory phase: the devices that do not fit as MQTT connections
 * under the open-file limit send `POST /api/ingest/heartbeat` (HTTP Basic deviceId:secret)
 * through one keep-alive agent with a bounded number of sockets, every device once per
 * interval, spread evenly (a slot every 100 ms). Forked by run.ts; talks over IPC:
 *
 *   run.ts ──{ type: 'start', baseUrl, devices, intervalS, sockets }──▶ here ──{ type: 'started' }
 *   run.ts ──{ type: 'stop' }──▶ here ──{ type: 'stopped', sent, errors, … }
 */
import http from 'node:http';

export type HttpHeartbeatCommand =
  | { type: 'start'; baseUrl: string; devices: { id: string; secret: string }[]; intervalS: number; sockets: number }
  | { type: 'stop' };
export type HttpHeartbeatReply =
  | { type: 'started' }
  /** `rounds`: complete passes over all devices. */
  | { type: 'stopped'; sent: number; ok: number; errors: number; lastError: string | null; p50Ms: number; p99Ms: number; rounds: number; rssBytes: number };

const send = (m: HttpHeartbeatReply) => process.send!(m);

let timer: NodeJS.Timeout | null = null;
const stats = { sent: 0, ok: 0, errors: 0, lastError: null as string | null, latencies: [] as number[], rounds: 0 };
let inFlight = 0;

function start(cmd: Extract<HttpHeartbeatCommand, { type: 'start' }>) {
  const url = new URL('/api/ingest/heartbeat', cmd.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: cmd.sockets });
  const auth = cmd.devices.map((d) => 'Basic ' + Buffer.from(`${d.id}:${d.secret}`).toString('base64'));
  const perTick = (cmd.devices.length * 0.1) / cmd.intervalS;
  let due = 0;
  let cursor = 0;
  const beat = (i: number) => {
    const t0 = performance.now();
    stats.sent++;
    inFlight++;
    const req = http.request(url, { method: 'POST', agent, headers: { authorization: auth[i]!, 'content-length': 0 } }, (res) => {
      res.resume();
      res.on('end', () => {
        inFlight--;
        if (res.statusCode === 204) {
          stats.ok++;
          if (stats.latencies.length < 1_000_000) stats.latencies.push(performance.now() - t0);
        } else {
          stats.errors++;
          stats.lastError = `HTTP ${res.statusCode}`;
        }
      });
    });
    req.on('error', (e) => {
      inFlight--;
      stats.errors++;
      stats.lastError = e.message;
    });
    req.end();
  };
  timer = setInterval(() => {
    due += perTick;
    while (due >= 1) {
      due--;
      beat(cursor);
      if (++cursor === auth.length) {
        cursor = 0;
        stats.rounds++;
      }
    }
  }, 100);
  send({ type: 'started' });
}

async function stop() {
  if (timer) clearInterval(timer);
  for (let i = 0; i < 100 && inFlight > 0; i++) await new Promise((r) => setTimeout(r, 100));
  const l = stats.latencies.sort((a, b) => a - b);
  const q = (p: number) => (l.length ? l[Math.min(l.length - 1, Math.floor(p * l.length))]! : NaN);
  send({ type: 'stopped', sent: stats.sent, ok: stats.ok, errors: stats.errors, lastError: stats.lastError, p50Ms: q(0.5), p99Ms: q(0.99), rounds: stats.rounds, rssBytes: process.memoryUsage().rss });
}

process.on('message', (m: HttpHeartbeatCommand) => {
  if (m.type === 'start') start(m);
  else if (m.type === 'stop') void stop().then(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
