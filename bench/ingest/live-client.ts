/**
 * A command-centre screen for the benchmark: logged in as admin, connected to the server's
 * WebSocket /api/live, which pushes {type:'events', events:[…]} after each group commit.
 *
 * Two modes: `count` (cheap — counts the events in each frame without parsing it, so a
 * saturation run does not pay for JSON parsing on this 2-core machine) and `match` (parses
 * frames and records the arrival time, on the system-wide monotonic clock, of every event
 * whose sourceEventId starts with a prefix).
 */
import WebSocket from 'ws';
import { monoMs } from './protocol.ts';

export class LiveClient {
  mode: 'count' | 'match' = 'count';
  prefix = '';
  readonly arrived = new Map<string, number>();
  events = 0;
  frames = 0;
  /** Events the server reported as missed (its send buffer to us was over the high-water mark). */
  missed = 0;
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => this.onFrame(data));
  }

  static async open(baseUrl: string, username: string, password: string): Promise<LiveClient> {
    const res = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    if (!res.ok) throw new Error(`login as ${username}: ${res.status} ${await res.text()}`);
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';', 1)[0])
      .find((c) => c.startsWith('xiaoan_session='));
    if (!cookie) throw new Error('login answered without a session cookie');
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/live`, { headers: { cookie }, perMessageDeflate: false });
    const client = new LiveClient(socket);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no hello on /api/live within 10 s')), 10_000);
      const onHello = (data: Buffer) => {
        if (data.toString('utf8').includes('"hello"')) {
          clearTimeout(timer);
          socket.off('message', onHello);
          resolve();
        }
      };
      socket.on('message', onHello);
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, r) => reject(new Error(`/api/live answered ${r.statusCode}`)));
    });
    return client;
  }

  private onFrame(data: Buffer) {
    const at = monoMs();
    this.frames++;
    const text = data.toString('utf8');
    if (text.startsWith('{"type":"missed"')) {
      this.missed += (JSON.parse(text) as { count: number }).count;
      return;
    }
    if (!text.startsWith('{"type":"events"')) return;
    if (this.mode === 'count') {
      for (let i = text.indexOf('"sourceEventId":'); i >= 0; i = text.indexOf('"sourceEventId":', i + 16)) this.events++;
      return;
    }
    const msg = JSON.parse(text) as { events: { sourceEventId: string | null }[] };
    this.events += msg.events.length;
    for (const e of msg.events) if (e.sourceEventId?.startsWith(this.prefix)) this.arrived.set(e.sourceEventId, at);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.close();
      setTimeout(() => {
        this.socket.terminate();
        resolve();
      }, 2000).unref();
    });
  }
}
