/**
 * A small campus created through the public API, for when the demo university is not there
 * (XIAOAN_DEMO seeds nothing until the demo generator lands). Real-looking Shanghai
 * coordinates, a few buildings with floors, key sites, and one device of every kind.
 */
import type { Api } from './support.ts';

type Ring = [number, number][];
const rect = (lon: number, lat: number, w: number, h: number) => ({
  type: 'Polygon' as const,
  coordinates: [[[lon, lat], [lon + w, lat], [lon + w, lat + h], [lon, lat + h], [lon, lat]] as Ring],
});

interface Unit {
  id: string;
}

export interface SeededCampus {
  universityId: string;
  campusId: string;
  /** A camera that has a maintenance record. */
  cameraId: string;
  cameraName: string;
}

export async function seedCampus(api: Api): Promise<SeededCampus> {
  const tree = await api.call<{ id: string; kind: string }[]>('GET', '/api/org-units/tree');
  const commission = tree.find((n) => n.kind === 'commission')!;
  const O = [121.5, 31.3]; // south-west corner of the campus
  const uni = await api.call<Unit>('POST', '/api/org-units', { kind: 'university', parentId: commission.id, name: '沪东理工大学' });
  const campus = await api.call<Unit>('POST', '/api/org-units', {
    kind: 'campus',
    parentId: uni.id,
    name: '杨浦校区',
    population: 12000,
    geometry: rect(O[0]!, O[1]!, 0.006, 0.004),
  });
  const building = async (name: string, x: number, y: number, w: number, h: number, floors: number) => {
    const b = await api.call<Unit>('POST', '/api/org-units', { kind: 'building', parentId: campus.id, name, geometry: rect(O[0]! + x, O[1]! + y, w, h) });
    const levels: Unit[] = [];
    for (let level = 1; level <= floors; level++) levels.push(await api.call<Unit>('POST', '/api/org-units', { kind: 'floor', parentId: b.id, name: `${level}层`, floorLevel: level }));
    return { ...b, floors: levels };
  };
  const admin = await building('行政楼', 0.0008, 0.0026, 0.0012, 0.0006, 3);
  const library = await building('图书馆', 0.0026, 0.0017, 0.0014, 0.001, 4);
  const lab = await building('化学实验楼', 0.0044, 0.0026, 0.001, 0.0007, 3);
  const dorm = await building('学生公寓1号楼', 0.0008, 0.0006, 0.0008, 0.0012, 6);
  await api.call('POST', '/api/org-units', {
    kind: 'area',
    parentId: dorm.floors[0]!.id,
    name: '一层公共卫生间',
    privacy: 'toilet',
    geometry: rect(O[0]! + 0.0009, O[1]! + 0.0007, 0.0002, 0.0002),
  });

  const site = (name: string, category: string, geometry: ReturnType<typeof rect>, buildingId?: string) =>
    api.call('POST', '/api/key-sites', { campusId: campus.id, buildingId, name, category, geometry });
  await site('南大门', 'gate', rect(O[0]! + 0.0028, O[1]! - 0.0001, 0.0006, 0.0003));
  await site('财务处', 'finance_office', rect(O[0]! + 0.0009, O[1]! + 0.0027, 0.0004, 0.0003), admin.id);
  await site('危化品库', 'hazardous_lab', rect(O[0]! + 0.0045, O[1]! + 0.0027, 0.0004, 0.0004), lab.id);
  await site('学生宿舍区', 'dormitory', rect(O[0]! + 0.0006, O[1]! + 0.0004, 0.0012, 0.0016));
  await site('中心广场', 'road_square', rect(O[0]! + 0.0024, O[1]! + 0.0005, 0.0012, 0.0009));

  const at = (x: number, y: number) => ({ lon: O[0]! + x, lat: O[1]! + y });
  const device = (body: Record<string, unknown>) => api.call<Unit & { name: string }>('POST', '/api/devices', { campusId: campus.id, ...body });
  const cam = (name: string, x: number, y: number, bearingDeg: number, extra: Record<string, unknown> = {}) =>
    device({ name, kind: 'camera', ...at(x, y), vendor: '海康威视', model: 'DS-2CD3T47', retentionDays: 30, camera: { resolution: '1080p', type: 'fixed', bearingDeg, fovDeg: 70, rangeM: 40, mountHeightM: 4, placement: 'outdoor' }, ...extra });

  const gateCam = await cam('南门-人脸抓拍-01', 0.0031, 0.0003, 0, { installDate: '2023-06-01', warrantyEnd: '2026-06-01', ip: '10.20.1.11' });
  await cam('南门-全景-02', 0.0027, 0.0001, 30);
  await cam('广场-东北角', 0.0035, 0.0013, 225, { camera: { resolution: '4k', type: 'ptz', bearingDeg: 225, fovDeg: 90, rangeM: 80, placement: 'outdoor' } });
  await cam('行政楼-正门', 0.0014, 0.0025, 180);
  await cam('图书馆-西门', 0.0025, 0.0021, 270);
  await cam('实验楼-东侧', 0.0055, 0.0029, 90);
  await cam('宿舍区-北路', 0.0012, 0.0019, 160, { status: 'under_repair' });
  await cam('西围墙-01', 0.0001, 0.002, 0, { status: 'out_of_service' });
  await device({ name: '南门车牌识别-入口', kind: 'lpr_camera', ...at(0.0033, 0.0002), camera: { resolution: '1080p', type: 'fixed', bearingDeg: 180, fovDeg: 40, rangeM: 25 } });
  await device({ name: '南门道闸-入口', kind: 'barrier_gate', ...at(0.0034, 0.0001) });
  await device({ name: '南门人行闸机-1', kind: 'turnstile', ...at(0.003, 0.0001) });
  await device({ name: '财务处门禁', kind: 'door', buildingId: admin.id, floorId: admin.floors[1]!.id, ...at(0.0011, 0.0028) });
  await device({ name: '财务处紧急按钮', kind: 'panic_button', buildingId: admin.id, floorId: admin.floors[1]!.id, ...at(0.0012, 0.0029) });
  await device({ name: '财务处红外探测', kind: 'intrusion_zone', buildingId: admin.id, floorId: admin.floors[1]!.id, ...at(0.0013, 0.0028) });
  await device({ name: '危化品库门禁', kind: 'door', buildingId: lab.id, floorId: lab.floors[0]!.id, ...at(0.0046, 0.0029) });
  await device({ name: '东围墙周界-03', kind: 'perimeter_zone', ...at(0.006, 0.0021) });
  await device({ name: '北围墙周界-01', kind: 'perimeter_zone', ...at(0.003, 0.004) });
  await device({ name: '巡更点-图书馆南', kind: 'patrol_checkpoint', ...at(0.0032, 0.0016) });
  await device({ name: '监控中心录像机-01', kind: 'recorder', buildingId: admin.id, floorId: admin.floors[0]!.id, ...at(0.0016, 0.0027), retentionDays: 90 });
  await device({ name: '报警主机-行政楼', kind: 'alarm_panel', buildingId: admin.id, floorId: admin.floors[0]!.id, ...at(0.0017, 0.0028) });
  for (const [i, f] of library.floors.entries()) {
    await device({ name: `图书馆${i + 1}层烟感-01`, kind: 'fire_detector', buildingId: library.id, floorId: f.id, ...at(0.003 + i * 0.0002, 0.0022) });
  }
  for (const [i, f] of dorm.floors.entries()) {
    await device({ name: `1号楼${i + 1}层烟感`, kind: 'fire_detector', buildingId: dorm.id, floorId: f.id, ...at(0.0012, 0.0008 + i * 0.00015) });
  }
  await api.call('POST', `/api/devices/${gateCam.id}/maintenance`, { date: '2025-03-15', kind: 'cleaning', performedBy: '张工', notes: '镜头除尘，角度复核' });
  return { universityId: uni.id, campusId: campus.id, cameraId: gateCam.id, cameraName: gateCam.name };
}
