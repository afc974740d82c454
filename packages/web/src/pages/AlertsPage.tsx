import { endOf } from '@cgtlink/domain/access/index';
import { App, Button, Card, Input, Modal, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { endpoints } from '../api/endpoints';
import type { Alert, OverdueVisit } from '../api/types';
import { ErrorAlert, useReportError } from '../components/errors';
import { useLoad } from '../components/useLoad';
import { formatDateTime } from '../format';
import { usePrincipal } from '../session/SessionContext';

const COLOR: Record<Alert['status'], string> = { open: 'red', acknowledged: 'orange', closed: 'default' };

/** The alert inbox: early warnings on the hospital's patients, acknowledged then closed with a note. */
export function AlertsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReportError();
  const alerts = useLoad(() => endpoints.alerts(), []);
  const overdue = useLoad(() => endpoints.overdueVisits(), []);
  // The regulator reads the hospitals' alerts and manages only the registry's own.
  const regulator = endOf(usePrincipal().role) === 'regulator';
  const manages = (a: Alert) => !regulator || a.scope === 'registry';
  const [closing, setClosing] = useState<Alert | null>(null);
  const [note, setNote] = useState('');
  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      void message.success(t('followup.saved'));
      alerts.reload();
    } catch (e) {
      report(e);
    }
  };
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card title={t('alerts.title')}>
        <ErrorAlert error={alerts.error} />
        <Table<Alert>
          rowKey="id"
          data-testid="alert-table"
          loading={alerts.loading}
          dataSource={alerts.data ?? []}
          columns={[
            { title: t('alerts.raisedAt'), render: (_, a) => formatDateTime(a.raisedAt) },
            {
              title: t('symptoms.patient'),
              render: (_, a) =>
                a.patientId ? <Link to={`/patients/${a.patientId}/followup`}>{a.pseudonym}</Link> : '—',
            },
            {
              title: t('alerts.rule'),
              render: (_, a) => t(`alerts.rules.${a.rule}`, { defaultValue: a.rule }),
            },
            { title: t('alerts.message'), dataIndex: 'message' },
            {
              title: t('common.status'),
              render: (_, a) => <Tag color={COLOR[a.status]}>{t(`alerts.status.${a.status}`)}</Tag>,
            },
            {
              title: t('common.actions'),
              render: (_, a) => (
                <Space>
                  {manages(a) && a.status === 'open' && (
                    <Button
                      size="small"
                      onClick={() => void act(() => endpoints.acknowledgeAlert(a.id, a.version))}
                      data-testid="alert-ack"
                    >
                      {t('alerts.acknowledge')}
                    </Button>
                  )}
                  {manages(a) && a.status !== 'closed' && (
                    <Button size="small" onClick={() => setClosing(a)} data-testid="alert-close">
                      {t('alerts.close')}
                    </Button>
                  )}
                </Space>
              ),
            },
          ]}
        />
        <Modal
          open={closing !== null}
          title={t('alerts.close')}
          okButtonProps={{ disabled: note.trim() === '' }}
          onCancel={() => setClosing(null)}
          onOk={() => {
            const a = closing;
            setClosing(null);
            if (a) void act(() => endpoints.closeAlert(a.id, a.version, note.trim()));
            setNote('');
          }}
        >
          <Input.TextArea
            rows={3}
            placeholder={t('alerts.note')}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            data-testid="alert-note"
          />
        </Modal>
      </Card>
      <Card title={t('alerts.overdueVisits')}>
        <ErrorAlert error={overdue.error} />
        <Table<OverdueVisit>
          rowKey="id"
          size="small"
          data-testid="overdue-visits"
          loading={overdue.loading}
          dataSource={overdue.data ?? []}
          columns={[
            {
              title: t('symptoms.patient'),
              render: (_, v) => <Link to={`/patients/${v.patientId}/followup`}>{v.pseudonym}</Link>,
            },
            { title: t('safety.product'), dataIndex: 'productName' },
            { title: '', dataIndex: 'label' },
            { title: t('followup.window'), render: (_, v) => `${v.windowStart} – ${v.windowEnd}` },
            { title: t('alerts.daysOverdue'), dataIndex: 'daysOverdue' },
            {
              title: t('common.status'),
              render: (_, v) => v.lostToFollowUp && <Tag color="red">{t('alerts.lostToFollowUp')}</Tag>,
            },
          ]}
        />
      </Card>
    </Space>
  );
}
