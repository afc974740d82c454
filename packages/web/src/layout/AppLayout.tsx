import {
  AlertOutlined,
  AuditOutlined,
  BankOutlined,
  BellOutlined,
  DashboardOutlined,
  DatabaseOutlined,
  DownloadOutlined,
  ExperimentOutlined,
  FileProtectOutlined,
  FundOutlined,
  HeartOutlined,
  IdcardOutlined,
  LineChartOutlined,
  LogoutOutlined,
  MedicineBoxOutlined,
  MessageOutlined,
  NodeIndexOutlined,
  SafetyOutlined,
  SearchOutlined,
  TeamOutlined,
  TranslationOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { endOf } from '@cgtlink/domain/access/index';
import { Button, Layout, Menu, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { organizationName } from '../components/names';
import { useLanguage } from '../i18n/LanguageContext';
import { usePrincipal, useSession } from '../session/SessionContext';
import { menuFor, type NavKey } from './menu';

const ICONS: Record<NavKey, ReactNode> = {
  overview: <DashboardOutlined />,
  patients: <IdcardOutlined />,
  myRecord: <IdcardOutlined />,
  audit: <AuditOutlined />,
  organizations: <BankOutlined />,
  users: <TeamOutlined />,
  laboratory: <ExperimentOutlined />,
  batches: <MedicineBoxOutlined />,
  cellBank: <DatabaseOutlined />,
  symptoms: <MessageOutlined />,
  alerts: <AlertOutlined />,
  safety: <SafetyOutlined />,
  myHealth: <HeartOutlined />,
  filings: <FileProtectOutlined />,
  notifications: <BellOutlined />,
  therapies: <NodeIndexOutlined />,
  controlCharts: <LineChartOutlined />,
  donorSearch: <SearchOutlined />,
  evaluation: <FundOutlined />,
  exports: <DownloadOutlined />,
};

function LanguageSwitch() {
  const { t } = useTranslation();
  const { language, setLanguage } = useLanguage();
  return (
    <Button
      type="text"
      icon={<TranslationOutlined />}
      data-testid="lang-switch"
      onClick={() => setLanguage(language === 'zh-CN' ? 'en' : 'zh-CN')}
      style={{ color: 'inherit' }}
    >
      {t('lang.switchTo')}
    </Button>
  );
}

/** Who is signed in: name, role and organization, as the header shows them. */
function Identity() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const principal = usePrincipal();
  // The session names the organization, so a patient account sees its hospital without the directory.
  const { organization: org } = useSession();
  return (
    <Space size="small" data-testid="identity">
      <UserOutlined />
      <Typography.Text strong data-testid="identity-name">
        {principal.displayName}
      </Typography.Text>
      <Tag color="geekblue" data-testid="identity-role">
        {t(`role.${principal.role}`)}
      </Tag>
      <Typography.Text type="secondary" data-testid="identity-organization">
        {org ? organizationName(org, language) : t(`orgKind.${principal.organizationKind}`)}
      </Typography.Text>
    </Space>
  );
}

export function AppLayout() {
  const { t } = useTranslation();
  const principal = usePrincipal();
  const { logout } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const entries = menuFor(endOf(principal.role));
  const selected = entries.find((e) => location.pathname.startsWith(e.path));
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'space-between',
          background: '#fff',
          borderBottom: '1px solid #f0f0f0',
          paddingInline: 24,
        }}
      >
        <Space>
          <Typography.Title level={4} style={{ margin: 0, color: '#0b6e69' }}>
            {t('app.name')}
          </Typography.Title>
          <Typography.Text type="secondary" className="cgt-subtitle">
            {t('app.subtitle')}
          </Typography.Text>
        </Space>
        <Space size="middle">
          <Identity />
          <LanguageSwitch />
          <Button
            icon={<LogoutOutlined />}
            data-testid="logout"
            onClick={() => void logout().then(() => navigate('/login', { replace: true }))}
          >
            {t('header.logout')}
          </Button>
        </Space>
      </Layout.Header>
      <Layout>
        <Layout.Sider width={220} theme="light" breakpoint="lg" collapsedWidth={0}>
          <Menu
            mode="inline"
            selectedKeys={selected ? [selected.key] : []}
            style={{ height: '100%', paddingTop: 8 }}
            onClick={({ key }) => {
              const target = entries.find((e) => e.key === key);
              if (target) navigate(target.path);
            }}
            items={entries.map((e) => ({
              key: e.key,
              icon: ICONS[e.key],
              label: <span data-testid={e.testId}>{t(e.labelKey)}</span>,
            }))}
          />
        </Layout.Sider>
        <Layout.Content style={{ padding: 24 }}>
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
