import { Card, Descriptions, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import type { User } from '../api/types';
import { ErrorAlert } from '../components/errors';
import { SpecificationsCard } from '../components/SpecificationsCard';
import { useLoad } from '../components/useLoad';
import { formatDateTime } from '../format';
import { usePrincipal } from '../session/SessionContext';

/** The laboratory end: its own organization and staff (the users route is scoped to the own organization). */
export function LaboratoryPage() {
  const { t } = useTranslation();
  const principal = usePrincipal();
  const orgs = useLoad(() => endpoints.organizations(), []);
  const users = useLoad(() => endpoints.users(), []);
  const org = orgs.data?.find((o) => o.id === principal.organizationId);
  const staff = (users.data ?? []).filter((u) => u.organizationId === principal.organizationId);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card title={t('lab.organization')} loading={orgs.loading}>
        <ErrorAlert error={orgs.error} />
        {org && (
          <Descriptions bordered column={{ xs: 1, md: 2 }} data-testid="lab-organization">
            <Descriptions.Item label={t('org.code')}>{org.code}</Descriptions.Item>
            <Descriptions.Item label={t('org.kind')}>{t(`orgKind.${org.kind}`)}</Descriptions.Item>
            <Descriptions.Item label={t('org.nameZh')}>{org.nameZh}</Descriptions.Item>
            <Descriptions.Item label={t('org.nameEn')}>{org.nameEn}</Descriptions.Item>
            <Descriptions.Item label={t('common.status')}>
              <Tag color={org.active ? 'green' : 'default'}>
                {t(org.active ? 'common.active' : 'common.inactive')}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('org.updatedAt')}>{formatDateTime(org.updatedAt)}</Descriptions.Item>
          </Descriptions>
        )}
      </Card>
      <Card title={t('lab.users')}>
        <ErrorAlert error={users.error} />
        <Table<User>
          rowKey="id"
          size="middle"
          loading={users.loading}
          dataSource={staff}
          pagination={false}
          data-testid="lab-users"
          columns={[
            { title: t('user.username'), dataIndex: 'username' },
            { title: t('user.displayName'), dataIndex: 'displayName' },
            { title: t('user.role'), dataIndex: 'role', render: (r: User['role']) => t(`role.${r}`) },
            {
              title: t('common.status'),
              dataIndex: 'active',
              render: (active: boolean) => (
                <Tag color={active ? 'green' : 'default'}>
                  {t(active ? 'common.active' : 'common.inactive')}
                </Tag>
              ),
            },
          ]}
        />
      </Card>
      <SpecificationsCard />
    </Space>
  );
}
