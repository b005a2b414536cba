/**
 * The module contract (issue 11, docs/architecture.md). A module is one folder under
 * src/server/modules with one public face, its index.ts: the services other modules may call,
 * the types they may use, and a `ModuleFace` that tells the composition root what the module
 * owns and needs run. Other modules, the composition root and the simulator import only that
 * index.ts (test/architecture/module-boundaries.test.ts); only the module's own files touch its
 * tables (test/architecture/table-ownership.test.ts).
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { EventMap, ModuleBus } from '../bus/event-bus.ts';
import type { DB } from '../store/schema.ts';
import { TABLE_OWNERS } from '../store/table-owners.ts';

/** Periodic work of a module, scheduled by the composition root (main.ts) while the server runs. */
export interface ModuleJob {
  name: string;
  everyMs: number;
  run(ctx: ModuleContext): Promise<unknown>;
}

export interface ModuleContext {
  log: FastifyBaseLogger;
}

export interface ModuleFace {
  /** The folder name under src/server/modules. */
  readonly name: string;
  /** The tables it owns: created by migrations, read and written only by its files. */
  readonly tables: readonly (keyof DB)[];
  /** Its view of the bus: the subscriptions its classes made end after its `stop`. */
  readonly bus?: ModuleBus;
  /** The bus messages it publishes (each message has one publishing module). */
  readonly publishes?: readonly (keyof EventMap)[];
  /** Registers its HTTP routes (each declares its permission; see http/auth-hook.ts). */
  routes?(app: FastifyInstance): void;
  readonly jobs?: readonly ModuleJob[];
  /** Runs once the store is migrated and every module is built, in dependency order. */
  start?(ctx: ModuleContext): Promise<void>;
  /** Runs first at shutdown, in dependency order: finish writing what was accepted (the event writer's last batch). */
  flush?(): Promise<void>;
  /** Runs after every flush, in reverse dependency order: stop consumers, timers and sockets. */
  stop?(): Promise<void>;
}

/** The tables `table-owners.ts` gives to a module. */
export function tablesOf(module: string): (keyof DB)[] {
  return (Object.keys(TABLE_OWNERS) as (keyof DB)[]).filter((t) => TABLE_OWNERS[t] === module);
}

/** Starts modules in order. */
export async function startModules(modules: readonly ModuleFace[], ctx: ModuleContext): Promise<void> {
  for (const m of modules) await m.start?.(ctx);
}

/** Flushes in order, then stops in reverse order; one module's failure does not keep the others running. */
export async function stopModules(modules: readonly ModuleFace[], log: Pick<FastifyBaseLogger, 'error'>): Promise<void> {
  const attempt = async (m: ModuleFace, phase: 'flush' | 'stop') => {
    try {
      await m[phase]?.();
    } catch (err) {
      log.error({ err, module: m.name }, `module ${phase} failed`);
    }
  };
  for (const m of modules) await attempt(m, 'flush');
  for (const m of [...modules].reverse()) {
    await attempt(m, 'stop');
    m.bus?.close();
  }
}

/**
 * A port one module declares and a later-built module fills (alarms declares what it needs of
 * guard dispatch and of procedures; those modules build on alarms and attach themselves).
 */
export class PortSlot<T> {
  private value: T | null = null;

  constructor(private readonly what: string) {}

  attach(value: T) {
    this.value = value;
  }

  /** The attached implementation, or null while none is (a feature that may be absent). */
  get current(): T | null {
    return this.value;
  }

  /** The attached implementation; a programming error if the composition root did not attach one. */
  get required(): T {
    if (!this.value) throw new Error(`${this.what} is not attached: the composition root must build its module`);
    return this.value;
  }
}
