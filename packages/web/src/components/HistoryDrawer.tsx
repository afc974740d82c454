import { Drawer, Empty, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import type { ChangeLine } from '../api/types';
import { formatDateTime, formatValue } from '../format';
import { ErrorAlert } from './errors';
import { useLoad } from './useLoad';

export interface HistoryTarget {
  entityType: string;
  entityId: string;
}

/**
 * "Who changed this record, when, from what to what": /api/audit/history, oldest first — or, for a record whose
 * history its own readers may see (a therapy), the loader the page passes.
 */
export function HistoryDrawer({
  target,
  onClose,
  load,
}: {
  target: HistoryTarget | null;
  onClose(): void;
  load?: (target: HistoryTarget) => Promise<ChangeLine[]>;
}) {
  const { t } = useTranslation();
  const history = useLoad(
    () =>
      target
        ? load
          ? load(target)
          : endpoints.history(target.entityType, target.entityId)
        : Promise.resolve([]),
    [target?.entityType, target?.entityId],
  );
  return (
    <Drawer
      open={target !== null}
      onClose={onClose}
      size={760}
      destroyOnHidden
      title={
        target
          ? t('audit.historyTitle', {
              entity: t(`entity.${target.entityType}`, { defaultValue: target.entityType }),
              id: target.entityId,
            })
          : ''
      }
      data-testid="history-drawer"
    >
      <ErrorAlert error={history.error} />
      <Table<ChangeLine>
        size="small"
        loading={history.loading}
        dataSource={history.data ?? []}
        rowKey={(line) => `${line.at}|${line.field ?? ''}|${line.action}`}
        pagination={false}
        locale={{ emptyText: <Empty description={t('audit.historyEmpty')} /> }}
        columns={[
          { title: t('audit.when'), dataIndex: 'at', width: 140, render: (v: string) => formatDateTime(v) },
          { title: t('audit.who'), dataIndex: 'who' },
          {
            title: t('audit.action'),
            dataIndex: 'action',
            render: (v: string) => <Tag>{t(`action.${v}`, { defaultValue: v })}</Tag>,
          },
          { title: t('audit.field'), dataIndex: 'field', render: (v: string | null) => v ?? '—' },
          { title: t('audit.from'), dataIndex: 'from', render: (v: unknown) => formatValue(v) },
          { title: t('audit.to'), dataIndex: 'to', render: (v: unknown) => formatValue(v) },
          { title: t('common.reason'), dataIndex: 'reason', render: (v: string | null) => v ?? '' },
        ]}
      />
    </Drawer>
  );
}
