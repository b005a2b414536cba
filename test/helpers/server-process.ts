/**
 * Starts `src/server/main.ts` as a real child process, as `npm start` would. The server binds
 * port 0 itself (HTTP and, unless set, MQTT and SIP) and reports the ports it got in XIAOAN_READY_FILE,
 * so no port is picked here and raced for. If the test process is killed (a file timeout),
 * the server goes with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.ts';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProcess {
  child: ChildProcess;
  httpPort: number;
  mqttPort: number | null;
  /** GB/T 28181 SIP server (UDP and TCP); null when it is off. */
  sipPort: number | null;
  baseUrl: string;
  /** What the server printed so far. */
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash. */
  kill(): Promise<void>;
}

const running = new Set<ChildProcess>();
let guarded = false;
function killAllOnExit() {
  if (guarded) return;
  guarded = true;
  const killAll = () => {
    for (const c of running) c.kill('SIGKILL');
  };
  process.once('exit', killAll);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(1);
    });
  }
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

export async function startServerProcess(opts: { env: NodeJS.ProcessEnv; startTimeoutMs?: number; inheritOutput?: boolean }): Promise<ServerProcess> {
  killAllOnExit();
  const readyDir = mkdtempSync(path.join(tmpdir(), 'xiaoan-ready-'));
  const readyFile = path.join(readyDir, 'ready.json');
  const env: NodeJS.ProcessEnv = { PORT: '0', XIAOAN_MQTT_PORT: '0', XIAOAN_SIP_PORT: '0', HOST: '127.0.0.1', ...opts.env, XIAOAN_READY_FILE: readyFile };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  const collect = (d: Buffer) => {
    output += d.toString();
    if (opts.inheritOutput) process.stderr.write(d);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  let ready: { httpPort: number; mqttPort: number | null; sipPort?: number | null };
  try {
    ready = await waitFor(
      'the server to listen',
      () => {
        if (exited(child)) throw new Error(`server exited with ${child.exitCode ?? child.signalCode}:\n${output}`);
        try {
          return JSON.parse(readFileSync(readyFile, 'utf8')) as { httpPort: number; mqttPort: number | null; sipPort?: number | null };
        } catch {
          return null; // not written yet
        }
      },
      opts.startTimeoutMs ?? 120_000,
      100,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`);
  } finally {
    rmSync(readyDir, { recursive: true, force: true });
  }

  const waitExit = () => (exited(child) ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r())));
  return {
    child,
    httpPort: ready.httpPort,
    mqttPort: ready.mqttPort,
    sipPort: ready.sipPort || null,
    baseUrl: `http://127.0.0.1:${ready.httpPort}`,
    output: () => output,
    async stop() {
      if (exited(child)) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await waitExit();
      clearTimeout(timer);
    },
    async kill() {
      if (!exited(child)) child.kill('SIGKILL');
      await waitExit();
    },
  };
}
