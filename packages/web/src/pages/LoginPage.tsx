import { LockOutlined, TranslationOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '../api/client';
import { describeError } from '../components/errors';
import { useLanguage } from '../i18n/LanguageContext';
import { useSession } from '../session/SessionContext';

interface Credentials {
  username: string;
  password: string;
}

/** Sign-in: the server answers 401 alike for a wrong password, an unknown or a disabled account. */
export function LoginPage() {
  const { t } = useTranslation();
  const { language, setLanguage } = useLanguage();
  const { status, login, expired } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  if (status === 'signedIn') return <Navigate to="/" replace />;
  const from = (location.state as { from?: string } | null)?.from;

  const submit = async ({ username, password }: Credentials) => {
    setSubmitting(true);
    setError(null);
    try {
      await login(username, password);
      navigate(from && from !== '/login' ? from : '/', { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setError(t('login.wrongCredentials'));
      else if (e instanceof ApiError && e.status === 429) {
        const minutes = Math.max(1, Math.ceil((e.problem.retryAfterSeconds ?? 60) / 60));
        setError(t('login.throttled', { minutes }));
      } else {
        const { title, detail } = describeError(t, e);
        setError(detail ? `${title}: ${detail}` : title);
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <div
      style={{
        minHeight: '100vh',
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        background: 'linear-gradient(160deg, #e6f4f1 0%, #f5f7fa 60%)',
      }}
    >
      <Card style={{ width: 400 }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline' }}>
          <Typography.Title level={3} style={{ color: '#0b6e69', marginTop: 0 }}>
            {t('app.name')}
          </Typography.Title>
          <Button
            type="link"
            icon={<TranslationOutlined />}
            data-testid="lang-switch"
            onClick={() => setLanguage(language === 'zh-CN' ? 'en' : 'zh-CN')}
          >
            {t('lang.switchTo')}
          </Button>
        </div>
        <Typography.Paragraph type="secondary">{t('app.subtitle')}</Typography.Paragraph>
        <Typography.Title level={4}>{t('login.title')}</Typography.Title>
        {expired && !error && (
          <Alert type="warning" showIcon title={t('login.sessionExpired')} style={{ marginBottom: 16 }} />
        )}
        {error && (
          <Alert type="error" showIcon title={error} data-testid="login-error" style={{ marginBottom: 16 }} />
        )}
        <Form<Credentials> layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item
            name="username"
            label={t('login.username')}
            rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-username" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('login.password')}
            rules={[{ required: true, message: t('login.passwordRequired') }]}
          >
            <Input.Password
              prefix={<LockOutlined />}
              autoComplete="current-password"
              data-testid="login-password"
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={submitting} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
