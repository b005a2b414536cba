import { DownloadOutlined, ExperimentOutlined, PlusOutlined, ReloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Modal, Popconfirm, Select, Space, Switch, Table, Tabs, Tag, Tooltip, Typography, Upload } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldProblem } from '../../../shared/error-codes.ts';
import { ApiError } from '../../api/client.ts';
import { rulesApi, type AlarmRule } from '../../api/rules.ts';
import { useOrg } from '../../app/OrgContext.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { errorMessage, errorTitle } from '../../components/errors.ts';
import { formatDateTime } from '../../components/format.ts';
import { useApi } from '../../components/useApi.ts';
import { priorityLabel, translateDynamic } from '../../i18n/index.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { priorityColor } from '../alarms/alarm-format.ts';
import { problemMessage } from '../ledger/form-errors.ts';
import { CalendarPanel } from './CalendarPanel.tsx';
import { RuleEditorDrawer, type EditorTab } from './RuleEditorDrawer.tsx';
import { alarmActionOf, problemsByRule, rulesInFile, scopeCount, triggerSummary } from './rule-form.ts';
import { kindLabel } from './RuleFormFields.tsx';
import './rules.css';

/** "2 分钟", "30 秒", "1 小时" for a window in seconds. */
function useDuration() {
  const { t } = useTranslation();
  return (s: number) => (s % 3600 === 0 ? t('rules.duration.hours', { n: s / 3600 }) : s % 60 === 0 ? t('rules.duration.minutes', { n: s / 60 }) : t('rules.duration.seconds', { n: s }));
}

/** The trigger in one plain sentence: 发生紧急求助时 · 同一设备 2 分钟内拒绝通行达 5 次. */
export function TriggerText({ rule }: { rule: AlarmRule }) {
  const { t } = useTranslation();
  const duration = useDuration();
  const s = triggerSummary(rule.definition.trigger);
  const kinds = s.kinds.map(kindLabel).join(t('rules.summary.or'));
  let text: string;
  if (s.key === 'event') text = t('rules.summary.event', { kinds });
  else if (s.key === 'count') text = t('rules.summary.count', { kinds, window: duration(s.windowSeconds), threshold: s.threshold });
  else if (s.key === 'absence') text = t('rules.summary.absence', { kinds, from: s.from, by: s.by });
  else text = t('rules.summary.other', { type: s.type, kinds });
  const scoped = scopeCount(rule.definition.trigger) > 0;
  return (
    <span data-testid="rule-trigger-summary">
      {text}
      {scoped && <Tag className="rule-scope-tag">{t('rules.summary.scoped')}</Tag>}
      {rule.definition.schedule && <Tag color="purple">{t('rules.summary.scheduled')}</Tag>}
    </span>
  );
}

interface ImportOutcome {
  names: string[];
  problems: Map<number | null, FieldProblem[]>;
  error?: unknown;
}

/** 联动规则: the rules of the university, their editor, import/export, and the school calendar. */
export function RulesView() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can, state } = useAuth();
  const { index, scope } = useOrg();
  const canWrite = can('rule.write');
  const own = state.status === 'authenticated' ? state.session.user.universityId : null;
  const universities = useMemo(() => [...index.values()].filter((e) => e.kind === 'university'), [index]);
  const [picked, setPicked] = useState<string>();
  // A university account works in its own; a city-wide one in the sidebar's, the picked one, or the only one.
  const universityId = own ?? scope.universityId ?? picked ?? (universities.length === 1 ? universities[0].id : undefined);
  const needsUniversity = !universityId;
  const [tab, setTab] = useState('rules');
  const [editing, setEditing] = useState<{ rule: AlarmRule | null; tab: EditorTab } | null>(null);
  const [importing, setImporting] = useState<ImportOutcome | null>(null);
  const { data, error, loading, reload } = useApi((signal) => rulesApi.list(own ? undefined : universityId, signal), [universityId, own]);

  const toggle = async (rule: AlarmRule, enabled: boolean) => {
    try {
      await rulesApi.update(rule.id, { ...rule.definition, enabled });
      void message.success(t(enabled ? 'rules.enabledOn' : 'rules.enabledOff', { name: rule.definition.name }));
      reload();
    } catch (err) {
      void message.error(t('validation.fieldProblem', { field: errorTitle(err), message: errorMessage(err) }));
    }
  };

  const remove = async (rule: AlarmRule) => {
    try {
      await rulesApi.remove(rule.id);
      void message.success(t('rules.deleted'));
      reload();
    } catch (err) {
      void message.error(t('validation.fieldProblem', { field: errorTitle(err), message: errorMessage(err) }));
    }
  };

  const exportRules = async () => {
    try {
      const body = await rulesApi.exportRules(own ? undefined : universityId);
      const url = URL.createObjectURL(new Blob([JSON.stringify(body, null, 2)], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `xiaoan-rules-${new Date().toISOString().slice(0, 10)}.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (err) {
      void message.error(t('validation.fieldProblem', { field: errorTitle(err), message: errorMessage(err) }));
    }
  };

  const importFile = async (file: File) => {
    let rules: unknown[];
    try {
      rules = rulesInFile(await file.text());
    } catch (err) {
      setImporting({ names: [], problems: new Map(), error: new Error(t('rules.import.notJson', { message: (err as Error).message })) });
      return;
    }
    const names = rules.map((r, i) => (r && typeof r === 'object' && typeof (r as { name?: unknown }).name === 'string' ? (r as { name: string }).name : t('rules.import.ruleN', { n: i + 1 })));
    try {
      const created = await rulesApi.importRules(rules, universityId);
      void message.success(t('rules.import.done', { count: created.length }));
      setImporting(null);
      reload();
    } catch (err) {
      if (err instanceof ApiError && err.details.length) setImporting({ names, problems: problemsByRule(err.details) });
      else setImporting({ names, problems: new Map(), error: err });
    }
  };

  const multiUniversity = !own && universities.length > 1;
  const columns = [
    {
      key: 'name',
      title: t('rules.column.name'),
      render: (_: unknown, r: AlarmRule) => (
        <Space direction="vertical" size={0}>
          <a onClick={() => setEditing({ rule: r, tab: 'form' })} data-testid="rule-name-link">
            {r.definition.name}
          </a>
          {multiUniversity && <Typography.Text type="secondary">{index.get(r.universityId)?.name}</Typography.Text>}
        </Space>
      ),
    },
    {
      key: 'enabled',
      title: t('rules.column.enabled'),
      width: 80,
      render: (_: unknown, r: AlarmRule) => <Switch checked={r.definition.enabled} disabled={!canWrite} onChange={(on) => void toggle(r, on)} data-testid="rule-enabled-switch" />,
    },
    { key: 'trigger', title: t('rules.column.trigger'), render: (_: unknown, r: AlarmRule) => <TriggerText rule={r} /> },
    {
      key: 'priority',
      title: t('rules.column.priority'),
      width: 100,
      render: (_: unknown, r: AlarmRule) => {
        const a = alarmActionOf(r.definition);
        return a ? (
          <Tooltip title={translateDynamic(`alarms.type.${a.alarmType}`, a.alarmType)}>
            <Tag color={priorityColor(a.priority)}>{priorityLabel(a.priority)}</Tag>
          </Tooltip>
        ) : (
          <Typography.Text type="secondary">{t('rules.noAlarm')}</Typography.Text>
        );
      },
    },
    {
      key: 'actions',
      title: t('rules.column.actions'),
      render: (_: unknown, r: AlarmRule) => (r.definition.actions ?? []).map((a) => translateDynamic(`alarms.actionType.${a.type}`, a.type)).join(t('alarms.sep')),
    },
    {
      key: 'updatedAt',
      title: t('rules.column.updatedAt'),
      width: 190,
      render: (_: unknown, r: AlarmRule) => (
        <span>
          {formatDateTime(r.updatedAt)} <Typography.Text type="secondary">v{r.version}</Typography.Text>
        </span>
      ),
    },
    {
      key: 'ops',
      title: t('common.actions'),
      width: 190,
      render: (_: unknown, r: AlarmRule) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => setEditing({ rule: r, tab: 'form' })} data-testid="rule-edit">
            {canWrite ? t('common.edit') : t('common.details')}
          </Button>
          <Button type="link" size="small" icon={<ExperimentOutlined />} onClick={() => setEditing({ rule: r, tab: 'dryRun' })} data-testid="rule-dry-run">
            {t('rules.tab.dryRun')}
          </Button>
          {canWrite && (
            <Popconfirm title={t('rules.confirmDelete', { name: r.definition.name })} onConfirm={() => void remove(r)}>
              <Button type="link" size="small" danger data-testid="rule-delete">
                {t('common.delete')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  const rulesTab = (
    <>
      <div className="view-toolbar">
        {canWrite && (
          <Button type="primary" icon={<PlusOutlined />} disabled={needsUniversity} onClick={() => setEditing({ rule: null, tab: 'form' })} data-testid="rule-create">
            {t('rules.create')}
          </Button>
        )}
        {canWrite && (
          <Upload accept=".json,application/json" showUploadList={false} disabled={needsUniversity} beforeUpload={(file) => (void importFile(file), false)}>
            <Button icon={<UploadOutlined />} disabled={needsUniversity} data-testid="rule-import">
              {t('rules.import.button')}
            </Button>
          </Upload>
        )}
        <Button icon={<DownloadOutlined />} onClick={() => void exportRules()} data-testid="rule-export">
          {t('rules.export')}
        </Button>
        <Button icon={<ReloadOutlined />} onClick={reload}>
          {t('common.refresh')}
        </Button>
        <span className="view-toolbar-spacer" />
        <Typography.Text type="secondary">{t('common.total', { total: data?.length ?? 0 })}</Typography.Text>
      </div>
      {error && <ErrorAlert error={error} onRetry={reload} />}
      <Table<AlarmRule> rowKey="id" size="middle" loading={loading} columns={columns} dataSource={data ?? []} pagination={false} data-testid="rules-table" rowClassName={(r) => (r.definition.enabled ? '' : 'rule-disabled')} />
    </>
  );

  return (
    <div className="rules-view" data-testid="rules-view">
      {!own && universities.length > 1 && !scope.universityId && (
        <Space className="rules-university">
          <Typography.Text>{t('rules.university')}</Typography.Text>
          <Select className="rules-university-select" value={picked} onChange={setPicked} placeholder={t('rules.pickUniversity')} options={universities.map((u) => ({ value: u.id, label: u.name }))} />
        </Space>
      )}
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          { key: 'rules', label: <span data-testid="rules-tab-rules">{t('rules.tab.rules')}</span>, children: rulesTab },
          {
            key: 'calendar',
            label: <span data-testid="rules-tab-calendar">{t('rules.tab.calendar')}</span>,
            children: <CalendarPanel universityId={own ? undefined : universityId} canWrite={canWrite} needsUniversity={needsUniversity} />,
          },
        ]}
      />
      <RuleEditorDrawer
        open={!!editing}
        rule={editing?.rule ?? null}
        tab={editing?.tab}
        universityId={own ? undefined : universityId}
        canWrite={canWrite}
        onClose={() => setEditing(null)}
        onSaved={() => reload()}
      />
      <Modal open={!!importing} title={t('rules.import.failed')} onCancel={() => setImporting(null)} footer={<Button onClick={() => setImporting(null)}>{t('common.close')}</Button>} data-testid="rule-import-result">
        {importing?.error !== undefined && <Alert type="error" showIcon title={errorTitle(importing.error)} description={errorMessage(importing.error)} />}
        {importing && importing.problems.size > 0 && (
          <>
            <Typography.Paragraph>{t('rules.import.nothingWritten')}</Typography.Paragraph>
            <ul className="rule-import-problems" data-testid="rule-import-problems">
              {[...importing.problems.entries()].map(([i, list]) => (
                <li key={String(i)}>
                  <Typography.Text strong>{i === null ? t('rules.import.whole') : t('rules.import.ruleAt', { n: i + 1, name: importing.names[i] ?? '' })}</Typography.Text>
                  <ul>
                    {list.map((p, k) => (
                      <li key={k}>
                        <Typography.Text code>{p.field.replace(/^rules\[\d+\]\.?/, '') || t('rules.json.root')}</Typography.Text> {problemMessage(p, t)}
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          </>
        )}
      </Modal>
    </div>
  );
}
