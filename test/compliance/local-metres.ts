/** Places for compliance tests, in metres east and north of a point in Shanghai (equirectangular: exact enough for a campus). */
export const LAT0 = 31.3;
export const LON0 = 121.5;
const M_PER_DEG_LAT = (Math.PI / 180) * 6_371_008.8;
const M_PER_DEG_LON = M_PER_DEG_LAT * Math.cos((LAT0 * Math.PI) / 180);

export const at = (eastM: number, northM: number) => ({ lon: LON0 + eastM / M_PER_DEG_LON, lat: LAT0 + northM / M_PER_DEG_LAT });
export const pos = (eastM: number, northM: number): [number, number] => [at(eastM, northM).lon, at(eastM, northM).lat];
/** An axis-aligned rectangle as a GeoJSON polygon. */
export const rect = (x0: number, y0: number, x1: number, y1: number) => ({ type: 'Polygon' as const, coordinates: [[pos(x0, y0), pos(x1, y0), pos(x1, y1), pos(x0, y1), pos(x0, y0)]] });
