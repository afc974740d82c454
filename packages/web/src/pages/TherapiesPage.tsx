import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { pathwayApi, type TherapySummary } from '../api/pathway';
import { ErrorAlert } from '../components/errors';
import { useLoad } from '../components/useLoad';
import { formatDateTime } from '../format';

/** The treatment pathways in scope: the hospital's patients, the laboratory's therapies, all for the regulator. */
export function TherapiesPage() {
  const { t } = useTranslation();
  const therapies = useLoad(() => pathwayApi.therapies(), []);
  return (
    <Card
      title={t('pathway.therapies')}
      extra={
        <Button icon={<ReloadOutlined />} onClick={therapies.reload}>
          {t('common.reload')}
        </Button>
      }
    >
      <ErrorAlert error={therapies.error} />
      <Table<TherapySummary>
        rowKey="id"
        size="middle"
        loading={therapies.loading}
        dataSource={therapies.data ?? []}
        pagination={false}
        data-testid="therapies-table"
        columns={[
          {
            title: t('pathway.patient'),
            dataIndex: 'patientPseudonym',
            render: (p: string, r) => (
              <Link to={`/therapies/${r.id}`} data-testid="therapy-open">
                {p}
              </Link>
            ),
          },
          { title: t('pathway.chainOfIdentity'), dataIndex: 'chainOfIdentity' },
          {
            title: t('pathway.technology'),
            dataIndex: 'technology',
            render: (v: TherapySummary['technology']) => t(`pathway.technologies.${v}`),
          },
          {
            title: t('pathway.state'),
            dataIndex: 'state',
            render: (s: string) => t(`pathway.stepNames.${s}`),
          },
          {
            title: t('pathway.consentStatus'),
            dataIndex: 'consentStatus',
            render: (s: string) => (
              <Tag color={s === 'active' ? 'green' : 'red'}>
                {t(s === 'active' ? 'pathway.active' : 'pathway.inactive')}
              </Tag>
            ),
          },
          { title: t('pathway.time'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
        ]}
      />
    </Card>
  );
}
