import {
  EditOutlined,
  HistoryOutlined,
  PlusOutlined,
  ReloadOutlined,
  SafetyCertificateOutlined,
} from '@ant-design/icons';
import { can, ORGANIZATION_KINDS, type OrganizationKind } from '@cgtlink/domain/access/index';
import {
  App,
  Button,
  type ButtonProps,
  Card,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Switch,
  Table,
  Tag,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints';
import type { Organization } from '../api/types';
import { ErrorAlert } from '../components/errors';
import { HistoryDrawer, type HistoryTarget } from '../components/HistoryDrawer';
import { organizationName } from '../components/names';
import { SignaturesDrawer, type SignatureTarget } from '../components/SignaturesDrawer';
import { useFormSubmit } from '../components/useFormSubmit';
import { useLoad } from '../components/useLoad';
import { formatDateTime } from '../format';
import { useLanguage } from '../i18n/LanguageContext';
import { usePrincipal } from '../session/SessionContext';

interface CreateForm {
  code: string;
  kind: OrganizationKind;
  nameZh: string;
  nameEn: string;
}

interface EditForm {
  nameZh: string;
  nameEn: string;
  active: boolean;
  reason?: string;
}

const CREATE_FIELDS = ['code', 'kind', 'nameZh', 'nameEn'] as const;
const EDIT_FIELDS = ['nameZh', 'nameEn', 'active', 'reason'] as const;

function CreateOrganization({ open, onClose, onDone }: { open: boolean; onClose(): void; onDone(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<CreateForm>();
  const { saving, error, run } = useFormSubmit(form, CREATE_FIELDS);
  const submit = (values: CreateForm) =>
    run(async () => {
      const org = await endpoints.createOrganization(values);
      void message.success(t('org.created', { code: org.code }));
      form.resetFields();
      onDone();
    });
  return (
    <Modal
      open={open}
      title={t('org.createTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'org-submit' } as ButtonProps}
      destroyOnHidden
    >
      <ErrorAlert error={error} />
      <Form<CreateForm> form={form} layout="vertical" onFinish={submit}>
        <Form.Item name="code" label={t('org.code')} extra={t('org.codeHelp')} rules={[{ required: true }]}>
          <Input data-testid="org-code" />
        </Form.Item>
        <Form.Item name="kind" label={t('org.kind')} rules={[{ required: true }]}>
          <Select
            data-testid="org-kind"
            options={ORGANIZATION_KINDS.map((k) => ({ value: k, label: t(`orgKind.${k}`) }))}
          />
        </Form.Item>
        <Form.Item name="nameZh" label={t('org.nameZh')} rules={[{ required: true }]}>
          <Input data-testid="org-name-zh" />
        </Form.Item>
        <Form.Item name="nameEn" label={t('org.nameEn')} rules={[{ required: true }]}>
          <Input data-testid="org-name-en" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Edits name and status under optimistic locking: the version read is sent back; 409 means someone was first. */
function EditOrganization({
  org,
  onClose,
  onDone,
}: {
  org: Organization | null;
  onClose(): void;
  onDone(stale: boolean): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<EditForm>();
  const { saving, error, run } = useFormSubmit(form, EDIT_FIELDS, () => onDone(true));
  const submit = async (values: EditForm) => {
    if (!org) return;
    await run(async () => {
      const saved = await endpoints.updateOrganization(org.id, {
        nameZh: values.nameZh,
        nameEn: values.nameEn,
        active: values.active,
        version: org.version,
        ...(values.reason?.trim() && { reason: values.reason.trim() }),
      });
      void message.success(t('org.updated', { code: saved.code }));
      onDone(false);
    });
  };
  return (
    <Modal
      open={org !== null}
      title={org ? t('org.editTitle', { code: org.code }) : ''}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'org-edit-submit' } as ButtonProps}
      destroyOnHidden
    >
      <ErrorAlert error={error} />
      {org && (
        <Form<EditForm>
          form={form}
          layout="vertical"
          onFinish={submit}
          initialValues={{ nameZh: org.nameZh, nameEn: org.nameEn, active: org.active }}
        >
          <Form.Item name="nameZh" label={t('org.nameZh')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="nameEn" label={t('org.nameEn')} rules={[{ required: true }]}>
            <Input data-testid="org-edit-name-en" />
          </Form.Item>
          <Form.Item name="active" label={t('common.status')} valuePropName="checked">
            <Switch checkedChildren={t('common.active')} unCheckedChildren={t('common.inactive')} />
          </Form.Item>
          <Form.Item name="reason" label={t('common.reason')} extra={t('common.reasonHelp')}>
            <Input.TextArea rows={2} />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}

/** The administrator manages organizations; every other staff role sees the same list as a read-only directory. */
export function OrganizationsPage() {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const principal = usePrincipal();
  const manage = can(principal, 'organization.manage');
  const orgs = useLoad(() => endpoints.organizations(), []);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Organization | null>(null);
  const [history, setHistory] = useState<HistoryTarget | null>(null);
  const [signing, setSigning] = useState<SignatureTarget | null>(null);
  const [kindFilter, setKindFilter] = useState<OrganizationKind | undefined>();
  const rows = (orgs.data ?? []).filter((o) => !kindFilter || o.kind === kindFilter);

  const common = [
    { title: t('org.code'), dataIndex: 'code', key: 'code' },
    {
      title: t('org.kind'),
      dataIndex: 'kind',
      key: 'kind',
      render: (k: OrganizationKind) => <Tag>{t(`orgKind.${k}`)}</Tag>,
    },
  ];
  const status = {
    title: t('common.status'),
    dataIndex: 'active',
    key: 'active',
    render: (active: boolean) => (
      <Tag color={active ? 'green' : 'default'}>{t(active ? 'common.active' : 'common.inactive')}</Tag>
    ),
  };
  const columns = manage
    ? [
        ...common,
        { title: t('org.nameZh'), dataIndex: 'nameZh', key: 'nameZh' },
        { title: t('org.nameEn'), dataIndex: 'nameEn', key: 'nameEn' },
        status,
        { title: t('common.version'), dataIndex: 'version', key: 'version' },
        {
          title: t('org.updatedAt'),
          dataIndex: 'updatedAt',
          key: 'updatedAt',
          render: (v: string) => formatDateTime(v),
        },
        {
          title: t('common.actions'),
          key: 'actions',
          render: (_: unknown, org: Organization) => (
            <Space>
              <Button
                size="small"
                icon={<EditOutlined />}
                onClick={() => setEditing(org)}
                data-testid="org-edit"
              >
                {t('common.edit')}
              </Button>
              <Button
                size="small"
                icon={<HistoryOutlined />}
                onClick={() => setHistory({ entityType: 'organization', entityId: org.id })}
                data-testid="org-history"
              >
                {t('audit.history')}
              </Button>
              <Button
                size="small"
                icon={<SafetyCertificateOutlined />}
                onClick={() =>
                  setSigning({
                    entityType: 'organization',
                    entityId: org.id,
                    name: organizationName(org, language),
                  })
                }
                data-testid="org-signatures"
              >
                {t('signatures.button')}
              </Button>
            </Space>
          ),
        },
      ]
    : [
        ...common,
        {
          title: t('org.name'),
          key: 'name',
          render: (_: unknown, org: Organization) => organizationName(org, language),
        },
        status,
      ];

  return (
    <Card
      title={t(manage ? 'org.manageTitle' : 'org.directoryTitle')}
      extra={
        <Space>
          <Select
            allowClear
            placeholder={t('org.kind')}
            style={{ width: 160 }}
            value={kindFilter}
            onChange={(v?: OrganizationKind) => setKindFilter(v)}
            options={ORGANIZATION_KINDS.map((k) => ({ value: k, label: t(`orgKind.${k}`) }))}
          />
          <Button icon={<ReloadOutlined />} onClick={orgs.reload}>
            {t('common.reload')}
          </Button>
          {manage && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="org-create"
            >
              {t('org.createTitle')}
            </Button>
          )}
        </Space>
      }
    >
      <ErrorAlert error={orgs.error} />
      <Table<Organization>
        rowKey="id"
        size="middle"
        loading={orgs.loading}
        dataSource={rows}
        columns={columns}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        data-testid="org-table"
      />
      {manage && (
        <>
          <CreateOrganization
            open={creating}
            onClose={() => setCreating(false)}
            onDone={() => {
              setCreating(false);
              orgs.reload();
            }}
          />
          <EditOrganization
            org={editing}
            onClose={() => setEditing(null)}
            onDone={() => {
              setEditing(null);
              orgs.reload();
            }}
          />
          <HistoryDrawer target={history} onClose={() => setHistory(null)} />
          {/* The administrator approves or reviews an organization's registration (organization.signable.ts). */}
          <SignaturesDrawer
            target={signing}
            meanings={['approved', 'reviewed']}
            onClose={() => setSigning(null)}
          />
        </>
      )}
    </Card>
  );
}
