/** Commands to devices (门禁、云台、道闸) over whichever channel the device uses, with their acknowledgements. */
import { ModuleBus, type EventBus } from '../../bus/event-bus.ts';
import type { Clock } from '../../clock.ts';
import type { ModuleFace } from '../module.ts';
import { DeviceCommands } from './device-commands.ts';

export { DeviceCommands, type CommandOutcome, type CommandSender } from './device-commands.ts';

export function createDeviceCommandsModule(d: { clock: Clock; bus: EventBus }) {
  const bus = new ModuleBus(d.bus);
  const deviceCommands = new DeviceCommands(bus, d.clock);
  const face: ModuleFace = { name: 'device-commands', bus, tables: [], stop: async () => deviceCommands.close() };
  return { face, deviceCommands };
}
