/**
 * GB/T 28181 §A.3 PTZ command (the 8-byte PTZCmd of DeviceControl): A5, 0F, address, command,
 * data1, data2, data3 (zoom speed << 4 | address high nibble), checksum = sum of bytes 1–7 mod 256.
 */
export const PTZ_COMMANDS = { stop: 0x00, right: 0x01, left: 0x02, down: 0x04, up: 0x08, zoomIn: 0x10, zoomOut: 0x20, setPreset: 0x81, gotoPreset: 0x82, deletePreset: 0x83 } as const;

function encode(command: number, data1: number, data2: number, zoom = 0, address = 1): string {
  const bytes = [0xa5, 0x0f, address & 0xff, command & 0xff, data1 & 0xff, data2 & 0xff, ((zoom & 0x0f) << 4) | ((address >> 8) & 0x0f)];
  bytes.push(bytes.reduce((a, b) => a + b, 0) % 256);
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
}

/** Moves at the given speeds (0–255 pan/tilt, 0–15 zoom); all zero is stop. */
export function ptzMove(dir: { pan?: -1 | 0 | 1; tilt?: -1 | 0 | 1; zoom?: -1 | 0 | 1 }, speed = 0x1e, zoomSpeed = 1): string {
  let cmd = 0;
  if (dir.pan === 1) cmd |= PTZ_COMMANDS.right;
  if (dir.pan === -1) cmd |= PTZ_COMMANDS.left;
  if (dir.tilt === 1) cmd |= PTZ_COMMANDS.up;
  if (dir.tilt === -1) cmd |= PTZ_COMMANDS.down;
  if (dir.zoom === 1) cmd |= PTZ_COMMANDS.zoomIn;
  if (dir.zoom === -1) cmd |= PTZ_COMMANDS.zoomOut;
  // As in the standard's example (up: A50F01081E1E1009), a move carries both speeds and the zoom speed.
  return cmd ? encode(cmd, speed, speed, zoomSpeed) : encode(0, 0, 0, 0);
}

/** Preset call/set/delete; presets are 1–255. */
export function ptzPreset(action: 'goto' | 'set' | 'delete', preset: number): string {
  if (!Number.isInteger(preset) || preset < 1 || preset > 255) throw new RangeError(`preset ${preset} is not 1–255`);
  const cmd = action === 'goto' ? PTZ_COMMANDS.gotoPreset : action === 'set' ? PTZ_COMMANDS.setPreset : PTZ_COMMANDS.deletePreset;
  return encode(cmd, 0, preset);
}

/** Reads a PTZCmd back (the device simulator obeys it); null when the checksum or header is wrong. */
export function decodePtz(hex: string): { command: number; data1: number; data2: number; zoom: number } | null {
  if (!/^[0-9A-Fa-f]{16}$/.test(hex)) return null;
  const b = hex.match(/../g)!.map((x) => parseInt(x, 16));
  if (b[0] !== 0xa5 || b[1] !== 0x0f) return null;
  if (b.slice(0, 7).reduce((a, x) => a + x, 0) % 256 !== b[7]) return null;
  return { command: b[3]!, data1: b[4]!, data2: b[5]!, zoom: b[6]! >> 4 };
}
