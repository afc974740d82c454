import { Button, Card, Segmented, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { type Notification, pathwayApi } from '../api/pathway';
import { ErrorAlert } from '../components/errors';
import { useLoad } from '../components/useLoad';
import { formatDateTime } from '../format';

const COLOR: Record<string, string> = {
  'filing.suspend': 'red',
  'filing.close': 'red',
  'deviation.identity_mismatch': 'volcano',
  'deviation.bedside_mismatch': 'volcano',
  'deviation.temperature_excursion': 'orange',
  'consent.withdrawn': 'purple',
  'product.released': 'green',
};

/** Where a notice points: the therapy's page or the filing list. */
function target(n: Notification): string | null {
  if (n.entityType === 'therapy') return `/therapies/${n.entityId}`;
  if (n.entityType === 'filing') return '/filings';
  return null;
}

/**
 * The organization's inbox: filing suspensions for the hospital, identity-mismatch and temperature deviations
 * for both sides of the chain, consent withdrawals and releases. Marking read is per organization.
 */
export function NotificationsPage() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<'unread' | 'all'>('unread');
  const list = useLoad(() => pathwayApi.notifications(filter === 'unread'), [filter]);
  const [error, setError] = useState<unknown>(null);
  const markRead = async (n: Notification) => {
    setError(null);
    try {
      await pathwayApi.markNotificationRead(n.id);
      list.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Card
      title={t('pathwayMore.inbox')}
      extra={
        <Segmented
          data-testid="notifications-filter"
          value={filter}
          onChange={(v) => setFilter(v as 'unread' | 'all')}
          options={[
            { value: 'unread', label: t('pathwayMore.unread') },
            { value: 'all', label: t('pathwayMore.all') },
          ]}
        />
      }
    >
      <ErrorAlert error={list.error ?? error} />
      <Table<Notification>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data ?? []}
        data-testid="notifications-table"
        pagination={{ pageSize: 20 }}
        columns={[
          {
            title: t('pathway.time'),
            dataIndex: 'createdAt',
            width: 160,
            render: (v: string) => formatDateTime(v),
          },
          {
            title: t('pathwayMore.kind'),
            dataIndex: 'kind',
            width: 180,
            render: (k: string) => (
              <Tag color={COLOR[k] ?? 'blue'}>{t(`pathwayMore.kinds.${k}`, { defaultValue: k })}</Tag>
            ),
          },
          {
            title: t('pathwayMore.subject'),
            dataIndex: 'subject',
            render: (s: string, n) => {
              const to = target(n);
              return to ? <Link to={to}>{s}</Link> : s;
            },
          },
          {
            title: t('common.actions'),
            key: 'read',
            width: 140,
            render: (_: unknown, n) =>
              n.readAt ? (
                <Space size={4}>
                  <Tag>{t('pathwayMore.read')}</Tag>
                </Space>
              ) : (
                <Button size="small" onClick={() => void markRead(n)} data-testid="notification-mark-read">
                  {t('pathwayMore.markRead')}
                </Button>
              ),
          },
        ]}
      />
    </Card>
  );
}
