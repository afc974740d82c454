import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';

export function ForbiddenPage() {
  const { t } = useTranslation();
  return (
    <Result
      status="403"
      title={t('pages.forbiddenTitle')}
      subTitle={t('pages.forbiddenText')}
      extra={
        <Link to="/">
          <Button type="primary">{t('pages.home')}</Button>
        </Link>
      }
    />
  );
}

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Result
      status="404"
      title={t('pages.notFoundTitle')}
      extra={
        <Link to="/">
          <Button type="primary">{t('pages.home')}</Button>
        </Link>
      }
    />
  );
}
