/** Description of the machine a benchmark ran on, for RESULTS.md. */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  /** Logical CPUs available to this process (what `nproc` prints). */
  nproc: number;
  cpuModel: string;
  ramGiB: number;
  node: string;
  os: string;
}

function cpuModelFromProc(): string | undefined {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => /^model name\s*:/.test(l));
    return line?.split(':').slice(1).join(':').trim() || undefined;
  } catch {
    return undefined;
  }
}

export function machineInfo(): MachineInfo {
  return {
    nproc: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
    cpuModel: cpuModelFromProc() ?? os.cpus()[0]?.model ?? 'unknown',
    ramGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

export function describeMachine(m: MachineInfo): string {
  return `${m.nproc} × ${m.cpuModel}, ${m.ramGiB} GiB RAM, ${m.os}, Node ${m.node}`;
}

/**
 * CPU time (user + system, ms) consumed so far by another process, from /proc/<pid>/stat;
 * undefined where /proc is not available. Resolution is one clock tick (usually 10 ms).
 */
export function processCpuMs(pid: number, thread?: number): number | undefined {
  const f = statFields(thread === undefined ? `${pid}` : `${pid}/task/${thread}`);
  return f ? (Number(f[11]) + Number(f[12])) * TICK_MS : undefined;
}

/** One clock tick in ms: USER_HZ is 100 on Linux for every mainstream architecture. */
const TICK_MS = 10;

/** `which`: a pid, or pid/task/tid for one thread. */
function statFields(which: string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${which}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may contain spaces): [0] state, [1] ppid, … [11] utime, [12] stime, [13] cutime, [14] cstime.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Parent process id, from /proc. */
export function parentPid(pid: number): number | undefined {
  const f = statFields(`${pid}`);
  return f ? Number(f[1]) : undefined;
}

/**
 * CPU time (ms) of a process and its children: its own user+system time, the time of children
 * it has already reaped (cutime+cstime), and the time of its live children. For a PostgreSQL
 * postmaster this is the whole server: backends, autovacuum, WAL writer, checkpointer.
 */
export function processTreeCpuMs(rootPid: number): number | undefined {
  const root = statFields(`${rootPid}`);
  if (!root) return undefined;
  let ticks = Number(root[11]) + Number(root[12]) + Number(root[13]) + Number(root[14]);
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  for (const d of entries) {
    const f = statFields(d);
    if (f && Number(f[1]) === rootPid) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks * TICK_MS;
}

/** Busy and total CPU time of the whole machine so far (ms, all cores), from /proc/stat. */
export function machineCpuMs(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.slice(0, 8).reduce((s, x) => s + x, 0); // user nice system idle iowait irq softirq steal
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busy: (total - idle) * TICK_MS, total: total * TICK_MS };
  } catch {
    return undefined;
  }
}

/** CPU time (user + system, ms) consumed so far by this process. */
export function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Resident memory of a process in bytes, from /proc; NaN when it cannot be read. */
export function rssBytes(pid: number): number {
  try {
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;
  } catch {
    return NaN;
  }
}

