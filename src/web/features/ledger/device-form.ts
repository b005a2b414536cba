import { CAMERA_KINDS, type DeviceKind } from '../../../shared/domain.ts';
import type { CameraFields, Device, DeviceInput } from '../../api/types.ts';
import { locationOf, lowestOf, type OrgIndex } from '../../app/org-index.ts';
import type { NamePath } from './form-errors.ts';

/** Kinds that record video, so a retention period applies (as the server checks). */
export const RETENTION_KINDS: readonly DeviceKind[] = ['camera', 'lpr_camera', 'recorder'];

/** The form's fields: the body's, with one place picker for the four place ids and camera inputs as entered. */
export type DeviceFormValues = Partial<Omit<DeviceInput, 'campusId' | 'buildingId' | 'floorId' | 'areaId' | 'camera'>> & {
  /** The org node (campus, building or floor) the device sits in. */
  location?: string;
  camera?: Partial<Record<keyof CameraFields, string | number | null>>;
};

const TEXT_FIELDS = ['vendor', 'model', 'serial', 'ip', 'gbId', 'notes'] as const;
const FORM_FIELDS = new Set(['name', 'kind', 'status', 'lon', 'lat', 'installDate', 'warrantyEnd', 'retentionDays', ...TEXT_FIELDS]);
const CAMERA_FORM_FIELDS = new Set(['resolution', 'type', 'mountHeightM', 'bearingDeg', 'fovDeg', 'rangeM', 'placement']);

export function formValuesOf(device: Device): DeviceFormValues {
  return {
    name: device.name,
    kind: device.kind,
    status: device.status,
    location: lowestOf(device),
    lon: device.lon,
    lat: device.lat,
    vendor: device.vendor,
    model: device.model,
    serial: device.serial,
    ip: device.ip,
    gbId: device.gbId,
    installDate: device.installDate,
    warrantyEnd: device.warrantyEnd,
    retentionDays: device.retentionDays,
    notes: device.notes,
    camera: device.camera ?? {},
  };
}

const text = (v: string | null | undefined) => (v == null || v.trim() === '' ? null : v.trim());
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * The request body for the form's values. Empty inputs become null (clearing the field);
 * required values left empty are omitted so the server names them as required. With
 * `original` the body is a PATCH of that device.
 */
export function payloadOf(values: DeviceFormValues, index: OrgIndex, original?: Device): DeviceInput {
  const mode = original ? 'edit' : 'create';
  const kind = values.kind;
  const isCamera = kind ? CAMERA_KINDS.includes(kind) : false;
  const body: Partial<DeviceInput> = {
    name: mode === 'edit' ? (values.name ?? '').trim() : text(values.name) ?? undefined,
    kind,
    status: values.status,
    lon: num(values.lon),
    lat: num(values.lat),
    installDate: values.installDate || null,
    warrantyEnd: values.warrantyEnd || null,
    retentionDays: kind && RETENTION_KINDS.includes(kind) ? num(values.retentionDays) : null,
  };
  for (const f of TEXT_FIELDS) body[f] = text(values[f]);
  // An unchanged location is not sent: sending it would clear the device's area (server rule).
  if (values.location && values.location !== (original && lowestOf(original))) Object.assign(body, locationOf(index, values.location));
  if (isCamera) {
    const c = values.camera ?? {};
    body.camera = {
      ...(c.resolution ? { resolution: c.resolution as CameraFields['resolution'] } : {}),
      ...(c.type ? { type: c.type as CameraFields['type'] } : {}),
      mountHeightM: num(c.mountHeightM),
      bearingDeg: num(c.bearingDeg),
      fovDeg: num(c.fovDeg),
      rangeM: num(c.rangeM),
      placement: (c.placement as CameraFields['placement']) || null,
    };
  } else body.camera = null;
  for (const key of Object.keys(body) as (keyof DeviceInput)[]) if (body[key] === undefined) delete body[key];
  return body as DeviceInput;
}

/** Which form field shows a problem the API reports for `field`. */
export function deviceFieldOf(field: string): NamePath | null {
  if (['campusId', 'buildingId', 'floorId', 'areaId'].includes(field)) return ['location'];
  if (FORM_FIELDS.has(field)) return [field];
  const [head, sub] = field.split('.');
  if (head === 'camera' && sub && CAMERA_FORM_FIELDS.has(sub)) return ['camera', sub];
  return null;
}
