import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { can } from '@cgtlink/domain/access/index';
import { DECISION_BY, type FilingDecision, nextFilingStatus } from '@cgtlink/domain/pathway/filing-status';
import { TECHNOLOGIES } from '@cgtlink/domain/pathway/tables';
import {
  App,
  Button,
  type ButtonProps,
  Card,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Timeline,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import { type Filing, type FilingCreate, type FilingDetail, pathwayApi } from '../api/pathway';
import { applyFieldErrors, ErrorAlert } from '../components/errors';
import { useLoad } from '../components/useLoad';
import { formatDateTime } from '../format';
import { usePrincipal } from '../session/SessionContext';
import { EnrolPanel } from './EnrolPanel';

const STATUS_COLOR: Record<Filing['status'], string> = {
  submitted: 'blue',
  returned: 'orange',
  approved: 'green',
  suspended: 'red',
  closed: 'default',
};
const DECISIONS: readonly FilingDecision[] = [
  'approve',
  'return',
  'suspend',
  'reinstate',
  'close',
  'resubmit',
];

export function FilingStatusTag({ status }: { status: Filing['status'] }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="filing-status">
      {t(`pathway.statuses.${status}`)}
    </Tag>
  );
}

/** A signed decision on a filing: the regulator's review or the hospital's resubmission. */
function DecisionForm({ filing, onDone }: { filing: FilingDetail; onDone(next: FilingDetail): void }) {
  const { t } = useTranslation();
  const principal = usePrincipal();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ decision: FilingDecision; comment?: string; password: string }>();
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const mine = DECISIONS.filter((d) =>
    DECISION_BY[d] === 'regulator' ? can(principal, 'filing.review') : can(principal, 'filing.submit'),
  ).filter((d) => nextFilingStatus(filing.status, d).ok);
  if (mine.length === 0) return null;
  const submit = async (values: { decision: FilingDecision; comment?: string; password: string }) => {
    setSaving(true);
    setError(null);
    try {
      const next = await pathwayApi.decide(filing.id, {
        decision: values.decision,
        comment: values.comment?.trim() || null,
        version: filing.version,
        password: values.password,
      });
      void message.success(t(`pathway.statuses.${next.status}`));
      form.resetFields();
      onDone(next);
    } catch (e) {
      applyFieldErrors(form, e, ['comment', 'password']);
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Card size="small" title={t('pathway.decide')}>
      <ErrorAlert error={error} />
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ decision: mine[0] }}>
        <Form.Item name="decision" label={t('pathway.decision')} rules={[{ required: true }]}>
          <Select
            data-testid="filing-decision"
            options={mine.map((d) => ({ value: d, label: t(`pathway.decisions.${d}`) }))}
          />
        </Form.Item>
        <Form.Item name="comment" label={t('pathway.comment')}>
          <Input.TextArea rows={2} data-testid="filing-comment" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('pathway.password')}
          rules={[{ required: true, message: t('pathway.passwordRequired') }]}
        >
          <Input.Password autoComplete="current-password" data-testid="filing-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={saving} data-testid="filing-decide">
          {t('pathway.decide')}
        </Button>
      </Form>
    </Card>
  );
}

function FilingDrawer({ id, onClose, onChanged }: { id: string | null; onClose(): void; onChanged(): void }) {
  const { t } = useTranslation();
  const detail = useLoad(() => (id ? pathwayApi.filing(id) : Promise.resolve(undefined)), [id]);
  const f = detail.data;
  return (
    <Drawer open={id !== null} onClose={onClose} size="large" title={f?.reference} destroyOnHidden>
      <ErrorAlert error={detail.error} />
      {f && (
        <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="filing-detail">
          <Descriptions bordered column={1} size="small">
            <Descriptions.Item label={t('pathway.status')}>
              <FilingStatusTag status={f.status} />
            </Descriptions.Item>
            <Descriptions.Item label={t('pathway.technology')}>
              {t(`pathway.technologies.${f.technology}`)}
            </Descriptions.Item>
            <Descriptions.Item label={t('pathway.indication')}>{f.indication}</Descriptions.Item>
            <Descriptions.Item label={t('pathway.productName')}>{f.productName}</Descriptions.Item>
            <Descriptions.Item label={t('pathway.productCode')}>{f.productCode}</Descriptions.Item>
            <Descriptions.Item label={t('pathway.specificationVersion')}>
              {f.specificationVersion}
            </Descriptions.Item>
            <Descriptions.Item label={t('pathway.protocolVersion')}>{f.protocolVersion}</Descriptions.Item>
            <Descriptions.Item label={t('pathway.ethicsApprovalRef')}>
              {f.ethicsApprovalRef}
              {f.ethicsDocumentName &&
                ` · ${f.ethicsDocumentName} (SHA-256 ${f.ethicsDocumentSha256?.slice(0, 12)}…)`}
            </Descriptions.Item>
            <Descriptions.Item label={t('pathway.targetEnrolment')}>{f.targetEnrolment}</Descriptions.Item>
          </Descriptions>
          <Card size="small" title={t('pathway.history')}>
            <Timeline
              data-testid="filing-history"
              items={f.decisions.map((d) => ({
                key: d.id,
                content: (
                  <span>
                    <b>{t(`pathway.decisions.${d.decision}`)}</b> · {d.actorName} ·{' '}
                    {formatDateTime(d.decidedAt)}
                    {d.signatureId && <Tag style={{ marginLeft: 8 }}>{t('pathway.signed')}</Tag>}
                    {d.comment && <div>{d.comment}</div>}
                  </span>
                ),
              }))}
            />
          </Card>
          <Card size="small" title={t('pathway.consentDocuments')}>
            {f.consentDocuments.map((c) => (
              <div key={c.id}>
                {t('pathway.version')} {c.version}: {c.title}
              </div>
            ))}
          </Card>
          <EnrolPanel filing={f} />
          <DecisionForm
            filing={f}
            onDone={() => {
              detail.reload();
              onChanged();
            }}
          />
        </Space>
      )}
    </Drawer>
  );
}

interface FilingForm extends Omit<FilingCreate, 'ethicsDocument' | 'criteria' | 'storageMaxCelsius'> {
  ethicsFile?: FileList;
}

function NewFiling({ open, onClose, onDone }: { open: boolean; onClose(): void; onDone(): void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<FilingForm>();
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [file, setFile] = useState<{ name: string; contentBase64: string } | null>(null);
  const orgs = useLoad(() => endpoints.organizations(), []);
  const options = (kind: string) =>
    (orgs.data ?? [])
      .filter((o) => o.kind === kind)
      .map((o) => ({ value: o.id, label: `${o.code} ${o.nameZh}` }));
  const submit = async (values: FilingForm) => {
    setSaving(true);
    setError(null);
    try {
      const { ethicsFile: _ignored, ...rest } = values;
      await pathwayApi.createFiling({ ...rest, ethicsDocument: file });
      form.resetFields();
      onDone();
    } catch (e) {
      applyFieldErrors(form, e, ['laboratoryId', 'productCode', 'password', 'indication']);
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  const readFile = async (list: FileList | null) => {
    const chosen = list?.[0];
    if (!chosen) return setFile(null);
    const bytes = new Uint8Array(await chosen.arrayBuffer());
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    setFile({ name: chosen.name, contentBase64: btoa(binary) });
  };
  return (
    <Modal
      open={open}
      title={t('pathway.newFiling')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={saving}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ 'data-testid': 'filing-submit' } as ButtonProps}
      destroyOnHidden
    >
      <ErrorAlert error={error} />
      <Form<FilingForm>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ technology: 'autologous_gene_hsc', targetEnrolment: 10 }}
      >
        <Form.Item name="technology" label={t('pathway.technology')} rules={[{ required: true }]}>
          <Select options={TECHNOLOGIES.map((v) => ({ value: v, label: t(`pathway.technologies.${v}`) }))} />
        </Form.Item>
        <Form.Item name="indication" label={t('pathway.indication')} rules={[{ required: true }]}>
          <Input data-testid="filing-indication" />
        </Form.Item>
        <Form.Item name="sponsorId" label={t('pathway.sponsor')}>
          <Select allowClear options={options('sponsor')} data-testid="filing-sponsor" />
        </Form.Item>
        <Form.Item name="laboratoryId" label={t('pathway.laboratory')} rules={[{ required: true }]}>
          <Select options={options('laboratory')} data-testid="filing-laboratory" />
        </Form.Item>
        <Form.Item name="productName" label={t('pathway.productName')} rules={[{ required: true }]}>
          <Input data-testid="filing-product-name" />
        </Form.Item>
        <Form.Item name="productCode" label={t('pathway.productCode')} rules={[{ required: true }]}>
          <Input data-testid="filing-product-code" placeholder="S1234A00" />
        </Form.Item>
        <Form.Item
          name="specificationVersion"
          label={t('pathway.specificationVersion')}
          rules={[{ required: true }]}
        >
          <Input data-testid="filing-spec" />
        </Form.Item>
        <Form.Item name="protocolVersion" label={t('pathway.protocolVersion')} rules={[{ required: true }]}>
          <Input data-testid="filing-protocol" />
        </Form.Item>
        <Form.Item
          name="ethicsApprovalRef"
          label={t('pathway.ethicsApprovalRef')}
          rules={[{ required: true }]}
        >
          <Input data-testid="filing-ethics" />
        </Form.Item>
        <Form.Item label={t('pathway.ethicsDocument')}>
          <input
            type="file"
            data-testid="filing-ethics-file"
            onChange={(e) => void readFile(e.target.files)}
          />
        </Form.Item>
        <Form.Item name="targetEnrolment" label={t('pathway.targetEnrolment')} rules={[{ required: true }]}>
          <InputNumber min={1} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('pathway.password')}
          rules={[{ required: true, message: t('pathway.passwordRequired') }]}
        >
          <Input.Password autoComplete="current-password" data-testid="filing-new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Filings: the hospital files and follows them, the regulator reviews them, sponsor and laboratory follow theirs. */
export function FilingsPage() {
  const { t } = useTranslation();
  const principal = usePrincipal();
  const filings = useLoad(() => pathwayApi.filings(), []);
  const [openId, setOpenId] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  return (
    <Card
      title={t('pathway.filings')}
      extra={
        <Space>
          <Button icon={<ReloadOutlined />} onClick={filings.reload}>
            {t('common.reload')}
          </Button>
          {can(principal, 'filing.submit') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="filing-new"
            >
              {t('pathway.newFiling')}
            </Button>
          )}
        </Space>
      }
    >
      <ErrorAlert error={filings.error} />
      <Table<Filing>
        rowKey="id"
        size="middle"
        loading={filings.loading}
        dataSource={filings.data ?? []}
        pagination={false}
        data-testid="filings-table"
        onRow={(f) => ({ onClick: () => setOpenId(f.id), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('pathway.reference'), dataIndex: 'reference' },
          {
            title: t('pathway.technology'),
            dataIndex: 'technology',
            render: (v: Filing['technology']) => t(`pathway.technologies.${v}`),
          },
          { title: t('pathway.indication'), dataIndex: 'indication' },
          { title: t('pathway.productName'), dataIndex: 'productName' },
          {
            title: t('pathway.status'),
            dataIndex: 'status',
            render: (s: Filing['status']) => <FilingStatusTag status={s} />,
          },
          { title: t('pathway.time'), dataIndex: 'updatedAt', render: (v: string) => formatDateTime(v) },
        ]}
      />
      <FilingDrawer id={openId} onClose={() => setOpenId(null)} onChanged={filings.reload} />
      <NewFiling
        open={creating}
        onClose={() => setCreating(false)}
        onDone={() => {
          setCreating(false);
          filings.reload();
        }}
      />
    </Card>
  );
}
