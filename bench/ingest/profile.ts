/**
 * Summarises a V8 CPU profile (`node --cpu-prof`) of the server over a time window: self time
 * per function, self time per module/package, and inclusive time per xiaoan source file and per
 * package (a sample counts for every distinct file on its stack), as shares of the window.
 *
 * Sample timestamps are V8 TimeTicks (µs, CLOCK_MONOTONIC on Linux), the clock monoMs() reads,
 * so the window can be given in monoMs() of another process on the same machine.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  file: string;
  windowMs: number;
  sampledMs: number;
  /** Busy share of the window: not (idle). */
  busyShare: number;
  selfByFunction: ProfileRow[];
  selfByModule: ProfileRow[];
  inclusiveByFile: ProfileRow[];
  /** True when no sample fell inside the window and the whole profile was used instead. */
  wholeProfile: boolean;
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

function shortUrl(url: string): string {
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('/node_modules/');
  if (nm >= 0) return u.slice(nm + 14);
  const src = u.indexOf('/src/');
  if (src >= 0) return u.slice(src + 1);
  return u;
}

/** bench/ingest/server-probe.ts wraps better-sqlite3's run/all/get: the native statement runs inside its frames. */
const PROBE = '/bench/ingest/server-probe.ts';
const PROBE_LABEL = 'SQLite statements (native, inside the bench probe wrapper)';

/** Module a frame belongs to: a package, a xiaoan source file, a node: builtin, or (native)/(gc)/(idle). */
function moduleOf(f: CallFrame): string {
  if (SPECIAL.has(f.functionName) && !f.url) return f.functionName;
  if (f.url.endsWith(PROBE)) return PROBE_LABEL;
  if (!f.url) return `(native) ${f.functionName || 'anonymous'}`;
  const u = f.url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = u.slice(nm + 14).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (u.startsWith('node:')) return `node:${u.slice(5).split('/')[0]}`;
  const src = u.indexOf('/src/');
  if (src >= 0) return u.slice(src + 1);
  return path.basename(u);
}

/** The largest *.cpuprofile in a directory (the main thread's; loader threads write small ones). */
export function findProfile(dir: string): string | undefined {
  let best: { file: string; size: number } | undefined;
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.cpuprofile')) continue;
    const size = statSync(path.join(dir, f)).size;
    if (!best || size > best.size) best = { file: path.join(dir, f), size };
  }
  return best?.file;
}

export function summarizeProfile(file: string, window?: { fromMs: number; toMs: number }, top = 20): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of p.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  // Timestamp of each sample; its duration is the gap to the next sample.
  const times: number[] = new Array(p.samples.length);
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    times[i] = t;
  }
  let from = window ? window.fromMs * 1000 : p.startTime;
  let to = window ? window.toMs * 1000 : p.endTime;
  let wholeProfile = false;
  if (!times.some((x) => x >= from && x < to)) {
    from = p.startTime;
    to = p.endTime;
    wholeProfile = true;
  }
  const selfFn = new Map<string, number>();
  const selfMod = new Map<string, number>();
  const incl = new Map<string, number>();
  let sampled = 0;
  let idle = 0;
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  for (let i = 0; i < p.samples.length; i++) {
    if (times[i] < from || times[i] >= to) continue;
    const dur = (i + 1 < times.length ? times[i + 1] : p.endTime) - times[i];
    const node = byId.get(p.samples[i])!;
    const f = node.callFrame;
    sampled += dur;
    if (f.functionName === '(idle)') {
      idle += dur;
      continue;
    }
    add(selfFn, SPECIAL.has(f.functionName) || !f.url || f.url.endsWith(PROBE) ? moduleOf(f) : `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}:${f.lineNumber + 1}`, dur);
    add(selfMod, moduleOf(f), dur);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const cf = byId.get(id)!.callFrame;
      if (!cf.url) continue;
      const m = moduleOf(cf);
      if (m.startsWith('node:')) continue;
      seen.add(m);
    }
    for (const m of seen) add(incl, m, dur);
  }
  const windowMs = (to - from) / 1000;
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / (to - from) }));
  return {
    file,
    windowMs,
    sampledMs: sampled / 1000,
    busyShare: sampled ? (sampled - idle) / (to - from) : 0,
    selfByFunction: rows(selfFn),
    selfByModule: rows(selfMod),
    inclusiveByFile: rows(incl),
    wholeProfile,
  };
}
