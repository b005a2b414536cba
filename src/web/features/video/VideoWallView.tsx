import { AppstoreOutlined, CloseOutlined, ExpandOutlined, PauseCircleOutlined, PlayCircleOutlined, SearchOutlined, VideoCameraOutlined } from '@ant-design/icons';
import { Button, Empty, Input, List, Segmented, Select, Space, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CAMERA_KINDS } from '../../../shared/domain.ts';
import { devicesApi } from '../../api/endpoints.ts';
import type { Device } from '../../api/types.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApi } from '../../components/useApi.ts';
import { LiveVideo } from './LiveVideo.tsx';
import { TOUR_INTERVALS_S, WALL_LAYOUTS, columnsOf, place, resize, targetTile, tourPage, tourPages, type WallLayout } from './wall-layout.ts';
import './video.css';

const STORAGE_KEY = 'xiaoan.videoWall';
/** Cameras offered for the wall and for a tour: the first page of the selected place, by name. */
const LIST_SIZE = 200;

interface SavedWall {
  layout: WallLayout;
  tiles: (string | null)[];
}

function loadWall(): SavedWall {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '') as SavedWall;
    if (WALL_LAYOUTS.includes(saved.layout) && Array.isArray(saved.tiles)) return { layout: saved.layout, tiles: resize(saved.tiles, saved.layout) };
  } catch {
    // nothing saved yet
  }
  return { layout: 4, tiles: resize([], 4) };
}

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
  const [tour, setTour] = useState<{ intervalS: number; page: number } | null>(null);
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

  useEffect(() => localStorage.setItem(STORAGE_KEY, JSON.stringify(wall)), [wall]);

  // The tour shows the next page of the listed cameras every interval.
  useEffect(() => {
    if (!tour) return;
    const ids = cameras.map((c) => c.id);
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
              {t('video.wall.stopTour', { page: (tour.page % tourPages(cameras.map((c) => c.id), wall.layout)) + 1, pages: tourPages(cameras.map((c) => c.id), wall.layout) })}
            </Button>
          ) : (
            <Tooltip title={t('video.wall.tourHint')}>
              <Button icon={<PlayCircleOutlined />} disabled={!cameras.length} onClick={() => setTour({ intervalS, page: 0 })} data-testid="wall-tour">
                {t('video.wall.tour')}
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
    </div>
  );
}
