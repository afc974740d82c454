import { HistoryOutlined, KeyOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import type { Role } from '@cgtlink/domain/access/index';
import {
  App,
  Button,
  type ButtonProps,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { endpoints } from '../api/endpoints';
import type { Organization, User } from '../api/types';
import { ErrorAlert, useReportError } from '../components/errors';
import { HistoryDrawer, type HistoryTarget } from '../components/HistoryDrawer';
import { organizationName } from '../components/names';
import { rolesFor } from '../components/roles';
import { useFormSubmit } from '../components/useFormSubmit';
import { useLoad } from '../components/useLoad';
import { useLanguage } from '../i18n/LanguageContext';
import { usePrincipal } from '../session/SessionContext';

interface CreateForm {
  organizationId: string;
  username: string;
  displayName: string;
  role: Role;
  password: string;
  patientId?: string;
}

const CREATE_FIELDS = ['organizationId', 'username', 'displayName', 'role', 'password', 'patientId'] as const;

function CreateUser({
  open,
  organizations,
  defaultOrganizationId,
  onClose,
  onDone,
}: {
  open: boolean;
  organizations: Organization[];
  defaultOrganizationId: string | undefined;
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { message } = App.useApp();
  const [form] = Form.useForm<CreateForm>();
  const { saving, error, run } = useFormSubmit(form, CREATE_FIELDS);
  const organizationId = Form.useWatch('organizationId', form);
  const role = Form.useWatch('role', form);
  const org = organizations.find((o) => o.id === organizationId);
  const roles = rolesFor(org);

  const submit = (values: CreateForm) =>
    run(async () => {
      const user = await endpoints.createUser({
        organizationId: values.organizationId,
        username: values.username,
        displayName: values.displayName,
        role: values.role,
        password: values.password,
        ...(values.role === 'patient' && { patientId: values.patientId?.trim() || null }),
      });
      void message.success(t('user.created', { username: user.username }));
      form.resetFields();
      onDone();
    });

  return (
    <Modal
      open={open}
      title={t('user.createTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'user-submit' } as ButtonProps}
      destroyOnHidden
    >
      <ErrorAlert error={error} />
      <Form<CreateForm>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ organizationId: defaultOrganizationId }}
        onValuesChange={(changed: Partial<CreateForm>) => {
          // A role chosen for another kind of organization no longer applies.
          if ('organizationId' in changed) {
            const next = organizations.find((o) => o.id === changed.organizationId);
            const current = form.getFieldValue('role') as Role | undefined;
            if (current && !rolesFor(next).includes(current)) form.setFieldValue('role', undefined);
          }
        }}
      >
        <Form.Item name="organizationId" label={t('user.organization')} rules={[{ required: true }]}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            data-testid="user-organization"
            options={organizations
              .filter((o) => o.active)
              .map((o) => ({ value: o.id, label: `${o.code} · ${organizationName(o, language)}` }))}
          />
        </Form.Item>
        <Form.Item name="role" label={t('user.role')} rules={[{ required: true }]}>
          <Select
            data-testid="user-role"
            disabled={!org}
            placeholder={org ? undefined : t('user.chooseOrganizationFirst')}
            options={roles.map((r) => ({ value: r, label: t(`role.${r}`) }))}
          />
        </Form.Item>
        {role === 'patient' && (
          <Form.Item
            name="patientId"
            label={t('user.patientId')}
            extra={t('user.patientIdHelp')}
            rules={[{ required: true }]}
          >
            <Input data-testid="user-patient-id" />
          </Form.Item>
        )}
        <Form.Item
          name="username"
          label={t('user.username')}
          extra={t('user.usernameHelp')}
          rules={[{ required: true }]}
        >
          <Input autoComplete="off" data-testid="user-username" />
        </Form.Item>
        <Form.Item name="displayName" label={t('user.displayName')} rules={[{ required: true }]}>
          <Input data-testid="user-display-name" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('user.password')}
          extra={t('user.passwordHelp')}
          rules={[{ required: true }]}
        >
          <Input.Password autoComplete="new-password" data-testid="user-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ResetPassword({ user, onClose, onDone }: { user: User | null; onClose(): void; onDone(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ password: string; reason?: string }>();
  const { saving, error, run } = useFormSubmit(form, ['password', 'reason'], onDone);
  const submit = async (values: { password: string; reason?: string }) => {
    if (!user) return;
    await run(async () => {
      await endpoints.updateUser(user.id, {
        password: values.password,
        version: user.version,
        ...(values.reason?.trim() && { reason: values.reason.trim() }),
      });
      void message.success(t('user.passwordReset', { username: user.username }));
      onDone();
    });
  };
  return (
    <Modal
      open={user !== null}
      title={user ? t('user.resetTitle', { username: user.username }) : ''}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'user-reset-submit' } as ButtonProps}
      destroyOnHidden
    >
      <ErrorAlert error={error} />
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item
          name="password"
          label={t('user.newPassword')}
          extra={t('user.passwordHelp')}
          rules={[{ required: true }]}
        >
          <Input.Password autoComplete="new-password" data-testid="user-new-password" />
        </Form.Item>
        <Form.Item name="reason" label={t('common.reason')} extra={t('common.reasonHelp')}>
          <Input.TextArea rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The administrator's user management: list by organization, add, disable or enable, reset a password. */
export function UsersPage() {
  const { t } = useTranslation();
  // Administrators may not disable their own account: the platform could lose its last way in.
  const principal = usePrincipal();
  const { language } = useLanguage();
  const { message } = App.useApp();
  const reportError = useReportError();
  const users = useLoad(() => endpoints.users(), []);
  const orgs = useLoad(() => endpoints.organizations(), []);
  const [orgFilter, setOrgFilter] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const [history, setHistory] = useState<HistoryTarget | null>(null);
  const orgById = useMemo(() => new Map((orgs.data ?? []).map((o) => [o.id, o])), [orgs.data]);
  const rows = (users.data ?? []).filter((u) => !orgFilter || u.organizationId === orgFilter);

  const setActive = async (user: User, active: boolean) => {
    try {
      await endpoints.updateUser(user.id, { active, version: user.version });
      void message.success(t(active ? 'user.enabled' : 'user.disabled', { username: user.username }));
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) void message.warning(t('errors.staleVersion'));
      else reportError(e);
    } finally {
      users.reload();
    }
  };

  return (
    <Card
      title={t('user.title')}
      extra={
        <Space>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('user.filterOrganization')}
            style={{ width: 280 }}
            value={orgFilter}
            onChange={(v?: string) => setOrgFilter(v)}
            data-testid="user-filter-organization"
            options={(orgs.data ?? []).map((o) => ({
              value: o.id,
              label: `${o.code} · ${organizationName(o, language)}`,
            }))}
          />
          <Button icon={<ReloadOutlined />} onClick={users.reload}>
            {t('common.reload')}
          </Button>
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="user-create"
          >
            {t('user.createTitle')}
          </Button>
        </Space>
      }
    >
      <ErrorAlert error={users.error ?? orgs.error} />
      <Table<User>
        rowKey="id"
        size="middle"
        loading={users.loading}
        dataSource={rows}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        data-testid="user-table"
        columns={[
          { title: t('user.username'), dataIndex: 'username', key: 'username' },
          { title: t('user.displayName'), dataIndex: 'displayName', key: 'displayName' },
          { title: t('user.role'), dataIndex: 'role', key: 'role', render: (r: Role) => t(`role.${r}`) },
          {
            title: t('user.organization'),
            dataIndex: 'organizationId',
            key: 'organization',
            render: (id: string) => {
              const org = orgById.get(id);
              return org ? organizationName(org, language) : id;
            },
          },
          {
            title: t('common.status'),
            dataIndex: 'active',
            key: 'active',
            render: (active: boolean) => (
              <Tag color={active ? 'green' : 'default'}>
                {t(active ? 'common.active' : 'common.inactive')}
              </Tag>
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, user: User) => (
              <Space wrap>
                {user.id === principal.userId ? null : user.active ? (
                  <Popconfirm
                    title={t('user.confirmDisable', { username: user.username })}
                    okText={t('user.disable')}
                    cancelText={t('common.cancel')}
                    onConfirm={() => setActive(user, false)}
                  >
                    <Button size="small" danger data-testid="user-disable">
                      {t('user.disable')}
                    </Button>
                  </Popconfirm>
                ) : (
                  <Button size="small" onClick={() => void setActive(user, true)} data-testid="user-enable">
                    {t('user.enable')}
                  </Button>
                )}
                <Button
                  size="small"
                  icon={<KeyOutlined />}
                  onClick={() => setResetting(user)}
                  data-testid="user-reset-password"
                >
                  {t('user.resetPassword')}
                </Button>
                <Button
                  size="small"
                  icon={<HistoryOutlined />}
                  onClick={() => setHistory({ entityType: 'user', entityId: user.id })}
                >
                  {t('audit.history')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <CreateUser
        open={creating}
        organizations={orgs.data ?? []}
        defaultOrganizationId={orgFilter}
        onClose={() => setCreating(false)}
        onDone={() => {
          setCreating(false);
          users.reload();
        }}
      />
      <ResetPassword
        user={resetting}
        onClose={() => setResetting(null)}
        onDone={() => {
          setResetting(null);
          users.reload();
        }}
      />
      <HistoryDrawer target={history} onClose={() => setHistory(null)} />
    </Card>
  );
}
