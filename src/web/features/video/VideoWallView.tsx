import { AppstoreOutlined, CloseOutlined, DeleteOutlined, ExpandOutlined, PauseCircleOutlined, PlayCircleOutlined, SaveOutlined, SearchOutlined, VideoCameraOutlined } from '@ant-design/icons';
import { App, Button, Empty, Form, Input, List, Modal, Popconfirm, Segmented, Select, Space, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CAMERA_KINDS } from '../../../shared/domain.ts';
import { devicesApi } from '../../api/endpoints.ts';
import { tourGroupsApi } from '../../api/media.ts';
import type { TourGroup } from '../../../shared/video-wall.ts';
import { errorMessage } from '../../components/errors.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import type { Device } from '../../api/types.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApi } from '../../components/useApi.ts';
import { LiveVideo } from './LiveVideo.tsx';
import { TOUR_INTERVALS_S, WALL_LAYOUTS, columnsOf, place, resize, targetTile, tourPage, tourPages, type WallLayout } from './wall-layout.ts';
import { WALL_STORAGE_KEY, loadWall, saveWall, type SavedWall } from './wall-storage.ts';
import './video.css';

/** Cameras offered for the wall and for a tour: the first page of the selected place, by name. */
const LIST_SIZE = 200;

/**
 * 电视墙: live video of up to 16 cameras at once. Cameras of the place selected in the tree are
 * listed on the left; drag one onto a tile (or click it to fill the next free tile). A tour (轮巡)
 * pages through the listed cameras at a chosen interval. The wall is kept in this browser.
 */
export function VideoWallView() {
  const { t } = useTranslation();
  const { scope } = useOrg();
  const [wall, setWall] = useState<SavedWall>(loadWall);
  const [selected, setSelected] = useState(0);
  const [q, setQ] = useState('');
  // A tour pages through the listed cameras, or through a tour group's (轮巡组).
  const [tour, setTour] = useState<{ intervalS: number; page: number; group?: TourGroup } | null>(null);
  const { can } = useAuth();
  const { message } = App.useApp();
  const groups = useApi((signal) => tourGroupsApi.list(signal), []);
  const [saving, setSaving] = useState(false);
  const [intervalS, setIntervalS] = useState<number>(TOUR_INTERVALS_S[1]);
  const wallRef = useRef<HTMLDivElement>(null);
  const { data, error, reload } = useApi(
    (signal) => devicesApi.list({ ...scope, kind: [...CAMERA_KINDS], status: ['in_service'], q: q || undefined, pageSize: LIST_SIZE, sort: 'name', order: 'asc' }, signal),
    [scope.universityId, scope.campusId, scope.buildingId, scope.floorId, q],
  );
  const cameras = useMemo(() => data?.items ?? [], [data]);
  const names = useMemo(() => new Map(cameras.map((c) => [c.id, c.name])), [cameras]);
  const [known, setKnown] = useState<Map<string, string>>(new Map());
  useEffect(() => setKnown((k) => new Map([...k, ...names])), [names]);
  useEffect(() => {
    const group = tour?.group;
    if (group) setKnown((k) => new Map([...k, ...group.cameraIds.map((id, i) => [id, group.cameraNames[i]!] as const)]));
  }, [tour?.group]);

  useEffect(() => saveWall(wall), [wall]);
  // A camera sent to the wall from another window (the map on the operator's screen) appears here at once.
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key !== WALL_STORAGE_KEY) return;
      const next = loadWall();
      setWall((w) => (JSON.stringify(w) === JSON.stringify(next) ? w : next));
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  // The tour shows the next page of the listed cameras every interval.
  useEffect(() => {
    if (!tour) return;
    const ids = tour.group?.cameraIds ?? cameras.map((c) => c.id);
    setWall((w) => ({ ...w, tiles: tourPage(ids, w.layout, tour.page) }));
    const timer = setTimeout(() => setTour({ ...tour, page: tour.page + 1 }), tour.intervalS * 1000);
    return () => clearTimeout(timer);
  }, [tour, cameras]);

  const setLayout = (layout: WallLayout) => {
    setWall((w) => ({ layout, tiles: resize(w.tiles, layout) }));
    setSelected((s) => Math.min(s, layout - 1));
  };
  const put = (index: number, cameraId: string) => {
    setTour(null);
    setWall((w) => ({ ...w, tiles: place(w.tiles, index, cameraId) }));
    setSelected(index);
  };
  const clear = (index: number) => setWall((w) => ({ ...w, tiles: w.tiles.map((c, i) => (i === index ? null : c)) }));
  const add = (camera: Device) => put(targetTile(wall.tiles, selected), camera.id);
  const columns = columnsOf(wall.layout);
  const tourIds = tour?.group?.cameraIds ?? cameras.map((c) => c.id);
  const startGroup = (groupId: string) => {
    const group = groups.data?.find((g) => g.id === groupId);
    if (!group) return;
    setWall((w) => ({ layout: group.layout, tiles: resize(w.tiles, group.layout) }));
    setTour({ intervalS: group.intervalS, page: 0, group });
  };
  const removeGroup = async (group: TourGroup) => {
    try {
      await tourGroupsApi.remove(group.id);
      if (tour?.group?.id === group.id) setTour(null);
      groups.reload();
    } catch (err) {
      void message.error(errorMessage(err));
    }
  };

  return (
    <div className="video-wall-view" data-testid="video-wall">
      <aside className="video-wall-cameras">
        <Input allowClear prefix={<SearchOutlined />} placeholder={t('video.wall.search')} onChange={(e) => setQ(e.target.value.trim())} data-testid="wall-search" />
        {error && <ErrorAlert error={error} title={t('video.wall.loadFailed')} onRetry={reload} />}
        <Typography.Text type="secondary" className="video-wall-hint">
          {t('video.wall.hint', { count: data?.total ?? 0 })}
        </Typography.Text>
        <List
          size="small"
          className="video-wall-list"
          dataSource={cameras}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('video.wall.noCameras')} /> }}
          renderItem={(c) => (
            <List.Item
              key={c.id}
              draggable
              onDragStart={(e) => e.dataTransfer.setData('text/x-xiaoan-camera', c.id)}
              onClick={() => add(c)}
              className={wall.tiles.includes(c.id) ? 'on-wall' : undefined}
              data-testid="wall-camera"
            >
              <VideoCameraOutlined /> <span className="video-wall-camera-name">{c.name}</span>
            </List.Item>
          )}
        />
      </aside>
      <section className="video-wall-main">
        <Space className="video-wall-toolbar" wrap>
          <Segmented<WallLayout>
            value={wall.layout}
            onChange={setLayout}
            options={WALL_LAYOUTS.map((n) => ({ value: n, label: <span data-testid={`wall-layout-${n}`}>{t('video.wall.layout', { n })}</span> }))}
          />
          <Select value={intervalS} onChange={setIntervalS} options={TOUR_INTERVALS_S.map((s) => ({ value: s, label: t('video.wall.every', { s }) }))} style={{ width: 110 }} />
          {tour ? (
            <Button icon={<PauseCircleOutlined />} onClick={() => setTour(null)} data-testid="wall-tour-stop">
              {tour.group ? `${tour.group.name} · ` : ''}
              {t('video.wall.stopTour', { page: (tour.page % tourPages(tourIds, wall.layout)) + 1, pages: tourPages(tourIds, wall.layout) })}
            </Button>
          ) : (
            <Tooltip title={t('video.wall.tourHint')}>
              <Button icon={<PlayCircleOutlined />} disabled={!cameras.length} onClick={() => setTour({ intervalS, page: 0 })} data-testid="wall-tour">
                {t('video.wall.tour')}
              </Button>
            </Tooltip>
          )}
          <Select
            placeholder={t('video.wall.groups.pick')}
            value={tour?.group?.id ?? null}
            onChange={startGroup}
            style={{ width: 180 }}
            notFoundContent={t('video.wall.groups.none')}
            options={(groups.data ?? []).map((g) => ({ value: g.id, label: t('video.wall.groups.option', { name: g.name, count: g.cameraIds.length }) }))}
            optionRender={(o) => {
              const group = groups.data?.find((g) => g.id === o.value);
              return (
                <Space className="wall-group-option" data-testid="wall-group-option">
                  <span>{o.label}</span>
                  {group && can('video.control') && (
                    <Popconfirm title={t('video.wall.groups.confirmDelete', { name: group.name })} onConfirm={() => void removeGroup(group)}>
                      <DeleteOutlined onClick={(e) => e.stopPropagation()} aria-label={t('video.wall.groups.delete')} />
                    </Popconfirm>
                  )}
                </Space>
              );
            }}
            data-testid="wall-groups"
          />
          {can('video.control') && (
            <Tooltip title={t('video.wall.groups.saveHint')}>
              <Button icon={<SaveOutlined />} disabled={!wall.tiles.some(Boolean)} onClick={() => setSaving(true)} data-testid="wall-group-save">
                {t('video.wall.groups.save')}
              </Button>
            </Tooltip>
          )}
          <Button icon={<AppstoreOutlined />} onClick={() => setWall((w) => ({ ...w, tiles: resize([], w.layout) }))}>
            {t('video.wall.clear')}
          </Button>
          <Button icon={<ExpandOutlined />} onClick={() => void wallRef.current?.requestFullscreen()}>
            {t('video.wall.fullscreen')}
          </Button>
        </Space>
        <div ref={wallRef} className="video-wall-grid" style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }} data-testid="wall-grid">
          {wall.tiles.map((cameraId, i) => (
            <div
              key={i}
              className={`video-wall-tile${i === selected ? ' selected' : ''}`}
              onClick={() => setSelected(i)}
              onDragOver={(e) => e.preventDefault()}
              onDrop={(e) => {
                e.preventDefault();
                const id = e.dataTransfer.getData('text/x-xiaoan-camera');
                if (id) put(i, id);
              }}
              data-testid="wall-tile"
            >
              {cameraId ? (
                <>
                  <LiveVideo key={cameraId} deviceId={cameraId} label={known.get(cameraId) ?? ''} />
                  <Button size="small" type="text" className="video-wall-close" icon={<CloseOutlined />} onClick={(e) => (e.stopPropagation(), clear(i))} aria-label={t('video.wall.remove')} />
                </>
              ) : (
                <div className="video-wall-empty">
                  <Tag>{i + 1}</Tag>
                  {t('video.wall.empty')}
                </div>
              )}
            </div>
          ))}
        </div>
      </section>
      {saving && (
        <SaveGroupModal
          cameras={[...new Map([...wall.tiles.filter((c): c is string => !!c).map((id) => [id, known.get(id) ?? id] as const), ...cameras.map((c) => [c.id, c.name] as const)])]}
          initial={wall.tiles.filter((c): c is string => !!c)}
          layout={wall.layout}
          intervalS={intervalS}
          onClose={(saved) => {
            setSaving(false);
            if (saved) groups.reload();
          }}
        />
      )}
    </div>
  );
}

/** 保存为轮巡组: a name and the cameras (those on the wall to begin with), with the wall's layout and interval. */
function SaveGroupModal({ cameras, initial, layout, intervalS, onClose }: { cameras: [string, string][]; initial: string[]; layout: WallLayout; intervalS: number; onClose: (saved: boolean) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ name: string; cameraIds: string[] }>();
  const [busy, setBusy] = useState(false);
  const submit = async (v: { name: string; cameraIds: string[] }) => {
    setBusy(true);
    try {
      const group = await tourGroupsApi.create({ name: v.name, cameraIds: v.cameraIds, layout, intervalS: intervalS as TourGroup['intervalS'] });
      void message.success(t('video.wall.groups.saved', { name: group.name }));
      onClose(true);
    } catch (err) {
      void message.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('video.wall.groups.saveTitle', { layout, s: intervalS })} okText={t('video.wall.groups.save')} confirmLoading={busy} onOk={() => form.submit()} onCancel={() => onClose(false)}>
      <Form form={form} layout="vertical" initialValues={{ name: '', cameraIds: initial }} onFinish={(v) => void submit(v)}>
        <Form.Item name="name" label={t('video.wall.groups.name')} rules={[{ required: true, whitespace: true, max: 40 }]}>
          <Input maxLength={40} placeholder={t('video.wall.groups.namePlaceholder')} data-testid="wall-group-name" />
        </Form.Item>
        <Form.Item name="cameraIds" label={t('video.wall.groups.cameras')} rules={[{ required: true, type: 'array', min: 1 }]}>
          <Select mode="multiple" optionFilterProp="label" options={cameras.map(([value, label]) => ({ value, label }))} maxTagCount="responsive" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
