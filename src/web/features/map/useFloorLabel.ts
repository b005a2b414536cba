import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

/** 3 → 「3层」/ "Floor 3"; -1 → 「地下1层」/ "B1". */
export function useFloorLabel(): (level: number) => string {
  const { t } = useTranslation();
  return useCallback((level: number) => (level < 0 ? t('floor.below', { level: -level }) : t('floor.above', { level })), [t]);
}
