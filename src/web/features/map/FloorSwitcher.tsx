import { Button, Tooltip } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { MapData } from '../../api/types.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { useFloorLabel } from './useFloorLabel.ts';

interface FloorSwitcherProps {
  data: MapData | null;
  buildingId?: string;
  value: number | 'all';
  onChange: (level: number | 'all') => void;
}

/**
 * Indoor devices show only on their floor. In a building the switcher lists its floors;
 * campus-wide it lists the levels that have devices (all buildings' 2nd floors together).
 */
export function FloorSwitcher({ data, buildingId, value, onChange }: FloorSwitcherProps) {
  const { t } = useTranslation();
  const floorLabel = useFloorLabel();
  const { index } = useOrg();
  const levels = useMemo(() => {
    const set = new Set<number>();
    if (buildingId) {
      for (const childId of index.get(buildingId)?.children ?? []) {
        const floor = index.get(childId);
        if (floor?.kind === 'floor' && floor.floorLevel != null) set.add(floor.floorLevel);
      }
    } else {
      for (const f of data?.devices.features ?? []) if (f.properties.floorId && f.properties.floorLevel != null) set.add(f.properties.floorLevel);
    }
    return [...set].sort((a, b) => b - a);
  }, [data, buildingId, index]);

  if (!levels.length) return null;
  return (
    <div className="floor-switcher" data-testid="floor-switcher" aria-label={t('map.floor')}>
      <Tooltip title={t('map.allFloors')} placement="right">
        <Button size="small" type={value === 'all' ? 'primary' : 'default'} onClick={() => onChange('all')}>
          {t('common.all')}
        </Button>
      </Tooltip>
      {levels.map((level) => (
        <Button key={level} size="small" type={value === level ? 'primary' : 'default'} onClick={() => onChange(level)}>
          {floorLabel(level)}
        </Button>
      ))}
    </div>
  );
}
