import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage, errorTitle } from './errors.ts';

interface ErrorAlertProps {
  error: unknown;
  /** What failed, e.g. "地图数据加载失败"; defaults to the error code's text. */
  title?: string;
  onRetry?: () => void;
}

/** A failed request: what failed, the error code's text and the server's message. */
export function ErrorAlert({ error, title, onRetry }: ErrorAlertProps) {
  const { t } = useTranslation();
  return (
    <Alert
      type="error"
      showIcon
      title={title ?? errorTitle(error)}
      description={title ? t('validation.fieldProblem', { field: errorTitle(error), message: errorMessage(error) }) : errorMessage(error)}
      action={onRetry ? <Button size="small" onClick={onRetry}>{t('common.retry')}</Button> : undefined}
      data-testid="error-alert"
    />
  );
}
