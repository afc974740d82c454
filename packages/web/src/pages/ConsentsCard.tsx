import { can } from '@cgtlink/domain/access/index';
import {
  Alert,
  Button,
  type ButtonProps,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Modal,
  Table,
  Tag,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Consent, pathwayApi } from '../api/pathway';
import { applyFieldErrors, ErrorAlert } from '../components/errors';
import { useLoad } from '../components/useLoad';
import { usePrincipal } from '../session/SessionContext';

/**
 * A consent withdrawal (PIPL and the 2026 regulation: consent may be withdrawn at any time). The form says what
 * stops at once and what is kept because the law requires it, before the hospital confirms.
 */
function Withdraw({ consent, onDone }: { consent: Consent; onDone(): void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ withdrawnOn: Dayjs; reason: string }>();
  const [error, setError] = useState<unknown>(null);
  const submit = async (v: { withdrawnOn: Dayjs; reason: string }) => {
    setError(null);
    try {
      await pathwayApi.withdrawConsent(consent.id, {
        withdrawnOn: v.withdrawnOn.format('YYYY-MM-DD'),
        reason: v.reason,
        version: consent.version,
      });
      setOpen(false);
      onDone();
    } catch (e) {
      applyFieldErrors(form, e, ['withdrawnOn', 'reason']);
      setError(e);
    }
  };
  return (
    <>
      <Button danger size="small" onClick={() => setOpen(true)} data-testid="consent-withdraw">
        {t('pathwayMore.withdraw')}
      </Button>
      <Modal
        open={open}
        title={t('pathwayMore.withdrawTitle')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okText={t('pathwayMore.withdrawConfirm')}
        okButtonProps={{ danger: true, 'data-testid': 'consent-withdraw-confirm' } as ButtonProps}
        cancelText={t('common.cancel')}
        destroyOnHidden
        width={640}
      >
        <ErrorAlert error={error} />
        <Descriptions
          bordered
          size="small"
          column={1}
          data-testid="withdraw-effects"
          style={{ marginBottom: 16 }}
        >
          <Descriptions.Item label={t('pathwayMore.stops')}>{t('pathwayMore.stopsText')}</Descriptions.Item>
          <Descriptions.Item label={t('pathwayMore.kept')}>{t('pathwayMore.keptText')}</Descriptions.Item>
        </Descriptions>
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ withdrawnOn: dayjs() }}>
          <Form.Item name="withdrawnOn" label={t('pathwayMore.withdrawnOn')} rules={[{ required: true }]}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="reason" label={t('common.reason')} rules={[{ required: true }]}>
            <Input.TextArea rows={2} data-testid="consent-withdraw-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** The patient's consents, each with its status, withdrawal and history. */
export function ConsentsCard({ patientId }: { patientId: string }) {
  const { t } = useTranslation();
  const principal = usePrincipal();
  const consents = useLoad(() => pathwayApi.consents(patientId), [patientId]);
  const mayWithdraw = can(principal, 'pathway.record') && principal.organizationKind === 'hospital';
  return (
    <Card title={t('pathwayMore.consents')}>
      <ErrorAlert error={consents.error} />
      {(consents.data ?? []).some((c) => c.status === 'withdrawn') && (
        <Alert
          type="warning"
          showIcon
          title={t('pathwayMore.withdrawnNotice')}
          style={{ marginBottom: 12 }}
        />
      )}
      <Table<Consent>
        rowKey="id"
        size="small"
        pagination={false}
        loading={consents.loading}
        dataSource={consents.data ?? []}
        data-testid="consents-table"
        columns={[
          { title: t('pathway.version'), dataIndex: 'documentVersion', width: 70 },
          { title: t('pathway.signerName'), dataIndex: 'signerName' },
          { title: t('pathway.signedOn'), dataIndex: 'signedOn', width: 120 },
          {
            title: t('pathway.status'),
            dataIndex: 'status',
            render: (s: string, c) => (
              <span data-testid="consent-status">
                <Tag color={s === 'active' ? 'green' : 'red'}>{t(`pathwayMore.consentStatus.${s}`)}</Tag>
                {c.withdrawnOn ? `${c.withdrawnOn} · ${c.withdrawalReason ?? ''}` : ''}
              </span>
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, c) =>
              mayWithdraw && c.status === 'active' ? <Withdraw consent={c} onDone={consents.reload} /> : null,
          },
        ]}
      />
    </Card>
  );
}
