import { TreeSelect } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrgTreeNode } from '../../api/types.ts';
import { useOrg } from '../../app/OrgContext.tsx';

interface LocationSelectProps {
  value?: string;
  onChange?: (value: string | undefined) => void;
  id?: string;
}

type Node = { value: string; title: string; selectable: boolean; children: Node[] };

/** Devices sit in a campus, a building or on a floor; the levels above only group. */
function toNodes(nodes: OrgTreeNode[]): Node[] {
  return nodes.map((n) => ({ value: n.id, title: n.name, selectable: n.kind === 'campus' || n.kind === 'building' || n.kind === 'floor', children: toNodes(n.children) }));
}

export function LocationSelect({ value, onChange, id }: LocationSelectProps) {
  const { t } = useTranslation();
  const { tree } = useOrg();
  const treeData = useMemo(() => toNodes(tree), [tree]);
  return (
    <TreeSelect
      id={id}
      value={value}
      onChange={(v) => onChange?.(v ?? undefined)}
      treeData={treeData}
      showSearch={{ treeNodeFilterProp: 'title' }}
      allowClear
      placeholder={t('ledger.locationPlaceholder')}
      data-testid="device-location"
    />
  );
}
