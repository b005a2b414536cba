import { Badge, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLiveState } from './LiveProvider.tsx';

const BADGE = { open: 'success', connecting: 'processing', down: 'error', stopped: 'default' } as const;

/** "实时 ●" in the menu bar: green while the live feed is connected. */
export function LiveIndicator() {
  const { t } = useTranslation();
  const { phase } = useLiveState();
  return (
    <Tooltip title={t(`events.live.phase.${phase}`)}>
      <span className="live-indicator" data-testid="live-indicator" data-phase={phase}>
        <Badge status={BADGE[phase]} text={t('events.live.label')} />
      </span>
    </Tooltip>
  );
}
