import { useEffect, useRef, useState } from 'react';
import { guardApi } from '../../api/alarms.ts';

/** Sends at most one position this often (and always the first). */
const MIN_INTERVAL_MS = 15_000;

export type SharingState = 'starting' | 'on' | 'denied' | 'unsupported' | 'error';

/** Shares the phone's position (watchPosition → POST /api/my/position, throttled) while the page is open. */
export function useGeolocationSharing(): { state: SharingState; lastSentAt: number | null; position: GeolocationPosition | null } {
  const [state, setState] = useState<SharingState>('starting');
  const [position, setPosition] = useState<GeolocationPosition | null>(null);
  const [lastSentAt, setLastSentAt] = useState<number | null>(null);
  const last = useRef(0);
  useEffect(() => {
    if (!('geolocation' in navigator)) {
      setState('unsupported');
      return;
    }
    const id = navigator.geolocation.watchPosition(
      (pos) => {
        setState('on');
        setPosition(pos); // the latest, for 定位打卡
        const now = Date.now();
        if (now - last.current < MIN_INTERVAL_MS) return;
        last.current = now;
        guardApi
          .position({ lon: pos.coords.longitude, lat: pos.coords.latitude, accuracyM: Math.min(100000, pos.coords.accuracy) })
          .then(() => setLastSentAt(Date.now()))
          .catch(() => setState('error'));
      },
      (err) => setState(err.code === err.PERMISSION_DENIED ? 'denied' : 'error'),
      { enableHighAccuracy: true, maximumAge: 10_000, timeout: 30_000 },
    );
    return () => navigator.geolocation.clearWatch(id);
  }, []);
  return { state, lastSentAt, position };
}
