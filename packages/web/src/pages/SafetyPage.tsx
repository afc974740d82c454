import { Card, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { endpoints } from '../api/endpoints';
import type { AdverseEvent } from '../api/types';
import { ErrorAlert } from '../components/errors';
import { useLoad } from '../components/useLoad';
import { ExpeditedTag } from './FollowupPage';

/** The regulator's safety view: expedited reports with their deadlines (late ones flagged), then all events. */
export function SafetyPage() {
  const { t } = useTranslation();
  const events = useLoad(() => endpoints.adverseEvents(false), []);
  const all = events.data ?? [];
  const expedited = all.filter((e) => e.expedited.required);
  const columns = [
    {
      title: t('safety.pseudonym'),
      render: (_: unknown, e: AdverseEvent) => (
        <Link to={`/patients/${e.patientId}/followup`}>{e.pseudonym}</Link>
      ),
    },
    { title: t('safety.product'), dataIndex: 'productName' },
    { title: t('followup.term'), dataIndex: 'term' },
    { title: t('followup.grade'), dataIndex: 'grade' },
    {
      title: t('followup.seriousness'),
      render: (_: unknown, e: AdverseEvent) => e.seriousness.map((s) => t(`seriousness.${s}`)).join('、'),
    },
    {
      title: t('followup.causalityProduct'),
      render: (_: unknown, e: AdverseEvent) => t(`causality.${e.causalityProduct}`),
    },
    { title: t('safety.awareness'), dataIndex: 'awarenessDate' },
  ];
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <ErrorAlert error={events.error} />
      <Card title={t('safety.expedited')}>
        <Table<AdverseEvent>
          rowKey="id"
          size="small"
          data-testid="safety-expedited"
          loading={events.loading}
          dataSource={expedited}
          columns={[
            ...columns,
            {
              title: t('followup.expedited'),
              render: (_: unknown, e: AdverseEvent) => <ExpeditedTag ae={e} />,
            },
          ]}
        />
      </Card>
      <Card title={t('safety.allEvents')}>
        <Table<AdverseEvent>
          rowKey="id"
          size="small"
          data-testid="safety-events"
          loading={events.loading}
          dataSource={all}
          columns={[
            ...columns,
            {
              title: t('followup.expected'),
              render: (_: unknown, e: AdverseEvent) => (
                <Tag>{e.expected ? t('followup.expectedYes') : t('followup.expectedNo')}</Tag>
              ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
