import { Select, Spin } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { devicesApi } from '../../api/endpoints.ts';
import type { Device } from '../../api/types.ts';

interface DeviceSearchSelectProps {
  value?: string | string[];
  onChange?: (value: string | string[] | undefined) => void;
  multiple?: boolean;
  universityId?: string;
  placeholder?: string;
  id?: string;
  'data-testid'?: string;
}

type Option = { value: string; label: string };

/** Devices found by name as the user types (the ledger search); chosen ones keep their names. */
export function DeviceSearchSelect({ value, onChange, multiple, universityId, placeholder, id, ...rest }: DeviceSearchSelectProps) {
  const { t } = useTranslation();
  const [found, setFound] = useState<Option[]>([]);
  const [known, setKnown] = useState<Map<string, string>>(new Map());
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);

  const remember = (devices: Pick<Device, 'id' | 'name'>[]) =>
    setKnown((m) => {
      const next = new Map(m);
      for (const d of devices) next.set(d.id, d.name);
      return next;
    });

  const search = async (q: string) => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const page = await devicesApi.list({ q: q.trim() || undefined, universityId, pageSize: 20, page: 1, sort: 'name', order: 'asc' });
      if (mine !== seq.current) return;
      remember(page.items);
      setFound(page.items.map((d) => ({ value: d.id, label: d.name })));
    } catch {
      if (mine === seq.current) setFound([]);
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  };

  // Names of chosen devices the search has not shown (a rule opened for editing).
  const chosen = useMemo(() => (value === undefined ? [] : Array.isArray(value) ? value : [value]), [value]);
  useEffect(() => {
    const missing = chosen.filter((d) => !known.has(d));
    if (!missing.length) return;
    void Promise.all(missing.slice(0, 50).map((d) => devicesApi.get(d).catch(() => ({ id: d, name: d })))).then(remember);
  }, [chosen, known]);

  useEffect(() => {
    void search('');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [universityId]);

  const options = useMemo(() => {
    const ids = new Set(found.map((o) => o.value));
    return [...chosen.filter((d) => !ids.has(d)).map((d) => ({ value: d, label: known.get(d) ?? d })), ...found];
  }, [found, chosen, known]);

  return (
    <Select<string | string[]>
      id={id}
      mode={multiple ? 'multiple' : undefined}
      allowClear
      value={value}
      onChange={(v) => onChange?.(v ?? undefined)}
      options={options}
      showSearch={{ filterOption: false, onSearch: (q) => void search(q) }}
      placeholder={placeholder ?? t('rules.form.devicePlaceholder')}
      notFoundContent={loading ? <Spin size="small" /> : undefined}
      data-testid={rest['data-testid']}
    />
  );
}
