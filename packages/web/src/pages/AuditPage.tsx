import { ReloadOutlined, SafetyCertificateOutlined, SearchOutlined } from '@ant-design/icons';
import {
  AutoComplete,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import type { AuditRecord, VerifyReport } from '../api/types';
import { ErrorAlert, useReportError } from '../components/errors';
import { HistoryDrawer, type HistoryTarget } from '../components/HistoryDrawer';
import { useLoad } from '../components/useLoad';
import { VerifyResult } from '../components/VerifyResult';
import { DATE_TIME_FORMAT, formatDateTime, formatValue } from '../format';

const PAGE = 50;
// The record types and actions the services write today (packages/server/src/*/…service.ts).
const ENTITY_TYPES = ['organization', 'user', 'patient', 'signature'] as const;
const ACTIONS = ['create', 'update', 'read', 'sign'] as const;

interface FilterForm {
  entityType?: string;
  entityId?: string;
  actorUserId?: string;
  action?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

interface Filter {
  entityType?: string;
  entityId?: string;
  actorUserId?: string;
  action?: string;
  from?: string;
  to?: string;
}

function toFilter(values: FilterForm): Filter {
  const [from, to] = values.range ?? [null, null];
  return {
    ...(values.entityType?.trim() && { entityType: values.entityType.trim() }),
    ...(values.entityId?.trim() && { entityId: values.entityId.trim() }),
    ...(values.actorUserId && { actorUserId: values.actorUserId }),
    ...(values.action && { action: values.action }),
    ...(from && { from: from.toISOString() }),
    ...(to && { to: to.toISOString() }),
  };
}

function Changes({ record }: { record: AuditRecord }) {
  const { t } = useTranslation();
  const fields = [
    ...new Set([...Object.keys(record.oldValues ?? {}), ...Object.keys(record.newValues ?? {})]),
  ];
  if (fields.length === 0) return <Typography.Text type="secondary">{t('common.none')}</Typography.Text>;
  return (
    <Table
      size="small"
      pagination={false}
      rowKey="field"
      dataSource={fields.map((field) => ({
        field,
        from: formatValue(record.oldValues?.[field]),
        to: formatValue(record.newValues?.[field]),
      }))}
      columns={[
        { title: t('audit.field'), dataIndex: 'field' },
        { title: t('audit.oldValues'), dataIndex: 'from' },
        { title: t('audit.newValues'), dataIndex: 'to' },
      ]}
    />
  );
}

/** The audit trail for the regulator and the administrator: filter, newest first, keyset "load more". */
export function AuditPage() {
  const { t } = useTranslation();
  const reportError = useReportError();
  const [form] = Form.useForm<FilterForm>();
  const [filter, setFilter] = useState<Filter>({});
  const [rows, setRows] = useState<AuditRecord[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [exhausted, setExhausted] = useState(false);
  const [history, setHistory] = useState<HistoryTarget | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [report, setReport] = useState<VerifyReport | null>(null);
  const users = useLoad(() => endpoints.users(), []);

  const load = useCallback(async (current: Filter, before: number | undefined) => {
    setLoading(true);
    try {
      const page = await endpoints.audit({
        ...current,
        limit: PAGE,
        ...(before !== undefined && { before }),
      });
      setRows((previous) => (before === undefined ? page : [...previous, ...page]));
      setExhausted(page.length < PAGE);
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(filter, undefined);
  }, [load, filter]);

  // The users list is scoped to the reader's organization, so actors seen in the entries are offered too.
  const actorOptions = useMemo(() => {
    const names = new Map<string, string>();
    for (const u of users.data ?? []) names.set(u.id, `${u.displayName} (${u.username})`);
    for (const r of rows)
      if (r.actorUserId && !names.has(r.actorUserId)) names.set(r.actorUserId, r.actorName);
    return [...names].map(([value, label]) => ({ value, label }));
  }, [users.data, rows]);

  const verify = async () => {
    setVerifying(true);
    try {
      setReport(await endpoints.verifyAudit());
    } catch (e) {
      reportError(e);
    } finally {
      setVerifying(false);
    }
  };

  return (
    <Card
      title={t('audit.title')}
      extra={
        <Button
          icon={<SafetyCertificateOutlined />}
          loading={verifying}
          onClick={() => void verify()}
          data-testid="audit-verify"
        >
          {t('audit.verify')}
        </Button>
      }
    >
      {report && <VerifyResult report={report} />}
      <Form<FilterForm>
        form={form}
        layout="inline"
        onFinish={(values) => setFilter(toFilter(values))}
        style={{ marginBottom: 16, rowGap: 8 }}
      >
        <Form.Item name="entityType" label={t('audit.entityType')}>
          <AutoComplete
            allowClear
            style={{ width: 150 }}
            data-testid="audit-filter-type"
            options={ENTITY_TYPES.map((e) => ({ value: e, label: t(`entity.${e}`) }))}
          />
        </Form.Item>
        <Form.Item name="entityId" label={t('audit.entityId')}>
          <Input allowClear style={{ width: 300 }} data-testid="audit-filter-id" />
        </Form.Item>
        <Form.Item name="actorUserId" label={t('audit.actor')}>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            style={{ width: 220 }}
            options={actorOptions}
          />
        </Form.Item>
        <Form.Item name="action" label={t('audit.action')}>
          <Select
            allowClear
            style={{ width: 120 }}
            options={ACTIONS.map((a) => ({ value: a, label: t(`action.${a}`) }))}
          />
        </Form.Item>
        <Form.Item name="range" label={t('audit.timeRange')}>
          <DatePicker.RangePicker
            showTime={{ format: 'HH:mm' }}
            format={DATE_TIME_FORMAT}
            allowEmpty={[true, true]}
          />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="audit-search">
              {t('common.search')}
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                setFilter({});
              }}
            >
              {t('common.reset')}
            </Button>
            <Button icon={<ReloadOutlined />} onClick={() => void load(filter, undefined)}>
              {t('common.reload')}
            </Button>
          </Space>
        </Form.Item>
      </Form>
      <ErrorAlert error={error} />
      <Table<AuditRecord>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={rows}
        pagination={false}
        data-testid="audit-table"
        expandable={{ expandedRowRender: (record) => <Changes record={record} /> }}
        columns={[
          { title: '#', dataIndex: 'id', key: 'id', width: 70 },
          {
            title: t('audit.occurredAt'),
            dataIndex: 'occurredAt',
            key: 'occurredAt',
            width: 150,
            render: (v: string) => formatDateTime(v),
          },
          { title: t('audit.actor'), dataIndex: 'actorName', key: 'actorName' },
          {
            title: t('audit.role'),
            dataIndex: 'role',
            key: 'role',
            render: (r: string | null) => (r ? t(`role.${r}`, { defaultValue: r }) : '—'),
          },
          {
            title: t('audit.action'),
            dataIndex: 'action',
            key: 'action',
            render: (a: string) => <Tag>{t(`action.${a}`, { defaultValue: a })}</Tag>,
          },
          {
            title: t('audit.entityType'),
            dataIndex: 'entityType',
            key: 'entityType',
            render: (e: string) => t(`entity.${e}`, { defaultValue: e }),
          },
          {
            title: t('audit.entityId'),
            dataIndex: 'entityId',
            key: 'entityId',
            render: (id: string | null, record: AuditRecord) =>
              id ? (
                <Button
                  type="link"
                  size="small"
                  style={{ padding: 0 }}
                  data-testid="audit-open-history"
                  onClick={() => setHistory({ entityType: record.entityType, entityId: id })}
                >
                  <Typography.Text code>{id.slice(0, 8)}</Typography.Text>
                </Button>
              ) : (
                '—'
              ),
          },
          {
            title: t('audit.seal'),
            dataIndex: 'sealed',
            key: 'sealed',
            render: (sealed: boolean) => (
              <Tag color={sealed ? 'green' : 'gold'}>{t(sealed ? 'audit.sealed' : 'audit.unsealed')}</Tag>
            ),
          },
        ]}
      />
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginTop: 16 }}>
        <Typography.Text type="secondary" data-testid="audit-count">
          {t('audit.loaded', { count: rows.length })}
        </Typography.Text>
        <Button
          onClick={() => void load(filter, rows.at(-1)?.id)}
          disabled={exhausted || loading || rows.length === 0}
          data-testid="audit-load-more"
        >
          {exhausted ? t('common.noMore') : t('common.loadMore')}
        </Button>
      </div>
      <HistoryDrawer target={history} onClose={() => setHistory(null)} />
    </Card>
  );
}
