import { Alert, App, Form, Input, Modal, Radio, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SWAP_LIMITS } from '../../../shared/duty-swaps.ts';
import type { DutyAssignment, DutyPost, DutyRoster } from '../../api/duty.ts';
import { dutySwapsApi } from '../../api/duty-swaps.ts';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { shortTime } from './duty-format.ts';

/**
 * 申请换班 from a roster cell: give the shift to someone, or exchange it for one of their shifts
 * still ahead. The server checks certificates and double-booking and names the field it refuses.
 */
export function SwapRequestModal({ assignment, roster, onClose, onDone }: { assignment: DutyAssignment; roster: DutyRoster; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [kind, setKind] = useState<'give' | 'exchange'>('give');
  const [targetId, setTargetId] = useState<string>();
  const [targetAssignmentId, setTargetAssignmentId] = useState<string>();
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const posts = new Map<string, DutyPost>(roster.posts.map((p) => [p.id, p]));
  const post = posts.get(assignment.postId);
  const shiftName = (a: DutyAssignment) => posts.get(a.postId)?.shifts.find((s) => s.code === a.shift)?.name ?? a.shift;
  const label = (a: DutyAssignment) => `${posts.get(a.postId)?.name ?? ''} · ${a.date} ${shiftName(a)}（${shortTime(a.from)}–${shortTime(a.to)}）`;
  const now = Date.now();
  const theirs = roster.assignments.filter((a) => a.accountId === targetId && Date.parse(a.from) > now);
  const staff = roster.staff
    .filter((s) => s.id !== assignment.accountId)
    .map((s) => {
      const uncertified = post?.commandCentre && (!s.certifiedUntil || s.certifiedUntil < assignment.date);
      return { value: s.id, label: `${s.displayName}（${s.username}）${uncertified ? ` · ${t('duty.uncertified')}` : ''}` };
    });

  const submit = async () => {
    if (!targetId || (kind === 'exchange' && !targetAssignmentId)) return;
    setSaving(true);
    setProblem(null);
    try {
      await dutySwapsApi.request({ assignmentId: assignment.id, targetId, ...(kind === 'exchange' ? { targetAssignmentId } : {}), ...(reason.trim() ? { reason: reason.trim() } : {}) });
      void message.success(t('dutySwaps.requested'));
      onDone();
    } catch (err) {
      setProblem(`${errorTitle(err)}: ${errorMessage(err)}`);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={t('dutySwaps.requestTitle')}
      okText={t('dutySwaps.submit')}
      okButtonProps={{ disabled: !targetId || (kind === 'exchange' && !targetAssignmentId), loading: saving, 'data-testid': 'swap-submit' } as never}
      onCancel={onClose}
      onOk={submit}
      destroyOnHidden
    >
      <p data-testid="swap-own-shift">
        <b>{t('dutySwaps.yourShift')}</b> {assignment.accountName} · {label(assignment)}
      </p>
      <Form layout="vertical">
        <Form.Item label={t('dutySwaps.kindLabel')}>
          <Radio.Group value={kind} onChange={(e) => setKind(e.target.value as 'give' | 'exchange')} data-testid="swap-kind">
            <Radio value="give">{t('dutySwaps.kinds.give')}</Radio>
            <Radio value="exchange">{t('dutySwaps.kinds.exchange')}</Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item label={t('dutySwaps.target')} required>
          <Select
            showSearch
            optionFilterProp="label"
            value={targetId}
            onChange={(v) => {
              setTargetId(v);
              setTargetAssignmentId(undefined);
            }}
            options={staff}
            placeholder={t('dutySwaps.pickTarget')}
            data-testid="swap-target"
          />
        </Form.Item>
        {kind === 'exchange' && (
          <Form.Item label={t('dutySwaps.targetShift')} required>
            <Select value={targetAssignmentId} onChange={setTargetAssignmentId} options={theirs.map((a) => ({ value: a.id, label: label(a) }))} placeholder={targetId && !theirs.length ? t('dutySwaps.noTargetShifts') : t('dutySwaps.pickTargetShift')} data-testid="swap-target-shift" />
          </Form.Item>
        )}
        <Form.Item label={t('dutySwaps.reason')}>
          <Input.TextArea rows={2} maxLength={SWAP_LIMITS.reason} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="swap-reason" />
        </Form.Item>
      </Form>
      {post?.commandCentre && <p className="duty-muted">{t('duty.certNeeded')}</p>}
      <p className="duty-muted">{t('dutySwaps.flow')}</p>
      {problem && <Alert type="error" showIcon message={problem} data-testid="swap-problem" />}
    </Modal>
  );
}
