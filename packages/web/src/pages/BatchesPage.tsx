import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { can } from '@cgtlink/domain/access/index';
import {
  App,
  Button,
  type ButtonProps,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tag,
} from 'antd';
import { type HTMLAttributes, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { endpoints } from '../api/endpoints';
import type { Batch, BatchCreate } from '../api/types';
import { applyFieldErrors, ErrorAlert } from '../components/errors';
import { useLoad } from '../components/useLoad';
import { formatDateTime } from '../format';
import { usePrincipal } from '../session/SessionContext';

export const STATUS_COLOR: Record<Batch['status'], string> = {
  in_process: 'processing',
  released: 'green',
  rejected: 'red',
};

interface ReceiveForm {
  kind: 'autologous' | 'allogeneic';
  reference: string;
  productCode: string;
  workingBankId?: string;
  patientPseudonym?: string;
  chainOfIdentity?: string;
  dinWithCheck?: string;
  patientWeightKg?: number;
  excursion: 'none' | 'unassessed';
}
const FIELDS = [
  'reference',
  'productCode',
  'workingBankId',
  'patientPseudonym',
  'chainOfIdentity',
  'dinWithCheck',
  'patientWeightKg',
] as const;

/** Receipt of the starting material: a working-bank lot (allogeneic) or a patient's collection (autologous). */
function ReceiveBatch({ open, onClose, onDone }: { open: boolean; onClose(): void; onDone(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ReceiveForm>();
  const kind = Form.useWatch('kind', form);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const banks = useLoad(() => (open ? endpoints.cellBanks() : Promise.resolve([])), [open]);
  const submit = async (v: ReceiveForm) => {
    setSaving(true);
    setError(null);
    const body: BatchCreate =
      v.kind === 'allogeneic'
        ? {
            kind: 'allogeneic',
            reference: v.reference,
            productCode: v.productCode,
            workingBankId: v.workingBankId ?? '',
            excursion: v.excursion,
          }
        : {
            kind: 'autologous',
            reference: v.reference,
            productCode: v.productCode,
            patientPseudonym: v.patientPseudonym ?? '',
            chainOfIdentity: v.chainOfIdentity ?? '',
            dinWithCheck: v.dinWithCheck ?? '',
            patientWeightKg: v.patientWeightKg ?? 0,
          };
    try {
      const batch = await endpoints.createBatch(body);
      void message.success(t('batch.received', { reference: batch.reference }));
      form.resetFields();
      onDone();
    } catch (e) {
      applyFieldErrors(form, e, FIELDS);
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t('batch.receive')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'batch-submit' } as ButtonProps}
      destroyOnHidden
    >
      <ErrorAlert error={error} />
      <Form<ReceiveForm>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ kind: 'allogeneic', productCode: 'MSC-UC', excursion: 'none' }}
      >
        <Form.Item name="kind" label={t('batch.kind')} rules={[{ required: true }]}>
          <Select
            data-testid="batch-kind"
            options={(['allogeneic', 'autologous'] as const).map((k) => ({
              value: k,
              label: t(`batch.kinds.${k}`),
            }))}
          />
        </Form.Item>
        <Form.Item name="reference" label={t('batch.reference')} rules={[{ required: true }]}>
          <Input data-testid="batch-reference" />
        </Form.Item>
        <Form.Item name="productCode" label={t('batch.product')} rules={[{ required: true }]}>
          <Input data-testid="batch-product" />
        </Form.Item>
        {kind === 'autologous' ? (
          <>
            <Form.Item name="patientPseudonym" label={t('batch.patient')} rules={[{ required: true }]}>
              <Input data-testid="batch-patient" />
            </Form.Item>
            <Form.Item name="chainOfIdentity" label={t('batch.chainOfIdentity')} rules={[{ required: true }]}>
              <Input data-testid="batch-coi" />
            </Form.Item>
            <Form.Item name="dinWithCheck" label={t('batch.dinWithCheck')} rules={[{ required: true }]}>
              <Input data-testid="batch-din" />
            </Form.Item>
            <Form.Item name="patientWeightKg" label={t('batch.weight')} rules={[{ required: true }]}>
              <InputNumber min={1} max={300} style={{ width: '100%' }} data-testid="batch-weight" />
            </Form.Item>
          </>
        ) : (
          <Form.Item name="workingBankId" label={t('batch.workingBank')} rules={[{ required: true }]}>
            <Select
              data-testid="batch-working-bank"
              loading={banks.loading}
              options={(banks.data ?? [])
                .filter((b) => b.kind === 'working')
                .map((b) => ({ value: b.id, label: `${b.lot} (${b.cellLineCode}, ${b.vialsAvailable})` }))}
            />
          </Form.Item>
        )}
        {/* An autologous collection's shipment is judged from the pathway's temperature log, not declared here. */}
        {kind !== 'autologous' && (
          <Form.Item name="excursion" label={t('batch.excursion')}>
            <Select
              data-testid="batch-excursion"
              options={(['none', 'unassessed'] as const).map((e) => ({
                value: e,
                label: t(`batch.excursions.${e}`),
              }))}
            />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

/** The batches in scope: the laboratory's own, or (hospital, regulator) those the database lets them read. */
export function BatchesPage() {
  const { t } = useTranslation();
  const principal = usePrincipal();
  const batches = useLoad(() => endpoints.batches(), []);
  const [receiving, setReceiving] = useState(false);
  return (
    <Card
      title={t('batch.listTitle')}
      extra={
        <Space>
          <Button icon={<ReloadOutlined />} onClick={batches.reload}>
            {t('common.reload')}
          </Button>
          {can(principal, 'batch.manage') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setReceiving(true)}
              data-testid="batch-receive"
            >
              {t('batch.receive')}
            </Button>
          )}
        </Space>
      }
    >
      <ErrorAlert error={batches.error} />
      <Table<Batch>
        rowKey="id"
        size="middle"
        loading={batches.loading}
        dataSource={batches.data ?? []}
        pagination={false}
        data-testid="batch-table"
        onRow={(b) => ({ 'data-testid': `batch-row-${b.reference}` }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('batch.reference'),
            dataIndex: 'reference',
            render: (ref: string, b) => (
              <Link to={`/batches/${b.id}`} data-testid="batch-open">
                {ref}
              </Link>
            ),
          },
          { title: t('batch.kind'), dataIndex: 'kind', render: (k: Batch['kind']) => t(`batch.kinds.${k}`) },
          { title: t('batch.product'), dataIndex: 'productCode' },
          {
            title: t('batch.specVersion'),
            dataIndex: 'specificationVersion',
            render: (v: number) => `v${v}`,
          },
          {
            title: t('batch.patient'),
            dataIndex: 'patientPseudonym',
            render: (p: string | null) => p ?? '—',
          },
          {
            title: t('common.status'),
            dataIndex: 'status',
            render: (s: Batch['status']) => <Tag color={STATUS_COLOR[s]}>{t(`batch.statuses.${s}`)}</Tag>,
          },
          { title: t('batch.startedAt'), dataIndex: 'startedAt', render: (v: string) => formatDateTime(v) },
        ]}
      />
      <ReceiveBatch
        open={receiving}
        onClose={() => setReceiving(false)}
        onDone={() => {
          setReceiving(false);
          batches.reload();
        }}
      />
    </Card>
  );
}
