import { App } from 'antd';
import { useCallback, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Closing a form with unsaved changes (Esc, a click outside, the close button) asks first: a
 * half-written rule or device must not vanish by a stray key (issue 10, item 13). One question
 * at a time: a second Esc or click while it is asked does not stack another one behind it.
 */
export function useConfirmDiscard(): (dirty: boolean, close: () => void) => void {
  const { modal } = App.useApp();
  const { t } = useTranslation();
  const asking = useRef(false);
  return useCallback(
    (dirty, close) => {
      if (!dirty) return close();
      if (asking.current) return;
      asking.current = true;
      modal.confirm({
        title: t('common.discardTitle'),
        content: t('common.discardBody'),
        okText: t('common.discard'),
        cancelText: t('common.keepEditing'),
        okButtonProps: { danger: true, 'data-testid': 'discard-confirm' } as never,
        onOk: () => {
          asking.current = false;
          close();
        },
        onCancel: () => {
          asking.current = false;
        },
      });
    },
    [modal, t],
  );
}
