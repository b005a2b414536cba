import { PauseCircleOutlined, PlayCircleOutlined } from '@ant-design/icons';
import { Badge, Button, Checkbox, Select, Spin, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { EventKind } from '../../../shared/events.ts';
import type { DeviceRef } from '../../api/events.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import type { EventFilter } from './event-filter.ts';
import { EVENT_KIND_GROUP_LIST, EVENT_KIND_GROUPS, kindKey } from './event-kinds.ts';

interface EventToolbarProps {
  filter: EventFilter;
  onFilter: (patch: Partial<EventFilter>) => void;
  devices: readonly DeviceRef[];
  devicesLoading: boolean;
  paused: boolean;
  pendingCount: number;
  onPaused: (paused: boolean) => void;
  shown: number;
  capacity: number;
  loading: boolean;
}

export function EventToolbar({ filter, onFilter, devices, devicesLoading, paused, pendingCount, onPaused, shown, capacity, loading }: EventToolbarProps) {
  const { t } = useTranslation();
  const { index } = useOrg();

  const kindOptions = useMemo(
    () =>
      EVENT_KIND_GROUP_LIST.map((g) => ({
        label: t(`events.group.${g}`),
        title: t(`events.group.${g}`),
        options: EVENT_KIND_GROUPS[g].map((k) => ({ value: k, label: t(`events.kind.${kindKey(k)}`) })),
      })),
    [t],
  );

  const campusOptions = useMemo(() => {
    const campuses = [...index.values()].filter((e) => e.kind === 'campus' && (!filter.universityId || e.parentId === filter.universityId));
    const universities = new Set(campuses.map((c) => c.parentId));
    return campuses.map((c) => ({
      value: c.id,
      label: universities.size > 1 ? `${index.get(c.parentId ?? '')?.name ?? ''} · ${c.name}` : c.name,
    }));
  }, [index, filter.universityId]);

  const deviceOptions = useMemo(
    () => devices.filter((d) => !filter.campusId || d.campusId === filter.campusId).map((d) => ({ value: d.id, label: d.name })),
    [devices, filter.campusId],
  );

  return (
    <div className="view-toolbar event-toolbar">
      <Select<EventKind[]>
        mode="multiple"
        allowClear
        maxTagCount="responsive"
        className="event-filter-kinds"
        placeholder={t('events.filter.kinds')}
        value={filter.kinds}
        onChange={(kinds) => onFilter({ kinds })}
        options={kindOptions}
        optionFilterProp="label"
        data-testid="event-filter-kind"
      />
      <Checkbox checked={filter.showNoisy || filter.kinds.length > 0} disabled={filter.kinds.length > 0} onChange={(e) => onFilter({ showNoisy: e.target.checked })}>
        {t('events.filter.showHeartbeats')}
      </Checkbox>
      <Select<string>
        allowClear
        className="event-filter-campus"
        placeholder={t('events.filter.campus')}
        value={filter.campusId}
        onChange={(campusId) => onFilter({ campusId: campusId ?? undefined, deviceId: undefined })}
        options={campusOptions}
        data-testid="event-filter-campus"
      />
      <Select<string>
        allowClear
        showSearch
        className="event-filter-device"
        placeholder={t('events.filter.device')}
        value={filter.deviceId}
        onChange={(deviceId) => onFilter({ deviceId: deviceId ?? undefined })}
        options={deviceOptions}
        optionFilterProp="label"
        loading={devicesLoading}
        notFoundContent={devicesLoading ? <Spin size="small" /> : undefined}
        data-testid="event-filter-device"
      />
      <Badge count={paused ? pendingCount : 0} overflowCount={9999} size="small">
        <Button
          icon={paused ? <PlayCircleOutlined /> : <PauseCircleOutlined />}
          type={paused ? 'primary' : 'default'}
          onClick={() => onPaused(!paused)}
          data-testid="event-pause"
        >
          {paused ? t('events.resume') : t('events.pause')}
        </Button>
      </Badge>
      {paused && (
        <Typography.Text type="warning" data-testid="event-pending">
          {t('events.pending', { count: pendingCount })}
        </Typography.Text>
      )}
      <span className="view-toolbar-spacer" />
      {loading && <Spin size="small" />}
      <Typography.Text type="secondary" data-testid="event-count">
        {t('events.shown', { count: shown, capacity })}
      </Typography.Text>
    </div>
  );
}
