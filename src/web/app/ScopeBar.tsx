import { Breadcrumb } from 'antd';
import { useTranslation } from 'react-i18next';
import { useOrg } from './OrgContext.tsx';
import { pathOf } from './org-index.ts';

/** Where the sidebar selection points: 市教委 / 某大学 / 某校区 / 某楼. */
export function ScopeBar() {
  const { t } = useTranslation();
  const { index, selectedId, select } = useOrg();
  const path = pathOf(index, selectedId);
  if (!path.length) return null;
  return (
    <Breadcrumb
      className="app-scope"
      data-testid="scope-bar"
      items={path.map((e) => ({
        key: e.id,
        title: (
          <a onClick={() => select(e.id)} title={t(`enum.orgKind.${e.kind}`)}>
            {e.name}
          </a>
        ),
      }))}
    />
  );
}
