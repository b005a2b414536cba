import type { Bus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import type { DeviceEvent } from '../../../shared/events.ts';

/** Sends a JSON command to a device (GB/T 28181, ONVIF or the MQTT commands topic); set once the channels are up. */
export type CommandSender = (universityId: string, deviceId: string, command: object) => Promise<void>;

/** How one command ended: acknowledged (with the time it took), refused by the device, unanswered, or never sent. */
export type CommandOutcome =
  | { status: 'acknowledged'; ackMs: number; message?: string }
  | { status: 'refused'; ackMs: number; message?: string }
  | { status: 'no_ack'; reason: string }
  | { status: 'not_sent'; reason: string };

interface AckWaiter {
  /** null: no acknowledgement (timeout, or the server is shutting down). */
  resolve(ack: { result: string; message?: string; atMs: number } | null): void;
}

/**
 * Commands to devices and their acknowledgements (`command.ack` events naming the command's id):
 * door locks for linkage rules, PTZ presets, barrier gates opened by a gate decision.
 */
export class DeviceCommands {
  private sender: CommandSender | null = null;
  private answersWithinSend = false;
  private readonly waiters = new Map<string, AckWaiter>();

  constructor(
    bus: Bus,
    private readonly clock: Clock,
  ) {
    bus.subscribe('events.committed', (events) => {
      for (const e of events) if (e.kind === 'command.ack') this.onAck(e as DeviceEvent<'command.ack'>);
    });
  }

  /**
   * `answersWithinSend`: the sender delivers the device's answer before its promise resolves (the
   * demo history's simulated devices). Then an answer that has not come by then never comes, and no
   * real-time timer decides it: the history must not depend on how fast the machine is.
   */
  setSender(sender: CommandSender | null, opts: { answersWithinSend?: boolean } = {}) {
    this.sender = sender;
    this.answersWithinSend = opts.answersWithinSend ?? false;
  }

  private onAck(e: DeviceEvent<'command.ack'>) {
    const w = this.waiters.get(e.payload.commandId);
    if (w) {
      this.waiters.delete(e.payload.commandId);
      w.resolve({ result: e.payload.result, message: e.payload.message, atMs: this.clock.now() });
    }
  }

  /** Sends a message that wants no acknowledgement (an answer to a door controller's question). */
  async send(universityId: string, deviceId: string, message: { command: string } & Record<string, unknown>): Promise<boolean> {
    if (!this.sender) return false;
    await this.sender(universityId, deviceId, message);
    return true;
  }

  /** Sends one command and waits for the device's `command.ack` naming its id, or the timeout. `id` is the key the device can dedupe on. */
  async sendWithAck(universityId: string, deviceId: string, command: { id: string; command: string } & Record<string, unknown>, timeoutMs: number): Promise<CommandOutcome> {
    const sender = this.sender;
    if (!sender) return { status: 'not_sent', reason: 'no device channel (MQTT) is running' };
    const sentAt = this.clock.now();
    const answersWithinSend = this.answersWithinSend;
    let timer: NodeJS.Timeout | undefined;
    const ack = new Promise<{ result: string; message?: string; atMs: number } | null>((resolve) => {
      this.waiters.set(command.id, { resolve });
      if (!answersWithinSend) {
        timer = setTimeout(() => {
          if (this.waiters.delete(command.id)) resolve(null);
        }, timeoutMs);
        timer.unref();
      }
    });
    try {
      await sender(universityId, deviceId, { ...command, issuedAt: new Date(sentAt).toISOString() });
    } catch (err) {
      this.waiters.delete(command.id);
      clearTimeout(timer);
      return { status: 'not_sent', reason: (err as Error).message };
    }
    if (answersWithinSend) {
      const w = this.waiters.get(command.id);
      if (w) {
        this.waiters.delete(command.id);
        w.resolve(null);
      }
    }
    const a = await ack;
    clearTimeout(timer);
    if (!a) return { status: 'no_ack', reason: `no acknowledgement within ${timeoutMs / 1000} s` };
    return { status: a.result === 'ok' ? 'acknowledged' : 'refused', ackMs: a.atMs - sentAt, message: a.message };
  }

  /** At shutdown: commands still waiting are recorded as unacknowledged now. */
  close() {
    for (const [id, w] of this.waiters) {
      this.waiters.delete(id);
      w.resolve(null);
    }
  }
}
