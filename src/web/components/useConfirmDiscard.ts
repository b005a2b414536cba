import { App } from 'antd';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Closing a form with unsaved changes (Esc, a click outside, the close button) asks first: a
 * half-written rule or device must not vanish by a stray key (issue 10, item 13).
 */
export function useConfirmDiscard(): (dirty: boolean, close: () => void) => void {
  const { modal } = App.useApp();
  const { t } = useTranslation();
  return useCallback(
    (dirty, close) => {
      if (!dirty) return close();
      modal.confirm({
        title: t('common.discardTitle'),
        content: t('common.discardBody'),
        okText: t('common.discard'),
        cancelText: t('common.keepEditing'),
        okButtonProps: { danger: true, 'data-testid': 'discard-confirm' } as never,
        onOk: close,
      });
    },
    [modal, t],
  );
}
