import { ApartmentOutlined, BankOutlined, BuildOutlined, EnvironmentOutlined, HomeOutlined, NodeIndexOutlined } from '@ant-design/icons';
import { Button, Empty, Spin, Tree, Typography } from 'antd';
import type { TreeDataNode } from 'antd';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrgKind } from '../../shared/domain.ts';
import type { OrgTreeNode } from '../api/types.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { useOrg } from './OrgContext.tsx';
import { pathOf } from './org-index.ts';

const KIND_ICON: Record<OrgKind, ReactNode> = {
  commission: <BankOutlined />,
  university: <HomeOutlined />,
  campus: <EnvironmentOutlined />,
  building: <BuildOutlined />,
  floor: <NodeIndexOutlined />,
  area: <ApartmentOutlined />,
};

function toTreeData(nodes: OrgTreeNode[]): TreeDataNode[] {
  return nodes.map((n) => ({ key: n.id, title: n.name, icon: KIND_ICON[n.kind], children: toTreeData(n.children), isLeaf: n.children.length === 0 }));
}

/** The organization tree; picking a node scopes the map and the ledger to it. */
export function OrgTreePanel() {
  const { t } = useTranslation();
  const { tree, index, loading, error, reload, selectedId, select } = useOrg();
  const treeData = useMemo(() => toTreeData(tree), [tree]);
  const [expanded, setExpanded] = useState<string[]>([]);

  // Open the commission and universities, and the way down to a remembered selection.
  useEffect(() => {
    const open = [...index.values()].filter((e) => e.kind === 'commission' || e.kind === 'university').map((e) => e.id);
    const towardSelection = pathOf(index, selectedId).slice(0, -1).map((e) => e.id);
    setExpanded([...new Set([...open, ...towardSelection])]);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [index]);

  return (
    <div className="org-panel" data-testid="org-tree">
      <div className="org-panel-head">
        <Typography.Text strong>{t('org.title')}</Typography.Text>
        <Button size="small" type="link" onClick={() => select(null)} disabled={!selectedId}>
          {t('org.showAll')}
        </Button>
      </div>
      {error && <ErrorAlert error={error} title={t('org.loadFailed')} onRetry={reload} />}
      {loading && !tree.length && <Spin className="org-panel-spin" />}
      {!loading && !error && !tree.length && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('org.empty')} />}
      {treeData.length > 0 && (
        <Tree
          showIcon
          blockNode
          treeData={treeData}
          expandedKeys={expanded}
          onExpand={(keys) => setExpanded(keys.map(String))}
          selectedKeys={selectedId ? [selectedId] : []}
          onSelect={(keys) => select(keys.length ? String(keys[0]) : null)}
        />
      )}
    </div>
  );
}
