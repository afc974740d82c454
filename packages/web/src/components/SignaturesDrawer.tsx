import { Alert, App, Button, Drawer, Empty, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { endpoints } from '../api/endpoints';
import type { Signature, SignatureMeaning } from '../api/types';
import { formatDateTime } from '../format';
import { ErrorAlert } from './errors';
import { useLoad } from './useLoad';

/** The server's answer to a mistyped signature password (403 naming the password field). */
function isPasswordMismatch(error: unknown): error is ApiError {
  return error instanceof ApiError && (error.problem.errors ?? []).some((e) => e.field === 'password');
}

export interface SignatureTarget {
  entityType: string;
  entityId: string;
  /** How the record is named in the drawer's title. */
  name: string;
}

/**
 * A record's electronic signatures (printed name, meaning, time, and whether the record still matches what was
 * signed) and, for those allowed, the form that signs it: meaning plus the re-entered password.
 */
export function SignaturesDrawer({
  target,
  meanings,
  onClose,
}: {
  target: SignatureTarget | null;
  /** The meanings the signed-in person may apply to this kind of record; none hides the form. */
  meanings: readonly SignatureMeaning[];
  onClose(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ meaning: SignatureMeaning; password: string }>();
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const signatures = useLoad(
    () => (target ? endpoints.signatures(target.entityType, target.entityId) : Promise.resolve([])),
    [target?.entityType, target?.entityId],
  );

  const sign = async (values: { meaning: SignatureMeaning; password: string }) => {
    if (!target) return;
    setBusy(true);
    setFailure(null);
    try {
      await endpoints.sign({ entityType: target.entityType, entityId: target.entityId, ...values });
      form.resetFields(['password']);
      message.success(t('signatures.signed'));
      signatures.reload();
    } catch (error) {
      setFailure(error);
      if (error instanceof ApiError && error.status === 401)
        form.setFields([{ name: 'password', errors: [error.problem.detail] }]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open={target !== null}
      onClose={onClose}
      size={760}
      destroyOnHidden
      title={target ? t('signatures.title', { name: target.name }) : ''}
      data-testid="signatures-drawer"
    >
      <ErrorAlert error={signatures.error} />
      <Table<Signature>
        size="small"
        loading={signatures.loading}
        dataSource={signatures.data ?? []}
        rowKey="id"
        pagination={false}
        locale={{ emptyText: <Empty description={t('signatures.none')} /> }}
        columns={[
          { title: t('signatures.printedName'), dataIndex: 'printedName' },
          {
            title: t('signatures.meaning'),
            dataIndex: 'meaning',
            render: (v: SignatureMeaning) => <Tag color="blue">{t(`signatures.meanings.${v}`)}</Tag>,
          },
          {
            title: t('signatures.signedAt'),
            dataIndex: 'signedAt',
            render: (v: string) => formatDateTime(v),
          },
          {
            title: t('signatures.status'),
            dataIndex: 'valid',
            render: (valid: boolean) =>
              valid ? (
                <Tag color="green" data-testid="signature-valid">
                  {t('signatures.valid')}
                </Tag>
              ) : (
                <Tag color="red" data-testid="signature-invalid">
                  {t('signatures.invalid')}
                </Tag>
              ),
          },
          {
            title: t('signatures.hash'),
            dataIndex: 'contentHash',
            render: (v: string) => <Typography.Text code>{v.slice(0, 12)}…</Typography.Text>,
          },
        ]}
      />
      {meanings.length > 0 && (
        <Form
          form={form}
          layout="vertical"
          style={{ marginTop: 24 }}
          initialValues={{ meaning: meanings[0] }}
          onFinish={sign}
          data-testid="signature-form"
        >
          <Form.Item name="meaning" label={t('signatures.meaning')} rules={[{ required: true }]}>
            <Select
              data-testid="signature-meaning"
              options={meanings.map((m) => ({ value: m, label: t(`signatures.meanings.${m}`) }))}
            />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('signatures.password')}
            rules={[{ required: true }]}
            {...(isPasswordMismatch(failure) && {
              validateStatus: 'error' as const,
              help: failure.problem.detail,
            })}
          >
            <Input.Password autoComplete="current-password" data-testid="signature-password" />
          </Form.Item>
          <Alert type="info" showIcon title={t('signatures.statement')} style={{ marginBottom: 16 }} />
          {/* A wrong password is shown at the password field; anything else above the button. */}
          <ErrorAlert error={isPasswordMismatch(failure) ? null : failure} />
          <Space style={{ marginTop: 12 }}>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="signature-submit">
              {t('signatures.sign')}
            </Button>
          </Space>
        </Form>
      )}
    </Drawer>
  );
}
