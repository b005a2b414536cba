import { CloseOutlined, PlusOutlined, SendOutlined, SwapOutlined } from '@ant-design/icons';
import { Alert, App, Button, DatePicker, Dropdown, Empty, Modal, Popconfirm, Select, Spin, Tag, Tooltip } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { daysOfMonth } from '../../../shared/duty.ts';
import { dutyApi, type DutyAssignment, type DutyPost, type DutyStaff } from '../../api/duty.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';
import { useAuth, useSession } from '../auth/AuthProvider.tsx';
import { SwapRequestModal } from './SwapRequestModal.tsx';
import { cellIndex, gapText, gapsOnDay } from './duty-format.ts';

/**
 * 排班: days down, posts across; each cell lists who holds each shift. Command-centre posts with
 * nobody for a while are red on those days, and the exact gaps (Beijing time) are listed above.
 */
export function RosterTab() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const { scope } = useOrg();
  const [month, setMonth] = useState(() => dayjs().add(1, 'month').format('YYYY-MM'));
  const [adding, setAdding] = useState<{ post: DutyPost; date: string; shift: string } | null>(null);
  const [accountId, setAccountId] = useState<string>();
  const roster = useApi((signal) => dutyApi.roster(month, scope.universityId, signal), [month, scope.universityId]);
  const writer = can('duty.write');
  const me = useSession().user.id;
  const [swapping, setSwapping] = useState<DutyAssignment | null>(null);
  // 申请换班 from a person's menu: one's own shift still ahead (a director may ask for anyone).
  const canSwap = (a: DutyAssignment) => can('duty.swap') && (a.accountId === me || writer) && Date.parse(a.from) > Date.now();
  const data = roster.data;
  const cells = useMemo(() => cellIndex(data?.assignments ?? []), [data]);
  const holidays = useMemo(() => new Map((data?.holidays ?? []).map((h) => [h.date, h])), [data]);
  const hours = (h: number) => t('duty.hours', { count: h });

  const act = async (f: () => Promise<unknown>, done: string) => {
    try {
      await f();
      void message.success(done);
      roster.reload();
      return true;
    } catch (err) {
      void message.error(`${errorTitle(err)}: ${errorMessage(err)}`);
      return false;
    }
  };

  const staffOptions = (post: DutyPost, date: string) =>
    (data?.staff ?? [])
      .filter((s) => (post.kind === 'gatehouse' || post.kind === 'patrol_team' ? true : s.role !== 'guard'))
      .map((s: DutyStaff) => {
        const uncertified = post.commandCentre && (!s.certifiedUntil || s.certifiedUntil < date);
        return { value: s.id, label: `${s.displayName}（${s.username}）${uncertified ? ` · ${t('duty.uncertified')}` : ''}`, disabled: uncertified };
      });

  if (!data && roster.loading) return <Spin />;
  if (roster.error) return <ErrorAlert error={roster.error} />;
  if (!data) return null;
  if (data.universityId === null) return <Empty description={t('duty.pickUniversity')} />;
  const days = daysOfMonth(month);
  const commandGaps = data.gaps;

  return (
    <div className="duty-roster">
      <div className="duty-toolbar">
        <DatePicker picker="month" value={dayjs(`${month}-01`)} allowClear={false} onChange={(d) => d && setMonth(d.format('YYYY-MM'))} data-testid="duty-month" />
        <Tag color={data.state === 'published' ? 'green' : 'gold'} data-testid="duty-state">
          {t(`duty.states.${data.state}`)}
        </Tag>
        {data.publishedAt && <span className="duty-muted">{t('duty.publishedBy', { who: data.publishedBy ?? '', at: formatDateTime(data.publishedAt) })}</span>}
        {data.certificationEnforced && <Tag color="blue">{t('duty.enforced')}</Tag>}
        {writer && (
          <Popconfirm title={commandGaps.length ? t('duty.publishWithGaps', { count: commandGaps.length }) : t('duty.publishConfirm')} onConfirm={() => act(() => dutyApi.publish(month, data.universityId ?? undefined), t('duty.published'))}>
            <Button type="primary" icon={<SendOutlined />} data-testid="duty-publish">
              {data.state === 'published' ? t('duty.republish') : t('duty.publish')}
            </Button>
          </Popconfirm>
        )}
      </div>
      {commandGaps.length ? (
        <Alert
          type="error"
          showIcon
          className="duty-gaps"
          data-testid="duty-gaps"
          message={t('duty.gapsTitle', { count: commandGaps.length })}
          description={
            <ul className="duty-gap-list">
              {commandGaps.slice(0, 12).map((g) => (
                <li key={`${g.postId}${g.from}`} data-testid="duty-gap">
                  <b>{g.postName}</b> {gapText(g, hours)}
                </li>
              ))}
              {commandGaps.length > 12 && <li>{t('duty.moreGaps', { count: commandGaps.length - 12 })}</li>}
            </ul>
          }
        />
      ) : (
        <Alert type="success" showIcon className="duty-gaps" data-testid="duty-no-gaps" message={t('duty.noGaps')} />
      )}
      {!data.posts.length ? (
        <Empty description={t('duty.noPosts')} />
      ) : (
        <div className="duty-grid-wrap">
          <table className="duty-grid" data-testid="duty-grid">
            <thead>
              <tr>
                <th className="duty-day-head">{t('duty.date')}</th>
                {data.posts.map((p) => (
                  <th key={p.id}>
                    {p.name}
                    <div className="duty-muted">
                      {t(`duty.patterns.${p.pattern}`)}
                      {p.commandCentre && <Tag color="red" className="duty-cc-tag">{t('duty.commandCentre')}</Tag>}
                    </div>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {days.map((date) => {
                const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
                const holiday = holidays.get(date);
                const rest = holiday ? holiday.kind !== 'workday' : weekday === 0 || weekday === 6;
                return (
                  <tr key={date} className={rest ? 'duty-rest' : undefined}>
                    <td className="duty-day">
                      {date.slice(5)} {t(`duty.weekdays.${weekday as 0 | 1 | 2 | 3 | 4 | 5 | 6}`)}
                      {holiday && <Tag color={holiday.kind === 'workday' ? 'default' : 'volcano'}>{t(`duty.dayKinds.${holiday.kind}`, { defaultValue: holiday.kind })}</Tag>}
                    </td>
                    {data.posts.map((p) => {
                      const gaps = p.commandCentre ? gapsOnDay(commandGaps, p.id, date) : [];
                      return (
                        <td key={p.id} className={gaps.length ? 'duty-cell duty-cell-gap' : 'duty-cell'} data-testid={`duty-cell-${p.id}-${date}`}>
                          {p.shifts.map((s) => (
                            <div key={s.code} className="duty-shift">
                              <span className="duty-shift-name">{s.name}</span>
                              {(cells.get(`${p.id}|${date}|${s.code}`) ?? []).map((a) => (
                                <Dropdown
                                  key={a.id}
                                  trigger={['click']}
                                  disabled={!canSwap(a)}
                                  menu={{ items: [{ key: 'swap', icon: <SwapOutlined />, label: <span data-testid={`duty-swap-${a.id}`}>{t('dutySwaps.request')}</span> }], onClick: () => setSwapping(a) }}
                                >
                                  <Tag className={canSwap(a) ? 'duty-person duty-person-menu' : 'duty-person'} data-testid={`duty-person-${a.id}`} closable={writer} closeIcon={<CloseOutlined data-testid="duty-unassign" />} onClose={(e) => {
                                    e.preventDefault();
                                    void act(() => dutyApi.unassign(a.id), t('duty.unassigned'));
                                  }}>
                                    {a.accountName}
                                  </Tag>
                                </Dropdown>
                              ))}
                              {writer && (
                                <Button size="small" type="text" icon={<PlusOutlined />} aria-label={t('duty.assign')} data-testid={`duty-add-${p.id}-${date}-${s.code}`} onClick={() => { setAccountId(undefined); setAdding({ post: p, date, shift: s.code }); }} />
                              )}
                            </div>
                          ))}
                          {gaps.length > 0 && (
                            <Tooltip title={gaps.map((g) => gapText(g, hours)).join('；')}>
                              <div className="duty-gap-mark">{t('duty.gap')}</div>
                            </Tooltip>
                          )}
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {swapping && (
        <SwapRequestModal
          assignment={swapping}
          roster={data}
          onClose={() => setSwapping(null)}
          onDone={() => {
            setSwapping(null);
            roster.reload();
          }}
        />
      )}
      <Modal
        open={!!adding}
        title={adding ? t('duty.assignTitle', { post: adding.post.name, date: adding.date, shift: adding.post.shifts.find((s) => s.code === adding.shift)?.name ?? adding.shift }) : ''}
        okText={t('duty.assign')}
        okButtonProps={{ disabled: !accountId, 'data-testid': 'duty-assign-ok' } as never}
        onCancel={() => setAdding(null)}
        onOk={async () => {
          if (!adding || !accountId) return;
          if (await act(() => dutyApi.assign({ postId: adding.post.id, accountId, date: adding.date, shift: adding.shift }), t('duty.assigned'))) setAdding(null);
        }}
        destroyOnHidden
      >
        {adding?.post.commandCentre && <p className="duty-muted">{t('duty.certNeeded')}</p>}
        {adding && (
          <Select showSearch optionFilterProp="label" className="duty-staff-select" placeholder={t('duty.pickStaff')} value={accountId} onChange={setAccountId} options={staffOptions(adding.post, adding.date)} data-testid="duty-staff" />
        )}
      </Modal>
    </div>
  );
}
