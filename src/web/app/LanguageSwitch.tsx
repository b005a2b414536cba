import { GlobalOutlined } from '@ant-design/icons';
import { Button, Dropdown } from 'antd';
import { useTranslation } from 'react-i18next';
import { currentLanguage, LANGUAGES, setLanguage, type Language } from '../i18n/index.ts';

/** 简体中文 / English; the choice is remembered in this browser. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  const lng = currentLanguage();
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        selectable: true,
        selectedKeys: [lng],
        items: LANGUAGES.map((l) => ({ key: l, label: <span data-testid={`lang-${l}`}>{t(`lang.${l}`)}</span> })),
        onClick: ({ key }) => setLanguage(key as Language),
      }}
    >
      <Button type="text" className="header-button" icon={<GlobalOutlined />} aria-label={t('header.language')} data-testid="lang-switch">
        {t(`lang.${lng}`)}
      </Button>
    </Dropdown>
  );
}
